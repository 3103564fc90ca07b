"""Staff refunds in /dashboard/: bad amounts are refused with a message, and refunds at once never overlap.

What was refunded is derived from the refund rows under the order's row lock, so two refunds
posted at the same moment are checked one after the other (PostgreSQL, live server, threads).
"""

import re
import threading

import pytest
import requests
from django.conf import settings
from django.urls import reverse
from oscar.core.loading import get_model

from checkout.models import PayPalRefund
from checkout.paypal import facade
from checkout.tests.steps import approved_attempt
from testing.factories import make_book, make_category

Order = get_model("order", "Order")


@pytest.fixture
def order(paypal_simulator):
    """A placed PayPal order of 2 × 10.00 + 3.90 shipping = 23.90 EUR."""
    book = make_book(make_category(), title="Sense and Sensibility", price="10.00", stock=3)
    return facade.complete_attempt(approved_attempt(book, paypal_simulator, quantity=2).pk).order


def refund_form(order, amount):
    return {"order_action": "create_order_payment_event", "payment_event_type": "refunded", "amount": amount}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "amount, message",
    [
        ("1.005", "1.005 has more decimals than EUR allows"),
        ("-5", "You can refund between 0.01 and 23.90 EUR"),
        ("0", "You can refund between 0.01 and 23.90 EUR"),
        ("23.91", "You can refund between 0.01 and 23.90 EUR"),
        ("9" * 5000, "You can refund between 0.01 and 23.90 EUR"),
        ("1e999999", "You can refund between 0.01 and 23.90 EUR"),
        ("NaN", "Please enter the amount as a number"),
        ("Infinity", "Please enter the amount as a number"),
        ("ten euros", "Please choose a valid amount"),
        ("5\x00", "Please choose a valid amount"),
    ],
    ids=[
        "too-many-decimals",
        "negative",
        "zero",
        "too-much",
        "huge",
        "huge-exponent",
        "nan",
        "infinity",
        "words",
        "nul",
    ],
)
def test_a_bad_refund_amount_gets_a_message_and_changes_nothing(
    order, admin_client, paypal_simulator, mailoutbox, amount, message
):
    sent = len(mailoutbox)

    page = admin_client.post(
        reverse("dashboard:order-detail", kwargs={"number": order.number}), refund_form(order, amount), follow=True
    )

    assert page.status_code == 200
    assert message in page.content.decode()
    assert not PayPalRefund.objects.exists() and order.sources.get().amount_refunded == 0
    assert paypal_simulator.captures[order.paypal_attempt.capture_id]["status"] == "COMPLETED"
    assert Order.objects.get(pk=order.pk).status == "Paid" and len(mailoutbox) == sent


@pytest.mark.django_db
@pytest.mark.parametrize(
    "form, message",
    [
        ({"order_action": "create_order_payment_event", "payment_event_type": "refunded"}, "Please fill in amount"),
        ({"line_action": "change_line_statuses", "selected_line": "LINE"}, "Please fill in new_status"),
        ({"line_action": "create_shipping_event", "selected_line": "LINE"}, "Please fill in shipping_event_type"),
        (
            {"line_action": "create_payment_event", "payment_event_type": "refunded", "selected_line": "LINE"},
            "Please give a quantity for every selected line",
        ),
        (
            {"line_action": "change_line_statuses", "new_status": "Shipped", "selected_line": "1\x00"},
            "Those order lines do not exist",
        ),
        ({"order_action": "delete_note", "note_id": "abc"}, "That note does not exist"),
    ],
    ids=["refund-without-amount", "no-status", "no-event-type", "no-quantity", "nul-line-id", "foreign-note-id"],
)
def test_a_malformed_staff_post_gets_a_message_and_changes_nothing(
    order, admin_client, paypal_simulator, mailoutbox, form, message
):
    """Oscar's own page answered these with a server error; staff tools and replays do send them."""
    sent = len(mailoutbox)
    form = {name: str(order.lines.get().pk) if value == "LINE" else value for name, value in form.items()}

    page = admin_client.post(reverse("dashboard:order-detail", kwargs={"number": order.number}), form, follow=True)

    assert page.status_code == 200
    assert message in page.content.decode()
    assert not PayPalRefund.objects.exists() and order.sources.get().amount_refunded == 0
    assert Order.objects.get(pk=order.pk).status == "Paid" and len(mailoutbox) == sent
    assert not order.lines.get().shipping_events.exists()


def staff_browser(live_server, client, admin_user, order):
    """A staff member's own HTTP session at the live server, with its CSRF token."""
    client.force_login(admin_user)
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    page = browser.get(live_server.url + reverse("dashboard:order-detail", kwargs={"number": order.number}))
    assert page.status_code == 200
    browser.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return browser


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_three_refunds_posted_at_once_never_refund_more_than_was_paid(
    postgres, paypal_simulator, live_server, client, admin_user
):
    order = facade.complete_attempt(
        approved_attempt(make_book(make_category(), price="10.00", stock=3), paypal_simulator, quantity=2).pk
    ).order
    capture_id = order.paypal_attempt.capture_id
    url = live_server.url + reverse("dashboard:order-detail", kwargs={"number": order.number})
    browsers = [staff_browser(live_server, client, admin_user, order) for _ in range(3)]
    barrier = threading.Barrier(len(browsers))
    pages = []

    def refund_ten_euros(browser):
        barrier.wait()
        form = {**refund_form(order, "10.00"), "csrfmiddlewaretoken": browser.csrf_token}
        pages.append(browser.post(url, data=form, headers={"Referer": url}, timeout=60))

    threads = [threading.Thread(target=refund_ten_euros, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [page.status_code for page in pages] == [200, 200, 200]
    texts = [page.text for page in pages]
    assert sum("Payment event created" in text for text in texts) == 2
    assert sum("You can refund between 0.01 and 3.90 EUR" in text for text in texts) == 1
    refunds_at_paypal = [r for r in paypal_simulator.refunds.values() if r["links"][0]["href"].endswith(capture_id)]
    assert sorted(r["amount"]["value"] for r in refunds_at_paypal) == ["10.00", "10.00"]
    assert paypal_simulator.captures[capture_id]["_refunded"] == "20.00"
    assert PayPalRefund.objects.filter(order=order, status="COMPLETED").count() == 2
    order.refresh_from_db()
    assert order.sources.get().amount_refunded == 20 and order.status == "Paid"
