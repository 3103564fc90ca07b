"""Reconciliation: finish or refund payment attempts that stopped half-way.

Examples: the buyer closed the browser after approving; a worker died between capture and
order write. Every step reuses facade.complete_attempt, whose capture key and attempt row lock
make it idempotent: running this twice, or beside a return visit or a webhook, changes nothing
more. Run by `manage.py reconcile_paypal` and the Celery beat task checkout.tasks.reconcile_payments.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from checkout.models import PaymentAttempt
from checkout.order import placement
from checkout.paypal import facade
from checkout.paypal.client import PayPalClient, PayPalDeclined, PayPalUnavailable

logger = logging.getLogger("checkout.paypal")

# PayPal lets an order wait 3 hours for approval (docs/paypal.md §2.1).
APPROVAL_WINDOW = timedelta(hours=3)


def reconcile_stale(older_than):
    results = {}
    for attempt_id in facade.stale_attempts(older_than).values_list("pk", flat=True):
        outcome = reconcile_attempt(attempt_id)
        results[outcome] = results.get(outcome, 0) + 1
    return results


def reconcile_attempt(attempt_id, client=None):
    client = client or PayPalClient()
    attempt = PaymentAttempt.objects.get(pk=attempt_id)
    if attempt.state in PaymentAttempt.FINAL_STATES:
        return attempt.state
    if attempt.state in PaymentAttempt.TO_VOID_STATES:
        return _void(attempt, client)
    try:
        paypal_order = client.get_order(attempt.paypal_order_id)
    except PayPalUnavailable as error:
        if error.status == 404:
            return _expire(attempt)
        return "paypal-unreachable"
    if paypal_order.get("status") in {"CREATED", "PAYER_ACTION_REQUIRED", "VOIDED"}:
        if paypal_order.get("status") == "VOIDED" or attempt.created_at < timezone.now() - APPROVAL_WINDOW:
            return _expire(attempt)
        return "waiting-for-buyer"
    try:
        attempt = facade.complete_attempt(attempt.pk, client)
    except facade.OutOfStock:
        captured = facade.capture_from(paypal_order)
        if captured:  # money taken but the books are gone: give it back
            return _refund_unplaced(attempt, captured["id"], client)
        return PaymentAttempt.State.REFUSED
    except PayPalDeclined:
        return PaymentAttempt.State.DECLINED
    except (placement.TotalChanged, facade.AttemptClosed):  # repriced, refunded or closed meanwhile
        attempt.refresh_from_db()
        return attempt.state
    except facade.CaptureNotConfirmed:
        return "capture-not-confirmed"
    except Exception:
        logger.exception("Attempt %s: the order cannot be placed; refunding any capture", attempt.pk)
        captured = facade.capture_from(client.get_order(attempt.paypal_order_id))
        if captured is None:
            return "error"
        with transaction.atomic():
            locked = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
            if locked.state == PaymentAttempt.State.ALLOCATED:
                facade.release_stock(locked)
            locked.basket.thaw()
        return _refund_unplaced(attempt, captured["id"], client)
    logger.info("Reconciliation placed order %s for PayPal order %s", attempt.order_number, attempt.paypal_order_id)
    return attempt.state


def _expire(attempt):
    facade.close_unapproved(attempt, PaymentAttempt.State.EXPIRED)
    logger.info("Attempt %s expired without approval; basket released", attempt.pk)
    return PaymentAttempt.State.EXPIRED


def _refund_unplaced(attempt, capture_id, client):
    facade.refund_unplaced(attempt, capture_id, client)
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        state=PaymentAttempt.State.REFUNDED, capture_id=capture_id, updated_at=timezone.now()
    )
    return PaymentAttempt.State.REFUNDED


def _void(attempt, client):
    """An attempt the shop closed while the buyer could still approve it: never captured by us.

    PayPal has no void for an uncaptured CAPTURE-intent order (it lapses after 3 hours), so voiding
    is ours: checked once more at PayPal, refunded if a capture shows up anyway, then VOIDED for good.
    """
    try:
        paypal_order = client.get_order(attempt.paypal_order_id)
    except PayPalUnavailable as error:
        if error.status != 404:
            return "paypal-unreachable"
        paypal_order = {}
    captured = facade.capture_from(paypal_order)
    with transaction.atomic():
        locked = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.state not in PaymentAttempt.TO_VOID_STATES:
            return locked.state
        if captured is not None and captured.get("status") in {"COMPLETED", "PENDING"}:
            return _refund_unplaced(locked, captured["id"], client)
        locked.state = PaymentAttempt.State.VOIDED
        locked.save(update_fields=["state", "updated_at"])
    logger.info("Attempt %s voided: closed by the shop, never captured", attempt.pk)
    return PaymentAttempt.State.VOIDED
