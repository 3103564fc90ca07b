"""Catalogue resources: shelves, books (filters, sorts, pages, cursor), authors, search, CMS pages."""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from catalogue.pages import BookPage
from catalogue.tests.test_query_budgets import (
    grow_catalogue_to_1000_books,
    shop,  # noqa: F401  (the query-budget shop fixture)
)
from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelves():
    fiction = make_category(title="Fiction")
    classics = make_category(fiction, title="Classics")
    crime = make_category(fiction, title="Crime")
    poetry = make_category(title="Poetry")
    books = {
        "emma": make_book(classics, title="Emma", author="Jane Austen", price="9.50", stock=2, cover=True),
        "persuasion": make_book(classics, title="Persuasion", author="Jane Austen", price="7.00", stock=0),
        "moonstone": make_book(
            crime, title="The Moonstone", author="Wilkie Collins", price="12.00", book_format="hardback"
        ),
        "odes": make_book(poetry, title="Odes", author="John Keats", price="5.25"),
    }
    return {"fiction": fiction, "classics": classics, "crime": crime, "poetry": poetry, **books}


def titles(response):
    assert response.status_code == 200, response.content[:500]
    return [book["title"] for book in response.json()["results"]]


def test_the_shelf_tree_counts_books_including_subshelves(client, shelves):
    tree = client.get("/api/v1/categories/").json()
    fiction = next(node for node in tree if node["title"] == "Fiction")
    assert fiction["book_count"] == 3 and fiction["url"] == shelves["fiction"].get_full_url()
    assert {(child["title"], child["book_count"]) for child in fiction["children"]} == {("Classics", 2), ("Crime", 1)}
    assert client.get(fiction["books_url"]).json()["count"] == 3


def test_books_filter_by_shelf_stock_format_author_and_price(client, shelves):
    fiction = shelves["fiction"].pk
    assert sorted(titles(client.get("/api/v1/books/", {"category": fiction}))) == [
        "Emma",
        "Persuasion",
        "The Moonstone",
    ]
    assert "Persuasion" not in titles(client.get("/api/v1/books/", {"category": fiction, "in_stock": "true"}))
    assert titles(client.get("/api/v1/books/", {"format": "hardback"})) == ["The Moonstone"]
    assert sorted(titles(client.get("/api/v1/books/", {"author": "jane-austen"}))) == ["Emma", "Persuasion"]
    assert sorted(titles(client.get("/api/v1/books/", {"price_min": "7.00", "price_max": "9.50"}))) == [
        "Emma",
        "Persuasion",
    ]
    assert client.get("/api/v1/books/", {"category": 2147483647}).status_code == 404


def test_books_sort_by_title_price_and_newest(client, shelves):
    assert titles(client.get("/api/v1/books/", {"sort": "title"})) == ["Emma", "Odes", "Persuasion", "The Moonstone"]
    assert titles(client.get("/api/v1/books/", {"sort": "price-asc"}))[0] == "Odes"
    assert titles(client.get("/api/v1/books/", {"sort": "price-desc"}))[0] == "The Moonstone"
    assert titles(client.get("/api/v1/books/"))[0] == "Odes"  # the last published


def test_page_numbers_and_the_cursor_walk_the_same_books(client, shelves):
    first = client.get("/api/v1/books/", {"sort": "title", "page_size": 3}).json()
    second = client.get(first["next"]).json()
    assert first["count"] == 4 and second["previous"] and second["next"] is None
    paged = [book["title"] for book in first["results"] + second["results"]]
    walked, url = [], "/api/v1/books/?sort=title&page_size=3&cursor="
    while url:
        page = client.get(url).json()
        assert page["count"] is None
        walked += [book["title"] for book in page["results"]]
        url = page["next"]
    assert walked == paged == ["Emma", "Odes", "Persuasion", "The Moonstone"]
    price_walk, url = [], "/api/v1/books/?sort=price-desc&page_size=1&cursor="
    while url:
        page = client.get(url).json()
        price_walk += [book["price"] for book in page["results"]]
        url = page["next"]
    assert price_walk == ["12.00", "9.50", "7.00", "5.25"]


def test_a_book_has_everything_its_page_shows(client, shelves):
    emma = shelves["emma"]
    book = client.get(f"/api/v1/books/{emma.pk}/").json()
    assert book["isbn"] == emma.isbn and book["authors"] == [{"name": "Jane Austen", "slug": "jane-austen"}]
    assert book["price"] == "9.50" and book["currency"] == "EUR"
    assert book["availability"] == {"in_stock": True, "purchasable": True, "num_available": 2}
    assert book["url"] == emma.get_full_url() and book["shelf"]["title"] == "Classics"
    assert book["cover"]["small"]["width"] == 240 and book["cover"]["large"]["width"] == 400
    assert client.get(book["cover"]["small"]["url"].replace("http://testserver", "")).status_code in (200, 404)
    persuasion = client.get(f"/api/v1/books/{shelves['persuasion'].pk}/").json()
    assert persuasion["availability"]["in_stock"] is False and persuasion["cover"] is None


def test_an_unpublished_book_is_gone_from_the_api(client, shelves):
    shelves["odes"].unpublish()
    assert client.get(f"/api/v1/books/{shelves['odes'].pk}/").status_code == 404
    assert "Odes" not in titles(client.get("/api/v1/books/"))


def test_authors_list_and_detail(client, shelves):
    authors = client.get("/api/v1/authors/").json()
    assert [author["name"] for author in authors["results"]] == ["Jane Austen", "John Keats", "Wilkie Collins"]
    austen = client.get("/api/v1/authors/jane-austen/").json()
    assert austen["url"] == "http://testserver/authors/jane-austen/"
    assert len(client.get(austen["books_url"]).json()["results"]) == 2


def test_search_ranks_as_the_sites_search_page(client, shelves):
    api = client.get("/api/v1/search/", {"q": "austen"}).json()
    site = client.get("/search/", {"q": "austen"}).context["books"]
    assert [urlsplit(book["url"]).path for book in api["books"]] == [card.url for card in site]
    assert len(api["books"]) == 2
    isbn = client.get("/api/v1/search/", {"q": shelves["emma"].isbn}).json()
    assert [book["title"] for book in isbn["books"]] == ["Emma"]


def test_wagtails_pages_api_is_mounted_under_the_version(client, shelves):
    pages = client.get("/api/v1/cms/pages/", {"type": "catalogue.CategoryPage"}).json()
    assert {item["title"] for item in pages["items"]} >= {"Fiction", "Classics"}
    detail_url = pages["items"][0]["meta"]["detail_url"]
    assert "/api/v1/cms/pages/" in detail_url
    assert client.get(detail_url.replace("http://localhost", "")).status_code == 200


def budget_counts(client, url, django_assert_max_num_queries, settings):
    settings.SHARED_PAGE_CACHE = False
    cache.clear()
    assert client.get(url).status_code == 200  # renditions created, site root paths cached
    with django_assert_max_num_queries(BUDGET) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


BUDGET = 12


def test_the_book_list_and_detail_run_the_same_queries_at_10_and_1000_books(
    client,
    shop,  # noqa: F811
    settings,
    django_assert_max_num_queries,
):
    book = shop["book"]
    shelf = shop["category"].get_parent()
    urls = {
        "list": "/api/v1/books/?page_size=24",
        "list by shelf, price": f"/api/v1/books/?category={shelf.pk}&sort=price-asc&page_size=24",
        "cursor": "/api/v1/books/?sort=title&page_size=24&cursor=",
        "detail": f"/api/v1/books/{book.pk}/",
    }

    def measure():
        return {name: budget_counts(client, url, django_assert_max_num_queries, settings) for name, url in urls.items()}

    with_10 = measure()
    grow_catalogue_to_1000_books(shop)
    with_1000 = measure()
    print("API queries at 10 and 1,000 books:", with_10, with_1000)
    assert with_1000 == with_10
    assert len(client.get(urls["list"]).json()["results"]) == 24
    assert BookPage.objects.live().count() == 1000
    assert Decimal(client.get(urls["detail"]).json()["price"]) > 0
