"""The basket total changes while the buyer is at PayPal: nothing is captured, or it is refunded at once."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from checkout.models import PaymentAttempt
from checkout.paypal.client import PayPalClient
from checkout.tests.steps import add_to_basket, checkout_to_paypal, local_path
from testing.factories import make_book, make_category
from testing.paypal import approve_at_paypal

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def book():
    return make_book(make_category(), title="Persuasion", price="12.99", stock=5)


def staff_change_the_price(book, price):
    StockRecord.objects.filter(pk=book.stockrecord.pk).update(price=Decimal(price))


def test_a_price_change_at_paypal_charges_nothing_and_one_click_pays_the_new_total(client, paypal_simulator, book):
    add_to_basket(client, book, 2)
    approve_url = checkout_to_paypal(client, method_code="express")  # 2 × 12.99 + 7.90 = 33.88
    staff_change_the_price(book, "13.99")
    captures = paypal_simulator.capture_calls

    page = client.get(local_path(approve_at_paypal(approve_url)), follow=True)

    text = page.content.decode()
    assert page.request["PATH_INFO"] == reverse("checkout:preview")
    assert (
        "The total changed from €33.88 to €35.88 while you were at PayPal. Nothing was charged. "
        "Check the new total and pay again."
    ) in text
    assert "35.88" in text  # the preview shows the new total
    assert paypal_simulator.capture_calls == captures and Order.objects.count() == 0
    assert PaymentAttempt.objects.get().state == PaymentAttempt.State.REPRICED
    book.stockrecord.refresh_from_db()
    assert book.stockrecord.num_allocated == 0

    pay_again = client.post(reverse("checkout:preview"), {"action": "place_order"})  # one click
    client.get(local_path(approve_at_paypal(pay_again["Location"])))

    order = Order.objects.get()
    assert order.total_incl_tax == Decimal("35.88") and order.status == "Paid"


def test_a_price_change_during_the_capture_is_refunded_at_once(client, paypal_simulator, book, monkeypatch):
    add_to_basket(client, book, 2)
    return_url = approve_at_paypal(checkout_to_paypal(client, method_code="express"))
    capture_at_paypal = PayPalClient.capture_order

    def capture_while_staff_reprice(paypal_client, order_id, request_id):
        answer = capture_at_paypal(paypal_client, order_id, request_id)
        staff_change_the_price(book, "13.99")
        return answer

    monkeypatch.setattr(PayPalClient, "capture_order", capture_while_staff_reprice)

    page = client.get(local_path(return_url), follow=True)

    assert (
        "The total changed from €33.88 to €35.88 while you were at PayPal. "
        "PayPal took €33.88 and we have refunded it in full."
    ) in page.content.decode()
    attempt = PaymentAttempt.objects.get()
    assert attempt.state == PaymentAttempt.State.REFUNDED and Order.objects.count() == 0
    assert paypal_simulator.captures[attempt.capture_id]["status"] == "REFUNDED"
    book.stockrecord.refresh_from_db()
    assert book.stockrecord.num_allocated == 0
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 2
