"""Issue 6, group 1: what nginx caches and what it never does, through real nginx and gunicorn."""

import pytest
import requests
from django.contrib.auth import get_user_model

from edgecache.caching import PERSONAL_MARKER_COOKIE
from testing.factories import make_book, make_category
from tests.cache.shoppers import add_to_basket, signed_in_session

pytestmark = [pytest.mark.services]


@pytest.fixture
def shelf(fresh_edge, postgres):
    category = make_category(title="Hit Shelf", slug="hit-shelf")
    book = make_book(category, title="Cached Dickens", author="Charles Dickens", price="9.50")
    return category, book


def test_anonymous_pages_go_miss_then_hit_with_the_same_body(fresh_edge, shelf):
    category, book = shelf
    for path in ("/", category.url, book.url):
        first = fresh_edge.get(path)
        second = fresh_edge.get(path)
        assert first.status_code == 200, path
        assert (first.headers["X-Cache-Status"], second.headers["X-Cache-Status"]) == ("MISS", "HIT"), path
        assert second.text == first.text
        assert "s-maxage=" in first.headers["Cache-Control"]
        assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
        assert "Cookie" not in first.headers.get("Vary", "")
    assert "Cached Dickens" in fresh_edge.get(book.url).text


def test_ttl_depends_on_the_page_type(fresh_edge, shelf):
    category, book = shelf
    assert fresh_edge.get("/").headers["Cache-Control"] == "max-age=0, s-maxage=120"
    assert fresh_edge.get(category.url).headers["Cache-Control"] == "max-age=0, s-maxage=300"
    assert fresh_edge.get(book.url).headers["Cache-Control"] == "max-age=0, s-maxage=600"


def test_head_first_stores_the_page_for_get(fresh_edge, shelf):
    _, book = shelf
    head = requests.head(fresh_edge.url(book.url), timeout=10)
    assert head.headers["X-Cache-Status"] == "MISS"
    assert fresh_edge.get(book.url).headers["X-Cache-Status"] == "HIT"


def test_session_cookie_bypasses_the_cache_and_is_never_stored(fresh_edge, shelf):
    _, book = shelf
    reader = get_user_model().objects.create_user("zed@example.test", "zed@example.test", "pw", first_name="Zed")
    signed_in = signed_in_session(reader)
    for _ in range(2):
        response = fresh_edge.get(book.url, session=signed_in)
        assert response.headers["X-Cache-Status"] == "BYPASS"
    # Nothing was stored for the signed-in visitor: the first anonymous request is a MISS.
    assert fresh_edge.get(book.url).headers["X-Cache-Status"] == "MISS"
    assert fresh_edge.get(book.url).headers["X-Cache-Status"] == "HIT"
    assert fresh_edge.get(book.url, session=signed_in).headers["X-Cache-Status"] == "BYPASS"


def test_basket_cookie_bypasses_the_cache(fresh_edge, shelf, anonymous):
    category, book = shelf
    fresh_edge.get(category.url)
    assert fresh_edge.get(category.url).headers["X-Cache-Status"] == "HIT"
    added = add_to_basket(fresh_edge, anonymous, book)
    assert added.status_code == 302
    assert "oscar_open_basket" in anonymous.cookies
    # The readable marker tells personal.js to ask /_/me/ for the count.
    assert anonymous.cookies.get(PERSONAL_MARKER_COOKIE) == "1"
    for _ in range(2):
        assert fresh_edge.get(category.url, session=anonymous).headers["X-Cache-Status"] == "BYPASS"
    me = fresh_edge.get("/_/me/", session=anonymous)
    assert me.json() == {"authenticated": False, "name": "", "is_staff": False, "basket_count": 1}
    assert "no-store" in me.headers["Cache-Control"]


def test_basket_checkout_and_account_pages_are_never_hit(fresh_edge, shelf, anonymous):
    _, book = shelf
    add_to_basket(fresh_edge, anonymous, book)
    reader = get_user_model().objects.create_user("amy@example.test", "amy@example.test", "pw")
    clients = {"anonymous": requests.Session(), "basket": anonymous, "signed in": signed_in_session(reader)}
    for who, session in clients.items():
        for path in ("/basket/", "/checkout/", "/accounts/", "/accounts/login/", "/_/me/", "/_/csrf/"):
            for _ in range(3):
                response = fresh_edge.get(path, session=session)
                assert response.headers.get("X-Cache-Status") in (None, ""), (who, path)
                assert response.headers["Cache-Control"] == "private, no-store", (who, path)
    assert not [path for path in fresh_edge.cache_files() if b"/basket/" in path.read_bytes()[:2048]]


def test_tracking_parameters_and_analytics_cookies_share_the_entry(fresh_edge, shelf):
    _, book = shelf
    assert fresh_edge.get(book.url).headers["X-Cache-Status"] == "MISS"
    assert fresh_edge.get(book.url + "?utm_source=news&utm_medium=email").headers["X-Cache-Status"] == "HIT"
    assert fresh_edge.get(book.url, cookies={"_ga": "GA1.1"}).headers["X-Cache-Status"] == "HIT"
    assert fresh_edge.get(book.url, cookies={"_ga": "GA1.2", "csrftoken": "x" * 32}).headers["X-Cache-Status"] == "HIT"
    assert fresh_edge.get(book.url + "?page=2&utm_source=news").headers["X-Cache-Status"] == "MISS"


def test_cookie_less_visitors_get_no_personal_header(fresh_edge, shelf):
    _, book = shelf
    html = fresh_edge.get(book.url).text
    assert "data-basket-count></span>" in html
    assert "Hello," not in html


def test_readiness_reports_database_cache_and_broker(fresh_edge):
    response = fresh_edge.get("/_/ready")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok" and body["cache"] == "ok"
    assert "broker" in body
    assert response.headers["Cache-Control"] == "private, no-store"
