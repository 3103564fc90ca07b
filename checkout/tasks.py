"""Celery tasks of the checkout: order emails, PayPal webhooks, reconciliation (beat)."""

import logging
import smtplib
from datetime import timedelta
from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from checkout.models import PaymentAttempt, PayPalRefund, WebhookEvent
from checkout.order.receivers import EMAILED_STATUSES
from checkout.paypal import reconcile
from checkout.paypal.client import PayPalClient

logger = logging.getLogger("checkout.paypal")

Order = get_model("order", "Order")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")

EMAIL_RETRY_SECONDS = int(getattr(settings, "SHOP_EMAIL_RETRY_SECONDS", 30))


def order_email_context(order, extra=None):
    if order.user_id:
        path = reverse("customer:order", kwargs={"order_number": order.number})
    else:
        path = reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})
    context = {
        "order": order,
        "lines": order.lines.all(),
        "user": order.user,
        "status_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path,
        "status_path": path,
    }
    context.update(extra or {})
    return context


@shared_task(bind=True, max_retries=20, acks_late=True)
def send_order_email(self, order_id, event_code, extra=None):
    """ORDER_PLACED, ORDER_STATUS_CHANGED or ORDER_REFUNDED; retried while SMTP is down."""
    order = Order.objects.select_related("user").get(pk=order_id)
    dispatcher = OrderDispatcher(logger=logger)
    try:
        messages = dispatcher.dispatcher.get_messages(event_code, order_email_context(order, extra))
        dispatcher.dispatch_order_messages(order, messages, event_code)
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Order %s %s email not sent (%s); retrying", order.number, event_code, error)
        raise self.retry(exc=error, countdown=min(EMAIL_RETRY_SECONDS * 2**self.request.retries, 900))


# Forward-only order states: a webhook or reconciliation never moves an order back.
STATUS_RANK = {"Payment pending": 0, "Paid": 1, "Shipped": 2, "Cancelled": 3, "Refunded": 3}
CAPTURE_STATUS_TO_ORDER = {"COMPLETED": "Paid", "REFUNDED": "Refunded", "DENIED": "Cancelled", "DECLINED": "Cancelled"}


def move_order_forward(order, status):
    if STATUS_RANK.get(status, -1) <= STATUS_RANK.get(order.status, -1):
        return False
    old_status = order.status
    order.status = status  # webhooks bypass the staff pipeline, but only ever move forward
    order.save(update_fields=["status"])
    order.status_changes.create(old_status=old_status, new_status=status)
    if status in EMAILED_STATUSES:
        transaction.on_commit(lambda: send_order_email.delay(order.pk, "ORDER_STATUS_CHANGED"), robust=True)
    return True


def _capture_id_of(event):
    resource = event["resource"]
    if event.get("resource_type") == "refund" or event["event_type"] in {
        "PAYMENT.CAPTURE.REFUNDED",
        "PAYMENT.CAPTURE.REVERSED",
    }:
        up = [link["href"] for link in resource.get("links", []) if link.get("rel") == "up"]
        return up[0].rstrip("/").rsplit("/", 1)[-1] if up else ""
    return str(resource.get("id", ""))


@shared_task(acks_late=True)
def process_webhook_event(event_pk):
    """Apply one stored webhook: re-fetch the capture from PayPal, then move the order forward only."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at is not None:
            return event.outcome
        payload = event.payload
        capture_id = _capture_id_of(payload)
        order_id = ((payload["resource"].get("supplementary_data") or {}).get("related_ids") or {}).get("order_id")
        if payload["event_type"].startswith("CHECKOUT."):  # the resource is the PayPal order itself
            capture_id, order_id = None, str(payload["resource"].get("id", ""))
        attempt = (PaymentAttempt.objects.filter(capture_id=capture_id).first() if capture_id else None) or (
            PaymentAttempt.objects.filter(paypal_order_id=order_id).first() if order_id else None
        )
        unplaced = attempt is not None and attempt.order_id is None
        if attempt is None:
            outcome = "no payment of ours; ignored"
        elif unplaced:
            outcome = "payment not placed yet: reconciling now"
        else:
            outcome = _apply_capture_state(attempt, payload)
        event.processed_at = timezone.now()
        event.outcome = outcome[:255]
        event.save(update_fields=["processed_at", "outcome"])
    logger.info("PayPal webhook %s %s: %s", event.event_type, event.event_id, outcome)
    if unplaced:  # outside the event's lock: completion takes its own locks and may call PayPal
        outcome = f"{outcome}: {reconcile.reconcile_attempt(attempt.pk)}"
    return outcome


def _apply_capture_state(attempt, payload):
    capture = PayPalClient().get_capture(attempt.capture_id)
    order = Order.objects.select_for_update().get(pk=attempt.order_id)
    if payload["event_type"] in {"PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED"}:
        _record_outside_refund(order, payload["resource"], attempt)
    status = CAPTURE_STATUS_TO_ORDER.get(capture.get("status"))
    if status == "Paid" and order.status == "Payment pending":
        source = order.sources.get(source_type__code="paypal")
        source.amount_debited = source.amount_allocated
        source.save(update_fields=["amount_debited"])
    moved = status is not None and move_order_forward(order, status)
    attempt.capture_status = capture.get("status", attempt.capture_status)
    attempt.save(update_fields=["capture_status", "updated_at"])
    return f"capture {capture.get('status')}: order {order.number} {'now' if moved else 'stays'} {order.status}"


def _record_outside_refund(order, refund, attempt):
    """A refund made on paypal.com (not from our dashboard) is recorded once, by its refund id."""
    from checkout.paypal.facade import record_payment_event

    refund_id = str(refund.get("id", ""))
    if not refund_id or PayPalRefund.objects.filter(paypal_refund_id=refund_id).exists():
        return
    amount = refund.get("amount") or {}
    row = PayPalRefund.objects.create(
        order=order,
        capture_id=attempt.capture_id,
        amount=Decimal(amount.get("value", "0")),
        currency=amount.get("currency_code", attempt.currency),
        paypal_refund_id=refund_id,
        status=refund.get("status", ""),
    )
    source = order.sources.get(source_type__code="paypal")
    source.refund(row.amount, reference=refund_id, status=row.status)
    record_payment_event(order, "Refunded", row.amount, refund_id)


@shared_task
def reconcile_payments():
    """Beat task: finish or refund attempts stuck after approval or capture; retry unprocessed webhooks."""
    older_than = timedelta(seconds=settings.PAYPAL_RECONCILE_AFTER_SECONDS)
    stuck_events = WebhookEvent.objects.filter(processed_at=None, received_at__lt=timezone.now() - older_than)
    for event_pk in stuck_events.values_list("pk", flat=True):
        process_webhook_event.delay(event_pk)
    return reconcile.reconcile_stale(older_than)
