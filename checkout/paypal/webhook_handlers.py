"""What a verified PayPal webhook does to our orders: a dispatch table of idempotent handlers.

checkout/paypal/webhooks.py (the listener) verifies each event and stores it once by its id; the
Celery task checkout.tasks.process_webhook_event then calls process_event here. HANDLERS maps
PayPal's event types to handlers; any other type is recorded as ignored.

Every handler may run again for the same payment and changes nothing more: an unplaced payment is
finished by reconciliation (facade.complete_attempt is idempotent), the capture is re-fetched from
PayPal rather than trusted from the event, the order status only moves forward (STATUS_RANK),
and a refund made on paypal.com is recorded once, by its refund id.
"""

import logging
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from oscar.apps.order.signals import order_status_changed
from oscar.core.loading import get_model

from checkout.models import PaymentAttempt, PayPalRefund, WebhookEvent
from checkout.order.statuses import CANCELLED, PAID, PAYMENT_PENDING, REFUNDED, SHIPPED
from checkout.paypal import facade, reconcile
from checkout.paypal.client import PayPalClient
from checkout.paypal.source import paypal_source

logger = logging.getLogger("checkout.paypal")

Order = get_model("order", "Order")

# Forward-only order states: a webhook never moves an order back.
STATUS_RANK = {PAYMENT_PENDING: 0, PAID: 1, SHIPPED: 2, CANCELLED: 3, REFUNDED: 3}
# Keyed by the capture statuses Payments v2 defines (checkout/paypal/contract/): a capture that a
# PAYMENT.CAPTURE.DENIED event announces reads DECLINED when fetched, and FAILED is final too.
CAPTURE_STATUS_TO_ORDER = {"COMPLETED": PAID, "REFUNDED": REFUNDED, "DECLINED": CANCELLED, "FAILED": CANCELLED}


class Handled(NamedTuple):
    outcome: str
    unplaced_attempt: PaymentAttempt | None = None  # finished by reconciliation after the event's lock


def process_event(event_pk):
    """Apply one stored webhook once; returns its outcome (also kept on the WebhookEvent row)."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at is not None:
            return event.outcome
        event_type = event.payload["event_type"]
        handler = HANDLERS.get(event_type)
        if handler is None:
            handled = Handled(f"{event_type} is not handled; ignored")
        else:
            handled = handler(event.payload["resource"])
        event.processed_at = timezone.now()
        event.outcome = handled.outcome[:255]
        event.save(update_fields=["processed_at", "outcome"])
    logger.info("PayPal webhook %s %s: %s", event.event_type, event.event_id, handled.outcome)
    if handled.unplaced_attempt is None:
        return handled.outcome
    # Outside the event's lock: completion takes its own locks and may call PayPal.
    return f"{handled.outcome}: {reconcile.reconcile_attempt(handled.unplaced_attempt.pk)}"


# ------------------------------------------------------------------------------ handlers


def on_order_event(paypal_order):
    """CHECKOUT.*: the resource is the PayPal order itself (e.g. approved, but the buyer never came back)."""
    return _bring_up_to_date(_attempt_for(paypal_order_id=str(paypal_order.get("id", ""))))


def on_capture_event(capture):
    """PAYMENT.CAPTURE.COMPLETED, PENDING, DENIED, DECLINED: the resource is the capture."""
    return _bring_up_to_date(_attempt_for(capture_id=str(capture.get("id", "")), paypal_order_id=_order_id_of(capture)))


def on_refund_event(refund):
    """PAYMENT.CAPTURE.REFUNDED, REVERSED: the resource is the refund; its `up` link names the capture."""
    up = [link["href"] for link in refund.get("links", []) if link.get("rel") == "up"]
    capture_id = up[0].rstrip("/").rsplit("/", 1)[-1] if up else ""
    return _bring_up_to_date(_attempt_for(capture_id=capture_id, paypal_order_id=_order_id_of(refund)), refund)


HANDLERS = {
    "CHECKOUT.ORDER.APPROVED": on_order_event,
    "CHECKOUT.ORDER.COMPLETED": on_order_event,
    "CHECKOUT.PAYMENT-APPROVAL.REVERSED": on_order_event,
    "PAYMENT.CAPTURE.COMPLETED": on_capture_event,
    "PAYMENT.CAPTURE.PENDING": on_capture_event,
    "PAYMENT.CAPTURE.DENIED": on_capture_event,
    "PAYMENT.CAPTURE.DECLINED": on_capture_event,
    "PAYMENT.CAPTURE.REFUNDED": on_refund_event,
    "PAYMENT.CAPTURE.REVERSED": on_refund_event,
}


# ------------------------------------------------------------------------------ shared steps


def _order_id_of(resource):
    return ((resource.get("supplementary_data") or {}).get("related_ids") or {}).get("order_id")


def _attempt_for(capture_id=None, paypal_order_id=None):
    """Our payment attempt for a capture id, else for a PayPal order id; None if it is not ours."""
    return (PaymentAttempt.objects.filter(capture_id=capture_id).first() if capture_id else None) or (
        PaymentAttempt.objects.filter(paypal_order_id=paypal_order_id).first() if paypal_order_id else None
    )


def _bring_up_to_date(attempt, refund=None):
    if attempt is None:
        return Handled("no payment of ours; ignored")
    if attempt.order_id is None:
        return Handled("payment not placed yet: reconciling now", unplaced_attempt=attempt)
    return Handled(_apply_capture_state(attempt, refund))


def _apply_capture_state(attempt, refund):
    """Re-fetch the capture from PayPal; record a paypal.com refund; move the order forward only."""
    capture = PayPalClient().get_capture(attempt.capture_id)
    order = Order.objects.select_for_update().get(pk=attempt.order_id)
    if refund is not None:
        _record_outside_refund(order, refund, attempt)
    status = CAPTURE_STATUS_TO_ORDER.get(capture.get("status"))
    if status == PAID and order.status == PAYMENT_PENDING:
        source = paypal_source(order)
        source.amount_debited = source.amount_allocated
        source.save(update_fields=["amount_debited"])
    # Saved before the status moves: the status email says what PayPal did to the capture.
    attempt.capture_status = capture.get("status", attempt.capture_status)
    attempt.save(update_fields=["capture_status", "updated_at"])
    moved = status is not None and move_order_forward(order, status)
    return f"capture {capture.get('status')}: order {order.number} {'now' if moved else 'stays'} {order.status}"


def _record_outside_refund(order, refund, attempt):
    """A refund made on paypal.com (not from our dashboard) is recorded once, by its refund id."""
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
    facade.record_refund(order, row)


def move_order_forward(order, status):
    """Set a later status than the order has (bypassing the staff pipeline); False if it is not later.

    Sends Oscar's order_status_changed like a staff change, so checkout/order/receivers.py settles
    the stock and emails the customer by the same rules.
    """
    if STATUS_RANK.get(status, -1) <= STATUS_RANK.get(order.status, -1):
        return False
    old_status = order.status
    order.status = status
    order.save(update_fields=["status"])
    order.status_changes.create(old_status=old_status, new_status=status)
    order_status_changed.send(sender=order, order=order, old_status=old_status, new_status=status)
    return True
