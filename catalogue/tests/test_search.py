"""Search: books by title, author and ISBN, content pages, ranked, highlighted, autocomplete."""

import re

import pytest

from home.models import StandardPage
from testing.factories import make_book, make_category, make_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    shelf = make_category(title="Classics")
    make_book(shelf, title="Middlemarch", author="George Eliot", isbn="9780141439549", description="Provincial life.")
    make_book(shelf, title="Silas Marner", author="George Eliot")
    make_book(shelf, title="Emma", author="Jane Austen", description="Emma Woodhouse, handsome, clever and rich.")
    return shelf


def result_titles(response):
    return [book.title for book in response.context["books"]]


def test_books_are_found_by_title_author_and_isbn(client, shelf):
    assert result_titles(client.get("/search/", {"q": "middlemarch"})) == ["Middlemarch"]
    assert sorted(result_titles(client.get("/search/", {"q": "Eliot"}))) == ["Middlemarch", "Silas Marner"]
    assert result_titles(client.get("/search/", {"q": "9780141439549"})) == ["Middlemarch"]
    # Hyphenated ISBN-10 of the same book.
    assert result_titles(client.get("/search/", {"q": "0-14-143954-8"})) == ["Middlemarch"]


def test_the_query_is_highlighted_and_html_escaped(client, shelf):
    html = client.get("/search/", {"q": "emma"}).content.decode()
    assert '<h3 class="book-card__title"><mark>Emma</mark></h3>' in html
    assert "<mark>Emma</mark> Woodhouse" in html
    hostile = client.get("/search/", {"q": "<script>x</script>"}).content.decode()
    assert "<script>x</script>" not in hostile


def test_content_pages_are_found_too(client, shelf):
    home = make_home()
    about = home.add_child(
        instance=StandardPage(title="Delivery and returns", slug="delivery", body="<p>Free over 40.</p>")
    )
    about.save_revision().publish()
    response = client.get("/search/", {"q": "delivery"})
    assert [page.title for page in response.context["content_pages"]] == ["Delivery and returns"]


def test_no_query_and_no_results_have_friendly_states(client, shelf):
    assert "Type a title" in client.get("/search/").content.decode()
    assert "No books match" in client.get("/search/", {"q": "zzzzqqq"}).content.decode()


def test_results_are_paginated(client):
    shelf = make_category(title="Many")
    for n in range(22):
        make_book(shelf, title=f"Ocean {n}", author="Sea Writer", price="5.00")
    first = client.get("/search/", {"q": "ocean"})
    assert len(first.context["books"]) == 20
    assert 'href="?q=ocean&amp;page=2"' in first.content.decode()
    second = client.get("/search/", {"q": "ocean", "page": 2})
    assert len(second.context["books"]) == 2 and "page=3" not in second.content.decode()
    assert client.get("/search/", {"q": "ocean", "page": "x"}).status_code == 200


def test_autocomplete_suggests_books_and_authors_as_json(client, shelf):
    data = client.get("/search/suggest/", {"q": "Midd"}).json()
    assert data["results"][0] == {
        "kind": "book",
        "title": "Middlemarch",
        "detail": "George Eliot",
        "url": "/classics/middlemarch-9549/",
    }
    authors = client.get("/search/suggest/", {"q": "Georg"}).json()["results"]
    assert {"kind": "author", "title": "George Eliot", "detail": "Author", "url": "/authors/george-eliot/"} in authors
    assert client.get("/search/suggest/", {"q": "M"}).json()["results"] == []


def test_unpublished_books_are_not_found(client, shelf):
    book = make_book(shelf, title="Sanditon", author="Jane Austen")
    book.unpublish()
    assert result_titles(client.get("/search/", {"q": "sanditon"})) == []


def test_anonymous_search_results_may_be_shared_by_the_page_cache(client, shelf):
    response = client.get("/search/", {"q": "Eliot"})
    assert "s-maxage=" in response["Cache-Control"]
    assert not re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', response.content.decode())
    assert not response.cookies
