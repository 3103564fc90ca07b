"""Browser journey: a shopper browses from the home page to a book (Playwright + Chromium)."""

import pytest

from testing.factories import make_book, make_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shopper_browses_from_home_to_a_book(live_server, page):
    fiction = make_category(title="Fiction")
    classics = make_category(fiction, title="Classics")
    make_book(classics, title="Middlemarch", author="George Eliot", price="11.50", stock=3, cover=True)

    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Fiction").click()
    page.get_by_role("link", name="Classics").first.click()
    assert page.get_by_role("heading", name="Classics", level=1).is_visible()
    page.get_by_role("link", name="Middlemarch").click()

    assert page.get_by_role("heading", name="Middlemarch", level=1).is_visible()
    assert page.get_by_text("by George Eliot").is_visible()
    assert page.locator(".price--large").inner_text() == "€11.50"
    cover = page.get_by_role("img", name="Cover of Middlemarch")
    assert cover.is_visible()
    assert page.evaluate("img => img.naturalWidth", cover.element_handle()) > 0
    assert page.get_by_role("button", name="Add to basket").is_visible()
