"""The shop's pages work under the Content-Security-Policy in Chromium: no violation is reported
on the home page, a book page and the basket, and the page scripts still run (the basket count)."""

import pytest

from testing.factories import make_book, make_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_csp_violation_on_home_book_and_basket(live_server, page):
    book = make_book(make_category(title="Fiction"), title="Middlemarch", price="11.50", stock=3, cover=True)
    violations = []

    def note_violation(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", note_violation)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )

    page.goto(live_server.url + "/")
    page.goto(live_server.url + book.url)
    page.get_by_role("button", name="Add to basket").click()
    page.locator("[data-basket-count]").filter(has_text="1").wait_for()
    page.goto(live_server.url + "/basket/")
    assert page.get_by_text("Middlemarch").first.is_visible()

    assert violations == []
