"""One basket is paid at most once: one live attempt per basket, and a closed attempt is never captured."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from checkout.models import PaymentAttempt
from checkout.paypal import facade
from checkout.paypal.client import PayPalClient
from checkout.paypal.reconcile import reconcile_stale
from checkout.tests.steps import add_to_basket, approved_attempt, checkout_to_paypal, checkout_to_preview, local_path
from testing.factories import make_book, make_category
from testing.paypal import approve_at_paypal

Order = get_model("order", "Order")


CLICKS, ROUNDS = 5, 50
CSRF_SECRET = "racetestcsrfsecret0123456789abcd"  # 32 characters, sent as cookie and form field


@pytest.fixture
def book():
    return make_book(make_category(), title="Emma", price="9.00", stock=1000)


def net_captured(simulator, paypal_order_ids):
    """Captured minus refunded at PayPal, over these PayPal orders."""
    return sum(
        (
            Decimal(capture["amount"]["value"]) - Decimal(capture["_refunded"])
            for capture in list(simulator.captures.values())
            if capture["supplementary_data"]["related_ids"]["order_id"] in paypal_order_ids
        ),
        Decimal(0),
    )


@pytest.mark.django_db
def test_the_return_from_a_superseded_payment_charges_nothing_and_shows_the_basket(client, paypal_simulator, book):
    add_to_basket(client, book, 2)
    approve_url = checkout_to_paypal(client)
    facade.supersede(PaymentAttempt.objects.get())  # a newer click for another total replaced it
    captures = paypal_simulator.capture_calls

    page = client.get(local_path(approve_at_paypal(approve_url)), follow=True)

    assert "This PayPal payment was replaced by a newer one for the same basket" in page.content.decode()
    assert page.request["PATH_INFO"] == reverse("basket:summary") and page.context["basket"].num_items == 2
    assert paypal_simulator.capture_calls == captures and Order.objects.count() == 0
    assert reconcile_stale(timedelta(0)) == {PaymentAttempt.State.VOIDED: 1}
    assert paypal_simulator.capture_calls == captures


@pytest.mark.django_db
def test_reconciliation_refunds_a_superseded_payment_that_paypal_captured_anyway(paypal_simulator, book):
    attempt = approved_attempt(book, paypal_simulator)
    PayPalClient().capture_order(attempt.paypal_order_id, "captured-by-a-stale-process")
    facade.supersede(attempt)

    assert reconcile_stale(timedelta(0)) == {PaymentAttempt.State.REFUNDED: 1}
    assert net_captured(paypal_simulator, {attempt.paypal_order_id}) == 0 and Order.objects.count() == 0


def click_pay_at_once(live_server, cookies):
    """CLICKS browsers of one session press "Pay with PayPal" together; their redirect targets."""
    barrier = threading.Barrier(CLICKS)
    landed = [None] * CLICKS

    def click(index):
        with requests.Session() as browser:
            browser.cookies.update(cookies)
            barrier.wait()
            response = browser.post(
                live_server.url + reverse("checkout:preview"),
                {"action": "place_order", "csrfmiddlewaretoken": CSRF_SECRET},
                allow_redirects=False,
                timeout=60,
            )
            landed[index] = response.headers.get("Location", f"HTTP {response.status_code}")

    threads = [threading.Thread(target=click, args=(index,)) for index in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return landed


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_five_pay_clicks_then_every_approval_and_reconciliation_charge_once(
    postgres, paypal_simulator, live_server, book
):
    for round_number in range(ROUNDS):
        email = f"race{round_number}@example.com"
        shopper = Client()
        add_to_basket(shopper, book, 2)
        checkout_to_preview(shopper, email)
        cookies = {name: morsel.value for name, morsel in shopper.cookies.items()} | {"csrftoken": CSRF_SECRET}

        landed = click_pay_at_once(live_server, cookies)

        approve_links = {url for url in landed if url and url.startswith(paypal_simulator.base_url)}
        assert len(approve_links) == 1, landed
        with requests.Session() as browser:
            browser.cookies.update(cookies)
            for approve_url in approve_links:
                browser.get(live_server.url + local_path(approve_at_paypal(approve_url)), timeout=60)
        reconcile_stale(timedelta(0))

        order = Order.objects.get(guest_email=email)
        paypal_orders = set(PaymentAttempt.objects.filter(guest_email=email).values_list("paypal_order_id", flat=True))
        assert net_captured(paypal_simulator, paypal_orders) == order.total_incl_tax == Decimal("21.90"), round_number
