"""`create_random_catalogue`: the benchmark catalogue is made of real, buyable, findable books."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from catalogue.pages import BookPage, CategoryPage
from testing.factories import make_home

pytestmark = pytest.mark.django_db


def test_it_adds_published_books_with_stock_on_every_shelf_and_they_can_be_found():
    make_home()
    out = io.StringIO()
    call_command("create_random_catalogue", books=60, covers=2, stdout=out)

    assert "Added 60 books" in out.getvalue() and "60/60" in out.getvalue()
    books = BookPage.objects.live().for_listing()
    assert books.count() == 60
    assert all(book.is_purchasable and book.cover_id and book.authors for book in books)
    leaves = [shelf for shelf in CategoryPage.objects.live() if not shelf.get_children().exists()]
    assert all(BookPage.objects.live().child_of(shelf).exists() for shelf in leaves)

    book = books.order_by("pk").first()
    page = Client().get("/search/", {"q": book.authors[0].name}).content.decode()
    assert book.url in page


def test_a_second_run_adds_to_the_catalogue_with_new_isbns():
    make_home()
    call_command("create_random_catalogue", books=5, covers=1, stdout=io.StringIO())
    call_command("create_random_catalogue", books=5, covers=1, seed=2, stdout=io.StringIO())
    isbns = list(BookPage.objects.values_list("isbn", flat=True))
    assert len(isbns) == 10 == len(set(isbns))


def test_an_impossible_size_is_refused():
    with pytest.raises(CommandError, match="between 1 and 1,000,000"):
        call_command("create_random_catalogue", books=0, stdout=io.StringIO())
