"""The Oscar Category tree follows the CategoryPage tree: creation, renames and moves."""

import pytest
from oscar.core.loading import get_model

from catalogue.pages import BookPage, CategoryPage
from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db

Category = get_model("catalogue", "Category")


def oscar_category(page):
    return Category.objects.get(pk=CategoryPage.objects.get(pk=page.pk).oscar_category_id)


def test_moving_a_category_page_moves_its_oscar_category_and_subtree():
    fiction = make_category(title="Fiction")
    history = make_category(title="History")
    crime = make_category(fiction, title="Crime")
    noir = make_category(crime, title="Noir")

    crime.move(history, pos="last-child")

    assert oscar_category(crime).get_parent() == oscar_category(history)
    assert oscar_category(noir).full_name == "History > Crime > Noir"
    assert oscar_category(noir).full_slug == "history/crime/noir"


def test_moving_a_category_to_the_top_level_makes_a_root_category():
    fiction = make_category(title="Fiction")
    crime = make_category(fiction, title="Crime")
    crime.move(fiction.get_parent(), pos="last-child")
    assert oscar_category(crime).is_root()


def test_renaming_a_category_page_renames_the_oscar_category():
    crime = make_category(title="Crime")
    crime.title, crime.slug = "Crime & Mystery", "crime-mystery"
    crime.save_revision().publish()
    category = oscar_category(crime)
    assert (category.name, category.slug) == ("Crime & Mystery", "crime-mystery")


def test_moving_a_book_refiles_its_product():
    classics = make_category(title="Classics")
    poetry = make_category(title="Poetry")
    book = make_book(classics, title="The Prelude")

    book.move(poetry, pos="last-child")

    product = BookPage.objects.get(pk=book.pk).product
    assert [c.name for c in product.categories.all()] == ["Poetry"]


def test_unpublishing_a_category_hides_its_oscar_category():
    crime = make_category(title="Crime")
    crime.unpublish()
    assert not oscar_category(crime).is_public
