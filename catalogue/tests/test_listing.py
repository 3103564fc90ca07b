"""Category pages: books of the shelf and its sub-shelves, 24 a page, sorted, filtered, breadcrumbs."""

import re
from decimal import Decimal

import pytest

from catalogue.pages import Author
from testing.bulk_books import BulkBookWriter, NewBook, isbn13
from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db


def titles(response):
    return re.findall(r'class="book-card__title">([^<]+)<', response.content.decode())


def test_a_category_lists_the_books_of_its_subcategories_with_breadcrumbs(client):
    fiction = make_category(title="Fiction")
    crime = make_category(fiction, title="Crime")
    make_book(fiction, title="Ulysses")
    make_book(crime, title="The Big Sleep", author="Raymond Chandler", price="7.50")

    response = client.get(fiction.url)

    assert sorted(titles(response)) == ["The Big Sleep", "Ulysses"]
    html = response.content.decode()
    assert "Raymond Chandler" in html and "€7.50" in html and "In stock" in html
    crime_html = client.get(crime.url).content.decode()
    assert '<li class="breadcrumb-item"><a href="/fiction/">Fiction</a></li>' in crime_html
    assert 'aria-current="page">Crime</li>' in crime_html


def test_sorting_by_title_and_price_and_the_in_stock_filter(client):
    shelf = make_category(title="Shelf")
    make_book(shelf, title="Beta", price="20.00", stock=0)
    make_book(shelf, title="Alpha", price="5.00", stock=2)
    make_book(shelf, title="Gamma", price="12.00", stock=1)

    assert titles(client.get(shelf.url, {"sort": "title"})) == ["Alpha", "Beta", "Gamma"]
    assert titles(client.get(shelf.url, {"sort": "price-asc"})) == ["Alpha", "Gamma", "Beta"]
    assert titles(client.get(shelf.url, {"sort": "price-desc"})) == ["Beta", "Gamma", "Alpha"]
    assert titles(client.get(shelf.url, {"sort": "newest"})) == ["Gamma", "Alpha", "Beta"]
    assert titles(client.get(shelf.url, {"sort": "title", "in_stock": "1"})) == ["Alpha", "Gamma"]
    # Unknown values fall back to the default instead of failing.
    assert client.get(shelf.url, {"sort": "bogus", "page": "x"}).status_code == 200


def test_24_books_a_page_with_links_that_keep_the_sort(client):
    shelf = make_category(title="Big Shelf")
    author = Author.objects.create(name="Many Books", slug="many-books")
    books = [
        NewBook(
            title=f"Book {n:02d}",
            isbn=isbn13(f"979860{n:06d}"),
            author_ids=[author.pk],
            price=Decimal("5.00"),
            num_in_stock=1,
        )
        for n in range(30)
    ]
    BulkBookWriter().add(shelf, books)

    first = client.get(shelf.url, {"sort": "title"})
    second = client.get(shelf.url, {"sort": "title", "page": "2"})

    assert titles(first) == [f"Book {n:02d}" for n in range(24)]
    assert titles(second) == [f"Book {n:02d}" for n in range(24, 30)]
    assert 'href="?sort=title&amp;page=2"' in first.content.decode()
    assert "30 books" in first.content.decode()


def test_an_empty_shelf_says_so(client):
    html = client.get(make_category(title="Empty").url).content.decode()
    assert "No books on this shelf yet" in html


def test_a_book_page_shows_related_books_from_its_shelf_and_its_authors(client):
    classics = make_category(title="Classics")
    poetry = make_category(title="Poetry")
    emma = make_book(classics, title="Emma", author="Jane Austen")
    make_book(classics, title="Middlemarch", author="George Eliot")
    make_book(poetry, title="Juvenilia", author="Jane Austen")
    make_book(poetry, title="The Prelude", author="William Wordsworth")

    html = client.get(emma.url).content.decode()
    related = html[html.index('id="related-heading"') :]

    assert sorted(re.findall(r'class="book-card__title">([^<]+)<', related)) == ["Juvenilia", "Middlemarch"]
