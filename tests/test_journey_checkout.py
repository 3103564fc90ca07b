"""Browser journey: AJAX basket → guest checkout → PayPal simulator → thank-you → mails → staff refund.

Real Chromium (Playwright), the live server, the PayPal simulator over HTTP and an aiosmtpd sink.
"""

import re

import pytest
from oscar.core.loading import get_model
from playwright.sync_api import expect

from testing.factories import make_book, make_category, make_shopper

Order = get_model("order", "Order")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_by_ajax(page, book_url, expected_count):
    page.goto(book_url)
    page.evaluate("window.__stayedOnPage = true")
    page.get_by_role("button", name="Add to basket").first.click()
    # A locator, not wait_for_function: shop pages allow no eval (Content-Security-Policy).
    expect(page.locator("[data-basket-count]")).to_have_text(str(expected_count))
    assert page.evaluate("window.__stayedOnPage") is True  # no navigation happened
    assert page.url == book_url


def test_guest_buys_two_books_with_paypal_and_staff_refunds(live_server, page, paypal_simulator, smtp_sink):
    classics = make_category(title="Classics")
    first = make_book(classics, title="Middlemarch", author="George Eliot", price="11.50", stock=3)
    second = make_book(classics, title="Villette", author="Charlotte Bronte", price="9.00", stock=3)
    staff = make_shopper("staff@example.com", "staff-pass-123", username="staff", is_staff=True)
    staff.is_superuser = True
    staff.save()

    add_by_ajax(page, live_server.url + first.url, "1")
    assert page.get_by_role("status").get_by_text("1 × Middlemarch — €11.50").is_visible()  # the toast
    add_by_ajax(page, live_server.url + second.url, "2")

    page.goto(live_server.url + "/basket/")
    page.get_by_role("link", name="Proceed to checkout").click()
    page.get_by_label("Your email address").fill("reader@example.com")  # checking out as a guest
    page.get_by_role("button", name=re.compile("Continue", re.I)).click()
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("First line of address").fill("1 Example Street")
    page.get_by_label("City").fill("Berlin")
    page.get_by_label("Post/Zip-code").fill("10115")
    country = page.get_by_label("Country")
    if country.count():
        country.select_option("DE")
    page.get_by_role("button", name=re.compile("Continue", re.I)).click()
    page.locator("form:has(input[value=standard]) button").first.click()  # straight on to review and pay
    page.get_by_role("button", name="Pay with PayPal").click()

    assert page.url.startswith(paypal_simulator.base_url)
    assert page.get_by_text("Pay 24.40 EUR").is_visible()  # 11.50 + 9.00 + 3.90 standard shipping
    page.get_by_role("button", name="Approve payment").click()

    page.wait_for_url(re.compile(r".*/checkout/thank-you/$"))
    order = Order.objects.get()
    assert page.get_by_text(order.number).first.is_visible()
    [confirmation] = smtp_sink.wait_for(lambda m: order.number in m["Subject"])
    assert confirmation["To"] == "reader@example.com"

    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill("staff@example.com")
    page.locator("#id_password").fill("staff-pass-123")
    page.locator("#login_form button[type=submit]").click()
    page.goto(live_server.url + f"/dashboard/orders/{order.number}/")
    for checkbox in page.locator("input[name=selected_line]").all():
        checkbox.check()
    page.locator("#payment_event_check").check()
    page.locator("#payment_event_type_select").select_option("refunded")
    page.locator("#amount_input").fill("5.00")
    page.get_by_role("button", name="Go!").click()
    assert page.get_by_text("Payment event created").is_visible()

    [refund_mail] = smtp_sink.wait_for(lambda m: m["Subject"].startswith("Refund for your Folio Books order"))
    assert "5.00 EUR" in refund_mail.get_body(("plain",)).get_content()
    assert order.sources.get().amount_refunded == 5
