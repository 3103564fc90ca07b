"""Order status changes tell the truth about money and give stock back (staff in /dashboard/, PayPal webhooks).

A cancelled paid order is refunded at PayPal before it is cancelled; "Refunded" is reached only by
a refund; emails say only what happened; cancelled and refunded copies can be sold again, shipped
copies leave the stock.
"""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from checkout.models import PayPalRefund
from checkout.paypal import facade
from checkout.paypal.client import PayPalClient
from checkout.tests.steps import add_to_basket, approved_attempt, checkout_to_paypal, local_path
from testing.factories import make_book, make_category
from testing.paypal import approve_at_paypal

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def book():
    return make_book(make_category(), title="Persuasion", price="10.00", stock=3)


def placed(book, simulator, capture_outcome=None, quantity=2):
    """A guest's order for `quantity` copies, paid at the simulator (2 × 10.00 + 3.90 = 23.90 EUR)."""
    attempt = approved_attempt(book, simulator, quantity=quantity)
    if capture_outcome:
        simulator.next_capture_outcomes.append(capture_outcome)
    return facade.complete_attempt(attempt.pk).order


def set_status(admin_client, order, status, capture):
    with capture(execute=True):
        return admin_client.post(
            reverse("dashboard:order-detail", kwargs={"number": order.number}),
            {"order_action": "change_order_status", "new_status": status},
            follow=True,
        )


def held(book):
    record = StockRecord.objects.get(pk=book.stockrecord.pk)
    return record.num_allocated, record.num_in_stock


def test_cancelling_a_paid_order_refunds_it_and_the_email_says_how_much(
    book, paypal_simulator, admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    order = placed(book, paypal_simulator)

    set_status(admin_client, order, "Cancelled", django_capture_on_commit_callbacks)

    order.refresh_from_db()
    assert order.status == "Cancelled"
    assert paypal_simulator.captures[order.paypal_attempt.capture_id]["status"] == "REFUNDED"
    assert order.sources.get().amount_refunded == order.total_incl_tax
    mail = mailoutbox[-1]
    assert mail.subject == f"Your Folio Books order {order.number} is now cancelled"
    assert "We have refunded 23.90 EUR to your PayPal account" in mail.body
    assert held(book) == (0, 3)  # the two copies are for sale again


def test_a_cancellation_paypal_refuses_leaves_the_order_paid_and_tells_staff(
    book, paypal_simulator, admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    order = placed(book, paypal_simulator)
    # Someone refunded it on paypal.com; its webhook has not arrived yet.
    PayPalClient().refund_capture(order.paypal_attempt.capture_id, {}, f"on-paypal-com-{order.pk}")
    sent = len(mailoutbox)

    page = set_status(admin_client, order, "Cancelled", django_capture_on_commit_callbacks)

    assert "PayPal refused this refund" in page.content.decode()
    order.refresh_from_db()
    assert order.status == "Paid" and len(mailoutbox) == sent
    assert order.sources.get().amount_refunded == 0
    assert held(book) == (2, 3)


def test_refunded_cannot_be_set_by_hand(
    book, paypal_simulator, admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    order = placed(book, paypal_simulator)
    sent = len(mailoutbox)

    page = set_status(admin_client, order, "Refunded", django_capture_on_commit_callbacks)

    assert "only by refunding its payment" in page.content.decode()
    order.refresh_from_db()
    assert order.status == "Paid" and len(mailoutbox) == sent
    assert not PayPalRefund.objects.exists()
    assert paypal_simulator.captures[order.paypal_attempt.capture_id]["status"] == "COMPLETED"


def test_a_pending_order_offers_staff_no_status_to_set(book, paypal_simulator, admin_client):
    order = placed(book, paypal_simulator, capture_outcome="PENDING")

    page = admin_client.get(reverse("dashboard:order-detail", kwargs={"number": order.number}))

    assert order.status == "Payment pending"
    assert '<option value="Paid"' not in page.content.decode()
    assert '<option value="Cancelled"' not in page.content.decode()


@pytest.fixture
def deliver(client, paypal_simulator, settings, django_capture_on_commit_callbacks):
    """POST an event signed by the simulator to the real webhook endpoint (Celery is eager)."""

    def post(event_type, resource):
        body, headers = paypal_simulator.signed_webhook(
            paypal_simulator.base_url, settings.PAYPAL_WEBHOOK_ID, event_type, resource, "capture"
        )
        extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("checkout:paypal-webhook"), body, content_type="application/json", **extra)
        assert response.status_code == 200
        return response

    return post


def test_a_denied_pending_payment_cancels_says_nothing_was_charged_and_frees_the_copies_once(
    book, paypal_simulator, deliver, mailoutbox
):
    pending = placed(book, paypal_simulator, capture_outcome="PENDING", quantity=1)
    paid = placed(book, paypal_simulator, quantity=1)
    assert held(book) == (2, 3)
    capture_id = pending.paypal_attempt.capture_id
    paypal_simulator.captures[capture_id]["status"] = "DECLINED"  # PayPal's review says no

    for _ in range(2):  # PayPal may send the event twice, with different event ids
        deliver("PAYMENT.CAPTURE.DENIED", paypal_simulator.capture_resource(capture_id))

    pending.refresh_from_db()
    assert pending.status == "Cancelled"
    [mail] = [m for m in mailoutbox if m.subject == f"Your Folio Books order {pending.number} is now cancelled"]
    assert "PayPal did not complete your payment, so nothing was charged" in mail.body
    assert "refund" not in mail.body.lower()
    assert held(book) == (1, 3)  # only the paid order's copy is still held
    assert Order.objects.get(pk=paid.pk).status == "Paid"


def buy_over_http(client, book):
    """A guest buys one copy through the shop's pages and PayPal's approve page; returns the order."""
    add_to_basket(client, book, 1)
    response = client.get(local_path(approve_at_paypal(checkout_to_paypal(client))), follow=True)
    assert response.status_code == 200
    return Order.objects.order_by("-pk").first()


def test_one_copy_is_sold_cancelled_sold_again_and_shipped(
    paypal_simulator, client, admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    book = make_book(make_category(), title="The Last Copy", price="12.00", stock=1)
    first = buy_over_http(client, book)
    assert first.status == "Paid" and held(book) == (1, 1)

    set_status(admin_client, first, "Cancelled", django_capture_on_commit_callbacks)
    assert held(book) == (0, 1)

    second_shopper = client.__class__()
    second = buy_over_http(second_shopper, book)
    assert second.pk != first.pk and second.status == "Paid"
    assert second.lines.get().product == book.product and held(book) == (1, 1)

    set_status(admin_client, second, "Shipped", django_capture_on_commit_callbacks)
    assert held(book) == (0, 0)  # shipped: gone from stock, nothing left reserved
    set_status(admin_client, second, "Refunded", django_capture_on_commit_callbacks)  # refused, changes nothing
    assert held(book) == (0, 0)


def test_refunding_copies_of_a_line_frees_them(
    book, paypal_simulator, admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    order = placed(book, paypal_simulator, quantity=2)
    line = order.lines.get()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("dashboard:order-detail", kwargs={"number": order.number}),
            {
                "line_action": "create_payment_event",
                "selected_line": [line.pk],
                f"selected_line_qty_{line.pk}": 1,
                "payment_event_type": "refunded",
                "amount": "10.00",
            },
        )

    assert held(book) == (1, 3)
    assert order.sources.get().amount_refunded == 10
    assert "We have refunded 10.00 EUR" in mailoutbox[-1].body
