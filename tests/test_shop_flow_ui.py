"""Browser tests of the shopper's flow as seen at 390 and 1280 px: add-to-basket feedback, the
branded checkout and the thank-you page (issue 15, items 2, 3 and 6).

Real Chromium (Playwright), the live server and the PayPal simulator over HTTP. Screenshots of the
basket, the review-and-pay page and the thank-you page land in var/test-artifacts; axe-core runs
on the basket and the review-and-pay page.
"""

import re

import pytest

from testing.factories import make_book, make_category
from tests.browser_checks import WIDTHS, screenshots, serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def header_height(page):
    return page.locator(".site-header").bounding_box()["height"]


def within_viewport(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["x"] >= 0 and box["y"] + box["height"] <= size["height"]


@pytest.mark.parametrize("width", WIDTHS)
def test_add_to_basket_shows_a_toast_that_leaves_the_header_alone(live_server, page, width):
    book = make_book(make_category(), title="Middlemarch", price="11.50", stock=3)
    page.set_viewport_size(WIDTHS[width])
    page.clock.install()
    page.goto(live_server.url + book.url)
    before = header_height(page)

    page.get_by_role("button", name="Add to basket").click()

    toast = page.get_by_role("status").locator(".basket-toast")
    toast.wait_for()
    assert toast.get_by_text("1 × Middlemarch — €11.50").is_visible()
    assert page.get_by_role("status").get_attribute("aria-live") == "polite"
    assert within_viewport(page, toast), "the shopper must see the toast without scrolling"
    assert header_height(page) == before  # was 111 → 221 px (desktop) when the mini-basket joined the header
    toast.get_by_role("button", name="Close").click()
    assert toast.count() == 0

    page.get_by_role("button", name="Add to basket").click()
    toast.wait_for()
    page.clock.run_for(10_000)
    assert toast.count() == 0, "the toast hides by itself"


def test_on_a_phone_price_and_add_to_basket_are_above_the_fold(live_server, page):
    book = make_book(make_category(), title="Middlemarch", price="11.50", stock=3, cover=True)
    page.set_viewport_size(WIDTHS["390"])
    page.goto(live_server.url + book.url)

    assert within_viewport(page, page.locator(".book-detail__buy .price"))
    assert within_viewport(page, page.get_by_role("button", name="Add to basket"))


def test_guest_checkout_is_one_branded_flow_ending_with_pay_with_paypal(live_server, page, paypal_simulator):
    book = make_book(make_category(), title="Middlemarch", price="9.99", stock=3)
    page.set_viewport_size(WIDTHS["390"])
    page.goto(live_server.url + book.url)
    page.get_by_role("button", name="Add to basket").click()
    page.get_by_role("status").locator(".basket-toast").wait_for()

    page.goto(live_server.url + "/basket/")
    screenshots(page, "basket")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Proceed to checkout").click()
    page.get_by_label("Your email address").fill("reader@example.com")  # checking out as a guest
    page.get_by_role("button", name=re.compile("Continue", re.I)).click()

    # The address step: the shop's header, footer and order summary; a slim step line on a phone.
    assert_branded_step(page, "Step 1 of 3")
    country = page.get_by_label("Country")
    assert country.input_value() == "IE"  # DEFAULT_SHIPPING_COUNTRY; Austria came first before
    names = country.locator("option").all_inner_texts()
    assert names == sorted(names)
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("First line of address").fill("1 Example Street")
    page.get_by_label("City").fill("Dublin")
    postcode = page.get_by_label("Post/Zip-code")
    postcode.fill("D02 XY45")
    assert postcode.evaluate("box => box.scrollWidth <= box.clientWidth"), "the postcode must not be cut off"
    page.get_by_role("button", name=re.compile("Continue", re.I)).click()

    assert_branded_step(page, "Step 2 of 3")
    page.get_by_role("button", name="Choose Standard").click()

    # No page with one button: choosing the delivery leads straight to review and pay.
    page.wait_for_url(re.compile(r".*/checkout/preview/$"))
    assert_branded_step(page, "Step 3 of 3")
    assert page.get_by_text("Payment details to go here").count() == 0
    summary = page.locator(".order-summary")
    assert summary.get_by_text("€13.89").first.is_visible()  # 9.99 + 3.90 standard delivery
    pay = page.get_by_role("button", name="Pay with PayPal")
    assert pay.count() == 1 and page.locator("main button[type=submit]").count() == 1
    screenshots(page, "checkout-preview")
    assert serious_accessibility_violations(page) == []
    pay.click()

    assert page.url.startswith(paypal_simulator.base_url)
    approve = page.get_by_role("button", name="Approve payment")
    assert approve.bounding_box()["height"] >= 44, "the simulator's page is styled for a phone too"
    approve.click()

    page.wait_for_url(re.compile(r".*/checkout/thank-you/$"))
    assert page.get_by_text("Paid €13.89 with PayPal.").is_visible()
    assert page.get_by_text("Allocation of").count() == 0
    assert page.locator(".site-header").is_visible() and page.locator(".site-footer").is_visible()
    screenshots(page, "thank-you")


def assert_branded_step(page, step):
    assert page.locator(".site-header .brand").is_visible() and page.locator(".site-footer").count() == 1
    assert page.locator(".order-summary").is_visible()
    steps = page.get_by_role("navigation", name="Checkout steps")
    assert steps.get_by_text(step).is_visible()
    assert steps.bounding_box()["height"] <= 48  # Oscar's dark step bar was 210 px high on a phone
