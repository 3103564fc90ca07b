"""The shared page cache: anonymous pages come back without touching the database, and any change
a shopper could see shows on the very next request."""

import time
from decimal import Decimal

import pytest
from django.test import Client

from catalogue.pages import BookPage
from edgecache import page_cache
from home.models import HomePage
from testing.factories import make_book, make_category, make_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(settings):
    settings.SHARED_PAGE_CACHE = True
    make_home()
    classics = make_category(title="Classics")
    return classics, make_book(classics, title="Emma", author="Jane Austen", price="9.50", stock=2)


def served_from_cache(response):
    return response.get("X-Page-Cache") == "HIT"


def test_the_second_anonymous_visit_is_served_whole_without_queries(shelf, django_assert_num_queries):
    _, book = shelf
    first = Client().get(book.url)
    with django_assert_num_queries(0):
        second = Client().get(book.url)
    assert not served_from_cache(first) and served_from_cache(second)
    assert second.content == first.content
    assert second["Cache-Control"] == first["Cache-Control"] == "max-age=0, s-maxage=600"
    assert not second.cookies


def test_a_price_or_stock_change_shows_on_the_next_request(shelf):
    classics, book = shelf
    assert "9.50" in Client().get(book.url).content.decode()
    assert "9.50" in Client().get(classics.url).content.decode()
    record = book.product.stockrecords.get()
    record.price = Decimal("7.25")
    record.num_in_stock = 0
    record.save()

    page = Client().get(book.url).content.decode()
    assert "7.25" in page and "9.50" not in page and "Out of stock" in page
    assert "7.25" in Client().get(classics.url).content.decode()


def test_publishing_a_page_shows_on_the_next_request_everywhere(shelf):
    classics, _ = shelf
    assert "Persuasion" not in Client().get("/search/", {"q": "austen"}).content.decode()
    assert "Persuasion" not in Client().get(classics.url).content.decode()
    make_book(classics, title="Persuasion", author="Jane Austen")
    assert "Persuasion" in Client().get("/search/", {"q": "austen"}).content.decode()
    assert "Persuasion" in Client().get(classics.url).content.decode()

    Client().get("/")
    assert served_from_cache(Client().get("/"))
    home = HomePage.objects.get()
    home.body = [("text", "<p>Now open on Sundays.</p>")]
    home.save_revision().publish()
    assert "Now open on Sundays." in Client().get("/").content.decode()


def test_a_page_past_its_max_age_is_rendered_by_one_visitor_while_the_others_get_the_stored_copy(shelf, monkeypatch):
    _, book = shelf
    Client().get(book.url)
    # A change no version tracks (no signal): only the page's age brings it out.
    BookPage.objects.filter(pk=book.pk).update(title="Emma, annotated")
    assert "Emma, annotated" not in Client().get(book.url).content.decode()

    monkeypatch.setattr(page_cache, "_now", lambda: time.time() + 601)  # s-maxage is 600
    arrived_meanwhile = []
    serve = BookPage.serve

    def serve_while_another_visitor_arrives(page, request, *args, **kwargs):
        if not arrived_meanwhile:
            arrived_meanwhile.append(Client().get(book.url))
        return serve(page, request, *args, **kwargs)

    monkeypatch.setattr(BookPage, "serve", serve_while_another_visitor_arrives)
    rendered = Client().get(book.url)
    assert not served_from_cache(rendered) and "Emma, annotated" in rendered.content.decode()
    [meanwhile] = arrived_meanwhile
    assert served_from_cache(meanwhile) and "Emma, annotated" not in meanwhile.content.decode()
    after = Client().get(book.url)
    assert served_from_cache(after) and after.content == rendered.content


def test_signed_in_visitors_are_neither_served_nor_stored(shelf, django_user_model):
    _, book = shelf
    reader = django_user_model.objects.create_user("reader", "reader@example.com", "pass-for-tests")
    signed_in = Client()
    signed_in.force_login(reader)
    for _ in range(2):
        assert not served_from_cache(signed_in.get(book.url))
    assert not served_from_cache(Client().get(book.url)), "a signed-in visitor's page was stored"
    assert not served_from_cache(Client(HTTP_AUTHORIZATION="Basic cmVhZGVyOnBhc3M=").get(book.url))


@pytest.mark.parametrize(
    "query, stored",
    [
        ({"sort": "title", "page": "1", "in_stock": "1"}, True),
        ({"utm_source": "news"}, False),
        ({"made_up": "1"}, False),
    ],
)
def test_only_query_strings_the_pages_read_are_stored(shelf, query, stored):
    classics, _ = shelf
    Client().get(classics.url, query)
    assert served_from_cache(Client().get(classics.url, query)) is stored


def test_not_found_pages_and_posts_are_never_served_from_the_cache(shelf):
    for _ in range(2):
        assert Client().get("/no-such-shelf/").status_code == 404
    assert not served_from_cache(Client().get("/no-such-shelf/"))
    classics, _ = shelf
    Client().get(classics.url)
    assert not served_from_cache(Client().post(classics.url))


def test_switched_off_nothing_is_served_from_the_cache(shelf, settings):
    _, book = shelf
    settings.SHARED_PAGE_CACHE = False
    Client().get(book.url)
    assert not served_from_cache(Client().get(book.url))
