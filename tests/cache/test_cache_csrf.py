"""Issue 6, group 3: forms on cached pages. The cached HTML carries no CSRF token; visitors get
their own at submit time (csrf.js + /_/csrf/), and without JavaScript a confirm form instead of
a 403."""

import re

import pytest
import requests
from playwright.sync_api import expect

from testing.factories import make_book, make_category
from tests.cache.shoppers import add_to_basket, fetch_csrf_token

pytestmark = [pytest.mark.services]

CLIENTS = 50


@pytest.fixture
def book(fresh_edge, postgres):
    category = make_category(title="Token Shelf", slug="token-shelf")
    return make_book(category, title="Token Trollope", author="Anthony Trollope", price="7.25", stock=100)


def test_fifty_cookie_less_clients_add_to_basket_from_a_cached_page(fresh_edge, book):
    assert fresh_edge.get(book.url).headers["X-Cache-Status"] == "MISS"
    tokens, cookies = set(), set()
    for _ in range(CLIENTS):
        with requests.Session() as client:
            page = fresh_edge.get(book.url, session=client)
            assert page.headers["X-Cache-Status"] == "HIT"
            assert "Set-Cookie" not in page.headers
            # The cached form has an empty token field for csrf.js to fill.
            assert re.search(r'name="csrfmiddlewaretoken" value=""', page.text)
            token = fetch_csrf_token(fresh_edge, client)
            response = add_to_basket(fresh_edge, client, book, token=token)
            assert response.status_code == 302, response.text[:500]
            assert "oscar_open_basket" in client.cookies
            assert fresh_edge.get("/_/me/", session=client).json()["basket_count"] == 1
            tokens.add(token)
            cookies.add(client.cookies["csrftoken"])
    assert len(tokens) == CLIENTS and len(cookies) == CLIENTS
    stored = b"".join(path.read_bytes() for path in fresh_edge.cache_files())
    assert not [token for token in tokens if token.encode() in stored]


def test_without_javascript_a_stale_token_gets_a_confirm_form_not_a_403(fresh_edge, book, anonymous):
    empty_token = anonymous.post(
        fresh_edge.url(f"/basket/add/{book.product_id}/"),
        data={"csrfmiddlewaretoken": "", "quantity": "2"},
        allow_redirects=False,
        timeout=30,
    )
    assert empty_token.status_code == 200
    assert "Add this book to your basket?" in empty_token.text
    assert "Token Trollope" in empty_token.text
    assert empty_token.headers["Cache-Control"] == "private, no-store"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', empty_token.text).group(1)
    quantity = re.search(r'name="quantity" value="(\d+)"', empty_token.text).group(1)
    assert quantity == "2"
    confirmed = anonymous.post(
        fresh_edge.url(f"/basket/add/{book.product_id}/"),
        data={"csrfmiddlewaretoken": token, "quantity": quantity},
        allow_redirects=False,
        timeout=30,
    )
    assert confirmed.status_code == 302
    assert fresh_edge.get("/_/me/", session=anonymous).json()["basket_count"] == 2


def test_other_forms_explain_a_csrf_failure_politely(fresh_edge, anonymous):
    response = anonymous.post(fresh_edge.url("/accounts/login/"), data={}, allow_redirects=False, timeout=30)
    assert response.status_code == 403
    assert "Please try again" in response.text
    assert "Nothing was changed" in response.text


@pytest.mark.browser
def test_browser_adds_from_a_cached_page_and_the_header_shows_the_basket(fresh_edge, book, page):
    fresh_edge.get(book.url)  # cached before the browser comes
    personal_requests = []
    page.on("request", lambda request: personal_requests.append(request.url) if "/_/me/" in request.url else None)
    page.goto(fresh_edge.url(book.url))
    page.wait_for_load_state("networkidle")
    assert personal_requests == []  # a cookie-less visitor has nothing personal to fetch
    assert page.locator("[data-basket-count]").first.inner_text() == ""

    # csrf.js holds the submit, fetches a token from /_/csrf/, then submits for real.
    with page.expect_response(lambda response: "/basket/add/" in response.url) as added:
        page.get_by_role("button", name="Add to basket").first.click()
    assert added.value.status in (200, 302)
    page.goto(fresh_edge.url(book.url))
    # A locator, not wait_for_function: shop pages allow no eval (Content-Security-Policy).
    expect(page.locator("[data-basket-count]").first).to_have_text("1")
    assert personal_requests
    assert page.locator("[data-account-greeting]").is_hidden()
