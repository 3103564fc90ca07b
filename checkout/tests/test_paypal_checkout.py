"""Guest checkout through the PayPal simulator (real HTTP): pay, cancel, decline, pending."""

from decimal import Decimal

import pytest
import requests
from django.urls import reverse
from oscar.core.loading import get_model

from checkout.models import PaymentAttempt
from checkout.tests.steps import ADDRESS, add_to_basket, checkout_to_paypal, local_path
from testing.factories import make_book, make_category
from testing.paypal import approve_at_paypal

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db


@pytest.fixture
def book():
    return make_book(make_category(), title="Middlemarch", price="11.50", stock=3)


def test_guest_pays_with_paypal_and_sees_the_order_number(client, paypal_simulator, book):
    add_to_basket(client, book, 2)
    approve_url = checkout_to_paypal(client)
    assert approve_url.startswith(paypal_simulator.base_url)

    response = client.get(local_path(approve_at_paypal(approve_url)))

    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.total_incl_tax == Decimal("26.90")  # 2 × 11.50 + 3.90 standard shipping
    assert order.status == "Paid" and order.guest_email == "ada@example.com"
    assert order.sources.get().reference == PaymentAttempt.objects.get().paypal_order_id
    thank_you = client.get(reverse("checkout:thank-you"))
    assert order.number in thank_you.content.decode()
    book.stockrecord.refresh_from_db()
    assert book.stockrecord.net_stock_level == 1
    assert paypal_simulator.capture_calls >= 1


def test_the_buyer_sees_the_configured_brand_name_at_paypal(client, paypal_simulator, book, settings):
    settings.PAYPAL_BRAND_NAME = "Lantern Lane Books"
    add_to_basket(client, book, 1)

    approve_page = requests.get(checkout_to_paypal(client), timeout=10)

    assert "to Lantern Lane Books." in approve_page.text


def test_cancel_at_paypal_returns_to_preview_with_the_basket_intact(client, paypal_simulator, book):
    add_to_basket(client, book, 2)
    approve_url = checkout_to_paypal(client)
    token = approve_url.split("token=")[1]

    response = client.get(reverse("checkout:paypal-cancel") + f"?token={token}", follow=True)

    assert "Nothing was charged" in response.content.decode()
    assert Order.objects.count() == 0
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 2


def test_declined_capture_shows_a_message_and_charges_nothing(client, paypal_simulator, book):
    add_to_basket(client, book, 1)
    return_url = approve_at_paypal(checkout_to_paypal(client))
    captures_before = paypal_simulator.capture_calls
    paypal_simulator.next_capture_outcomes.append("DECLINED")

    response = client.get(local_path(return_url), follow=True)

    assert "declined" in response.content.decode()
    assert Order.objects.count() == 0 and paypal_simulator.capture_calls == captures_before
    assert PaymentAttempt.objects.get().state == PaymentAttempt.State.DECLINED
    book.stockrecord.refresh_from_db()
    assert book.stockrecord.net_stock_level == 3
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 1


def test_pending_capture_places_the_order_as_payment_pending(client, paypal_simulator, book):
    add_to_basket(client, book, 1)
    return_url = approve_at_paypal(checkout_to_paypal(client))
    paypal_simulator.next_capture_outcomes.append("PENDING")

    client.get(local_path(return_url))

    assert Order.objects.get().status == "Payment pending"


def test_a_foreign_token_is_refused(client, paypal_simulator, book):
    add_to_basket(client, book, 1)
    return_url = approve_at_paypal(checkout_to_paypal(client))

    response = client.__class__().get(local_path(return_url))

    assert response.status_code == 400 and Order.objects.count() == 0


def test_signed_in_customer_finds_the_order_in_the_account(client, paypal_simulator, book, django_user_model):
    reader = django_user_model.objects.create_user("reader", "reader@example.com", "reader-pass-123")
    client.force_login(reader)
    add_to_basket(client, book, 1)
    client.post(reverse("checkout:shipping-address"), ADDRESS)
    client.post(reverse("checkout:shipping-method"), {"method_code": "express"})
    approve_url = client.post(reverse("checkout:preview"), {"action": "place_order"})["Location"]

    client.get(local_path(approve_at_paypal(approve_url)))

    order = Order.objects.get(user=reader)
    assert order.total_incl_tax == Decimal("19.40")  # 11.50 + 7.90 express
    history = client.get(reverse("customer:order-list")).content.decode()
    assert order.number in history
    detail = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert detail.status_code == 200 and "Middlemarch" in detail.content.decode()


def test_a_dropped_capture_answer_is_replayed_not_repeated(client, paypal_simulator, book):
    add_to_basket(client, book, 1)
    return_url = approve_at_paypal(checkout_to_paypal(client))
    captures = paypal_simulator.capture_calls
    paypal_simulator.next_capture_outcomes.append("DROP")  # PayPal captures, the connection dies

    response = client.get(local_path(return_url))

    assert response["Location"] == reverse("checkout:thank-you")
    assert Order.objects.count() == 1 and paypal_simulator.capture_calls == captures + 1


def test_a_paypal_5xx_on_capture_is_finished_by_reconciliation(client, paypal_simulator, book):
    from checkout.paypal.reconcile import reconcile_attempt

    add_to_basket(client, book, 1)
    return_url = approve_at_paypal(checkout_to_paypal(client))
    paypal_simulator.next_capture_outcomes.append("500")

    page = client.get(local_path(return_url), follow=True)

    assert "could not confirm your payment" in page.content.decode() and Order.objects.count() == 0
    attempt = PaymentAttempt.objects.get()
    assert attempt.state == PaymentAttempt.State.ALLOCATED  # stock held for this buyer meanwhile
    assert reconcile_attempt(attempt.pk) == PaymentAttempt.State.PLACED
    assert Order.objects.count() == 1
