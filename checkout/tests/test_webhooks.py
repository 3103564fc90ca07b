"""PayPal webhooks: signatures verified for real (simulator-signed), replays, order, malformed bodies."""

import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.urls import reverse
from oscar.core.loading import get_model

from checkout.models import PayPalRefund, WebhookEvent
from checkout.paypal import facade
from checkout.paypal.client import PayPalClient
from checkout.tests.steps import approved_attempt
from testing.factories import make_book, make_category

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_attempt(paypal_simulator):
    book = make_book(make_category(), title="Mansfield Park", price="20.00", stock=3)
    attempt = approved_attempt(book, paypal_simulator)
    return facade.complete_attempt(attempt.pk)


@pytest.fixture
def deliver(client, paypal_simulator, settings, django_capture_on_commit_callbacks):
    """POST an event exactly as the simulator signs it; Celery is eager, so processing runs too."""

    def post(body, headers):
        extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("checkout:paypal-webhook"), body, content_type="application/json", **extra)

    def signed(event_type, resource, resource_type="capture", sent_at=None):
        return paypal_simulator.signed_webhook(
            paypal_simulator.base_url, settings.PAYPAL_WEBHOOK_ID, event_type, resource, resource_type, sent_at
        )

    post.signed = signed
    return post


def refund_at_paypal_com(attempt):
    """Staff refund on paypal.com: PayPal knows, the shop only hears it from the webhook."""
    return PayPalClient().refund_capture(attempt.capture_id, {}, f"refund-on-paypal-com-{attempt.pk}")


def test_a_forged_signature_changes_nothing(paid_attempt, deliver, paypal_simulator):
    refund = refund_at_paypal_com(paid_attempt)
    body, headers = deliver.signed("PAYMENT.CAPTURE.REFUNDED", refund, "refund")
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    message = headers["PAYPAL-TRANSMISSION-SIG"]  # replaced by a signature from another key
    headers["PAYPAL-TRANSMISSION-SIG"] = (
        __import__("base64").b64encode(forger.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
    )

    response = deliver(body, headers)

    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0
    assert Order.objects.get().status == "Paid"


def test_a_tampered_body_fails_verification(paid_attempt, deliver):
    refund = refund_at_paypal_com(paid_attempt)
    body, headers = deliver.signed("PAYMENT.CAPTURE.REFUNDED", refund, "refund")
    tampered = body.replace(b'"REFUNDED"', b'"COMPLETED"', 1) if b'"REFUNDED"' in body else body + b" "

    assert deliver(tampered, headers).status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_an_old_transmission_is_refused(paid_attempt, deliver):
    refund = refund_at_paypal_com(paid_attempt)
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    body, headers = deliver.signed("PAYMENT.CAPTURE.REFUNDED", refund, "refund", sent_at=an_hour_ago)

    assert deliver(body, headers).status_code == 400
    assert Order.objects.get().status == "Paid"


def test_a_valid_event_replayed_ten_times_is_processed_once(paid_attempt, deliver):
    refund = refund_at_paypal_com(paid_attempt)
    body, headers = deliver.signed("PAYMENT.CAPTURE.REFUNDED", refund, "refund")

    statuses = [deliver(body, headers).status_code for _ in range(10)]

    assert statuses == [200] * 10
    assert WebhookEvent.objects.count() == 1
    order = Order.objects.get()
    assert order.status == "Refunded"
    assert PayPalRefund.objects.filter(order=order).count() == 1
    assert order.sources.get().amount_refunded == order.total_incl_tax
    assert order.payment_events.filter(event_type__name="Refunded").count() == 1


def test_refunded_before_completed_ends_refunded(paid_attempt, deliver, paypal_simulator):
    refund = refund_at_paypal_com(paid_attempt)
    completed = deliver.signed("PAYMENT.CAPTURE.COMPLETED", paypal_simulator.capture_resource(paid_attempt.capture_id))
    refunded = deliver.signed("PAYMENT.CAPTURE.REFUNDED", refund, "refund")

    assert deliver(*refunded).status_code == 200
    assert deliver(*completed).status_code == 200  # arrives late

    assert Order.objects.get().status == "Refunded"
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == 2


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {"id": "3C6',  # truncated
        b"not json at all",
        b"[1, 2, 3]",
        b'{"id": "WH-2"}',
        b"\xff\xfe\x00",
        b"{" + b'"pad": "' + b"x" * 200_000 + b'"}',  # huge
    ],
    ids=["truncated", "non-json", "array", "no-resource", "binary", "huge"],
)
def test_malformed_bodies_get_a_4xx(client, paypal_simulator, body):
    response = client.post(reverse("checkout:paypal-webhook"), body, content_type="application/json")

    assert 400 <= response.status_code < 500
    assert WebhookEvent.objects.count() == 0


def test_a_pending_capture_completed_later_marks_the_order_paid(paypal_simulator, deliver):
    book = make_book(make_category(), title="Lady Susan", price="5.00", stock=3)
    attempt = approved_attempt(book, paypal_simulator)
    paypal_simulator.next_capture_outcomes.append("PENDING")
    attempt = facade.complete_attempt(attempt.pk)
    assert Order.objects.get().status == "Payment pending"
    paypal_simulator.captures[attempt.capture_id]["status"] = "COMPLETED"  # PayPal clears the payment

    deliver(*deliver.signed("PAYMENT.CAPTURE.COMPLETED", paypal_simulator.capture_resource(attempt.capture_id)))

    order = Order.objects.get()
    assert order.status == "Paid" and order.sources.get().amount_debited == order.total_incl_tax
    assert json.loads(WebhookEvent.objects.get().outcome.split(":")[0].replace("capture ", '"') + '"') == "COMPLETED"


def test_an_approval_webhook_completes_an_abandoned_checkout(paypal_simulator, deliver):
    """The buyer approved at PayPal but never came back: the webhook finishes the order."""
    book = make_book(make_category(), title="Sanditon", price="6.00", stock=2)
    attempt = approved_attempt(book, paypal_simulator)
    resource = {"id": attempt.paypal_order_id, "status": "APPROVED"}

    response = deliver(*deliver.signed("CHECKOUT.ORDER.APPROVED", resource, "checkout-order"))

    assert response.status_code == 200
    order = Order.objects.get()
    assert order.number == attempt.order_number and order.status == "Paid"


def test_an_event_type_we_do_not_handle_is_recorded_as_ignored(paid_attempt, deliver, paypal_simulator):
    resource = paypal_simulator.capture_resource(paid_attempt.capture_id)

    response = deliver(*deliver.signed("PAYMENT.CAPTURE.UNKNOWN-TO-US", resource))

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.processed_at is not None and event.outcome.endswith("ignored")
    assert Order.objects.get().status == "Paid"
