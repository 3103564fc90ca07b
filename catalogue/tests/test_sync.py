"""Publishing a BookPage or CategoryPage mirrors it into Oscar (docs/design.md §2)."""

from decimal import Decimal

import pytest

from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db


def test_publishing_a_book_creates_a_public_product_with_the_isbn_as_upc():
    fiction = make_category(title="Fiction")
    classics = make_category(fiction, title="Classics")
    book = make_book(classics, title="Emma", price="9.50", stock=4)

    product = book.product
    assert product.upc == book.isbn
    assert product.title == "Emma"
    assert product.is_public
    assert [c.name for c in product.categories.all()] == ["Classics"]
    assert classics.specific.oscar_category.get_parent().name == "Fiction"
    assert book.price == Decimal("9.50") and book.in_stock and book.is_purchasable


def test_the_book_page_is_the_products_canonical_url():
    book = make_book(make_category(), title="Persuasion")
    assert book.product.get_absolute_url() == book.url


def test_unpublishing_makes_the_book_unbuyable():
    book = make_book(make_category(), title="Mansfield Park")
    book.unpublish()
    book.refresh_from_db()
    book.product.refresh_from_db()
    assert not book.product.is_public
    assert not book.is_purchasable


def test_publishing_an_old_revision_keeps_the_oscar_links():
    category = make_category(title="Poetry")
    book = make_book(category, title="The Prelude")
    first_revision = book.revisions.order_by("pk").first()
    product_id, category_id = book.product_id, category.oscar_category_id

    first_revision.publish()
    category.save_revision().publish()

    book.refresh_from_db()
    category.refresh_from_db()
    assert (book.product_id, category.oscar_category_id) == (product_id, category_id)
