"""PayPal failing while a guest pays: 5xx and timeouts on order creation ("Pay") and on capture (return).

Through the real views, with the simulator as a real loopback server holding its answers back
longer than PAYPAL_TIMEOUT_SECONDS. The buyer reads what happened, is never charged twice,
keeps the basket while nothing was charged, and reconciliation finishes a capture left unconfirmed.
"""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from checkout.models import PaymentAttempt
from checkout.paypal.reconcile import reconcile_attempt
from checkout.tests.steps import add_to_basket, checkout_to_paypal, checkout_to_preview, click_pay, local_path
from testing.factories import make_book, make_category
from testing.paypal import approve_at_paypal

Order = get_model("order", "Order")

pytestmark = [pytest.mark.services, pytest.mark.django_db]

UNREACHABLE = "PayPal is not reachable right now. Nothing was charged"
OSCAR_GENERIC_ERROR = "contact customer services"


@pytest.fixture
def book(postgres):
    return make_book(make_category(), title="North and South", price="9.00", stock=5)


@pytest.fixture
def slow_paypal(paypal_simulator, settings, monkeypatch):
    """PayPal keeps a TIMEOUT answer back for 2 s; the shop waits 1 s."""
    settings.PAYPAL_TIMEOUT_SECONDS = 1
    monkeypatch.setattr(paypal_simulator, "timeout_seconds", 2)
    return paypal_simulator


def pay_and_return(client):
    """From the preview: "Pay", approve at PayPal, back to the shop; the shop's answer."""
    response = click_pay(client)
    assert response.status_code == 302, response.content[:2000]
    return client.get(local_path(approve_at_paypal(response["Location"])))


@pytest.mark.parametrize(
    "outcomes",
    [pytest.param(["500"], id="5xx"), pytest.param(["TIMEOUT", "TIMEOUT"], id="timeout-and-retry-timeout")],
)
def test_paypal_failing_on_pay_says_so_keeps_the_basket_and_lets_the_buyer_pay_again(
    client, slow_paypal, book, outcomes
):
    add_to_basket(client, book, 2)
    checkout_to_preview(client)
    slow_paypal.next_create_outcomes.extend(outcomes)
    captures = slow_paypal.capture_calls

    page = click_pay(client)

    text = page.content.decode()
    assert page.status_code == 200 and UNREACHABLE in text and OSCAR_GENERIC_ERROR not in text
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 2
    assert not PaymentAttempt.objects.filter(state=PaymentAttempt.State.CREATED).exists()  # nothing left waiting

    returned = pay_and_return(client)

    assert returned["Location"] == reverse("checkout:thank-you")
    assert Order.objects.count() == 1 and slow_paypal.capture_calls == captures + 1


def test_a_late_answer_on_pay_is_retried_without_a_second_paypal_order(client, slow_paypal, book):
    add_to_basket(client, book)
    checkout_to_preview(client)
    slow_paypal.next_create_outcomes.append("TIMEOUT")  # the retry, same PayPal-Request-Id, gets the replay
    paypal_orders = len(slow_paypal.orders)

    assert pay_and_return(client)["Location"] == reverse("checkout:thank-you")

    assert len(slow_paypal.orders) == paypal_orders + 1 and Order.objects.count() == 1


def test_a_late_capture_answer_is_replayed_and_the_order_placed(client, slow_paypal, book):
    add_to_basket(client, book)
    return_url = approve_at_paypal(checkout_to_paypal(client))
    slow_paypal.next_capture_outcomes.append("TIMEOUT")
    captures = slow_paypal.capture_calls

    response = client.get(local_path(return_url))

    assert response["Location"] == reverse("checkout:thank-you")
    assert Order.objects.count() == 1 and slow_paypal.capture_calls == captures + 1


def test_paypal_silent_on_capture_tells_the_buyer_and_reconciliation_places_one_order(
    client, slow_paypal, book, mailoutbox, django_capture_on_commit_callbacks
):
    add_to_basket(client, book)
    return_url = approve_at_paypal(checkout_to_paypal(client))
    slow_paypal.next_capture_outcomes.extend(["TIMEOUT", "TIMEOUT"])  # captured, both answers late
    captures = slow_paypal.capture_calls

    page = client.get(local_path(return_url), follow=True)

    assert page.status_code == 200 and "could not confirm your payment" in page.content.decode()
    assert Order.objects.count() == 0 and slow_paypal.capture_calls == captures + 1
    attempt = PaymentAttempt.objects.get()
    assert attempt.state == PaymentAttempt.State.ALLOCATED  # the book stays held for this buyer

    with django_capture_on_commit_callbacks(execute=True):
        assert reconcile_attempt(attempt.pk) == PaymentAttempt.State.PLACED
    assert client.get(local_path(return_url))["Location"] == reverse("checkout:thank-you")  # a reload

    order = Order.objects.get()
    assert slow_paypal.capture_calls == captures + 1  # replayed, never captured again
    assert [message.to for message in mailoutbox if order.number in message.subject] == [["ada@example.com"]]
    book.stockrecord.refresh_from_db()
    assert book.stockrecord.num_allocated == 1
