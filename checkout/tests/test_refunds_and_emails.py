"""Staff refunds from the Oscar dashboard go to PayPal; customers get placed, status and refund emails."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from checkout.paypal import facade
from checkout.tests.steps import approved_attempt
from testing.factories import make_book, make_category

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(paypal_simulator, django_capture_on_commit_callbacks):
    book = make_book(make_category(), title="Northanger Abbey", price="10.00", stock=3)
    attempt = approved_attempt(book, paypal_simulator, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        return facade.complete_attempt(attempt.pk).order


def refund_from_dashboard(admin_client, order, amount, capture):
    with capture(execute=True):
        return admin_client.post(
            reverse("dashboard:order-detail", kwargs={"number": order.number}),
            {"order_action": "create_order_payment_event", "payment_event_type": "refunded", "amount": amount},
            follow=True,
        )


def test_confirmation_email_has_text_and_html(order, mailoutbox):
    [mail] = mailoutbox
    assert mail.to == ["buyer@example.com"] and order.number in mail.subject + mail.body
    assert "€23.90" in mail.body  # 2 × 10.00 + 3.90
    assert mail.alternatives and "Northanger Abbey" in mail.alternatives[0][0]


def test_partial_then_full_refund_from_the_dashboard(
    order, admin_client, mailoutbox, paypal_simulator, django_capture_on_commit_callbacks
):
    page = refund_from_dashboard(admin_client, order, "5.00", django_capture_on_commit_callbacks)
    assert "Payment event created" in page.content.decode()
    source = order.sources.get()
    assert source.amount_refunded == Decimal("5.00")
    assert "5.00 EUR" in mailoutbox[-1].body and "Refund" in mailoutbox[-1].subject

    refund_from_dashboard(admin_client, order, "18.90", django_capture_on_commit_callbacks)

    order.refresh_from_db()
    assert order.status == "Refunded"
    assert paypal_simulator.captures[order.paypal_attempt.capture_id]["status"] == "REFUNDED"
    assert {f"Your Folio Books order {order.number} is now refunded"} <= {m.subject for m in mailoutbox}


def test_refunding_more_than_was_paid_is_refused_and_records_nothing(
    order, admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    sent = len(mailoutbox)
    page = refund_from_dashboard(admin_client, order, "999.00", django_capture_on_commit_callbacks)

    assert "You can refund between" in page.content.decode()
    assert order.sources.get().amount_refunded == 0 and len(mailoutbox) == sent


def test_staff_marking_shipped_emails_the_customer(order, admin_client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("dashboard:order-detail", kwargs={"number": order.number}),
            {"order_action": "change_order_status", "new_status": "Shipped"},
        )
    assert mailoutbox[-1].subject == f"Your Folio Books order {order.number} is now shipped"
