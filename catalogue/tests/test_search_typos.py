"""Book search on PostgreSQL: misspellings, "did you mean", ranking, and an index kept current."""

import pytest

from catalogue.book_search import search_books
from catalogue.pages import Author, BookPage
from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(postgres):
    shelf = make_category(title="Classics")
    make_book(shelf, title="Emma", author="Jane Austen", description="Emma Woodhouse, handsome, clever and rich.")
    make_book(shelf, title="Bleak House", author="Charles Dickens", description="Jarndyce and Jarndyce.")
    make_book(shelf, title="Middlemarch", author="George Eliot", description="Provincial life.")
    return shelf


def result_titles(client, query, **params):
    return [card.title for card in client.get("/search/", {"q": query, **params}).context["books"]]


def test_misspelled_authors_and_titles_find_their_books(client, shelf):
    assert result_titles(client, "austin") == ["Emma"]
    assert result_titles(client, "dickns") == ["Bleak House"]
    assert result_titles(client, "midlemarch") == ["Middlemarch"]
    assert result_titles(client, "bleek hous dickens") == ["Bleak House"]


def test_a_misspelled_query_offers_the_catalogue_spelling(client, shelf):
    html = client.get("/search/", {"q": "dickns"}).content.decode()
    assert 'Did you mean <a href="/search/?q=dickens">dickens</a>?' in html
    assert "Did you mean" not in client.get("/search/", {"q": "dickens"}).content.decode()


def test_an_exact_title_match_ranks_above_a_fuzzy_author_match(client, shelf):
    make_book(shelf, title="Austin Friars", author="Sam Ward")
    assert result_titles(client, "austin") == ["Austin Friars", "Emma"]


def test_title_beats_author_beats_description(client, shelf):
    make_book(shelf, title="Notes on Emma", author="Ann Reader")
    make_book(shelf, title="Letters", author="Emma Stone")
    make_book(shelf, title="Persuasion", author="Jane Austen", description="Not Emma, but Anne.")
    assert result_titles(client, "emma") == ["Emma", "Notes on Emma", "Letters", "Persuasion"]


def test_results_pages_follow_the_ranking(postgres):
    shelf = make_category(title="Sea")
    make_book(shelf, title="Harbour", author="Mo Lee", description="An ocean story.")
    for n in range(3):
        make_book(shelf, title=f"Ocean {n}", author="Sea Writer")
    first, second = search_books("ocean", start=0, count=2), search_books("ocean", start=2, count=2)
    titles = BookPage.objects.in_bulk(first.ids + second.ids)
    assert [titles[pk].title for pk in first.ids + second.ids] == ["Ocean 2", "Ocean 1", "Ocean 0", "Harbour"]
    assert first.has_more and not second.has_more


def test_the_index_follows_publishing_and_author_renames(client, shelf):
    book = BookPage.objects.get(title="Middlemarch")
    book.title = "Middlemarch: A Study"
    book.save_revision().publish()
    assert result_titles(client, "study") == ["Middlemarch: A Study"]
    book.unpublish()
    assert result_titles(client, "middlemarch") == []
    author = Author.objects.get(name="Charles Dickens")
    author.name = "Boz Dickens"
    author.save()
    assert result_titles(client, "boz") == ["Bleak House"]


def test_autocomplete_suggests_books_by_unfinished_words_and_authors(client, shelf):
    results = client.get("/search/suggest/", {"q": "bleak ho"}).json()["results"]
    assert [result["title"] for result in results] == ["Bleak House"]
    by_author = client.get("/search/suggest/", {"q": "dick"}).json()["results"]
    assert [(result["kind"], result["title"]) for result in by_author] == [
        ("book", "Bleak House"),
        ("author", "Charles Dickens"),
    ]


@pytest.mark.parametrize("query", ["\x00", "a & b | !c:*", "(((", "x" * 5000, "émma ß 東京", "' OR 1=1 --"])
def test_odd_queries_get_a_page_not_an_error(client, shelf, query):
    assert client.get("/search/", {"q": query}).status_code == 200
    assert client.get("/search/suggest/", {"q": query}).status_code == 200
