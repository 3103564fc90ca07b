"""PayPal ↔ Oscar: start a payment, and complete it exactly once (docs/design.md §5).

checkout/views.py starts payments here. Completion is shared by the return view
(paypal/views.py), reconciliation (paypal/reconcile.py) and webhooks (paypal/webhook_handlers.py,
through reconciliation), and runs in this order:

1. verify the PayPal order (status, amount, currency, invoice id) against our attempt row;
2. allocate stock under row locks (SELECT ... FOR UPDATE on the stock records), refusing if
   there is not enough: a refused attempt is never captured;
3. capture with `PayPal-Request-Id: capture-<order id>` (a replay never captures twice);
4. verify the capture's status and amount, then place the Oscar order (checkout/order/placement.py)
   in the same transaction that marks the attempt placed. The attempt row lock serialises
   duplicates (double clicks, reloads, webhook and reconciliation at once); unique constraints
   back it up.

A crash between 3 and 4 leaves the attempt "allocated" with the money captured; reconciliation
replays the capture (same request id, no second charge) and places the order, or refunds.
"""

import logging
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from oscar.core.loading import get_classes, get_model

from checkout.models import PaymentAttempt, PayPalRefund
from checkout.order import placement
from checkout.order.statuses import REFUNDED
from checkout.paypal import amounts
from checkout.paypal.client import PayPalClient, PayPalDeclined, PayPalUnavailable
from checkout.paypal.source import paypal_source

logger = logging.getLogger("checkout.paypal")

StockRecord = get_model("partner", "StockRecord")
PaymentError, UnableToTakePayment = get_classes("payment.exceptions", ["PaymentError", "UnableToTakePayment"])

ADDRESS_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "line1",
    "line2",
    "line3",
    "line4",
    "state",
    "postcode",
    "country_id",
    "phone_number",
    "notes",
)


class OutOfStock(UnableToTakePayment):
    """Not enough stock when the buyer came back from PayPal; nothing was captured."""


class CaptureNotConfirmed(PaymentError):
    """PayPal did not confirm the capture (5xx, timeout); reconciliation finishes the attempt."""

    def __init__(self):
        super().__init__(
            "We could not confirm your payment with PayPal yet. If it went through, your order is placed "
            "automatically within a few minutes and you will get an email; you will never be charged twice."
        )


def serialise_address(address):
    return {
        name: (str(getattr(address, name)) if getattr(address, name) is not None else "") for name in ADDRESS_FIELDS
    }


def next_order_number(basket):
    """Oscar's basket-based number; a later attempt for the same basket gets a suffix (invoice ids are unique)."""
    base = str(100000 + basket.id)
    previous = PaymentAttempt.objects.filter(basket=basket).count()
    return base if previous == 0 else f"{base}-{previous + 1}"


# ------------------------------------------------------------------------------ start


def start_payment(
    *,
    basket,
    user,
    guest_email,
    order_number,
    shipping_address,
    shipping_method,
    shipping_charge,
    order_total,
    return_url,
    cancel_url,
):
    """Record the attempt, create the PayPal order, and return the buyer's approve URL."""
    attempt = PaymentAttempt(
        basket=basket,
        user=user if user is not None and user.is_authenticated else None,
        guest_email=guest_email or "",
        order_number=order_number,
        currency=order_total.currency,
        amount=Decimal(0),
        shipping_method_code=shipping_method.code,
        shipping_address=serialise_address(shipping_address) if shipping_address else {},
    )
    unit, total, currency = amounts.purchase_unit(
        basket, shipping_charge, order_total, order_number, attempt.id, shipping_address
    )
    attempt.amount = total
    try:
        attempt.save()
    except IntegrityError:
        raise PaymentError("This order is already being paid for in another window.")
    body = {
        "intent": "CAPTURE",
        "purchase_units": [unit],
        "payment_source": {
            "paypal": {
                "experience_context": {
                    "brand_name": settings.PAYPAL_BRAND_NAME,
                    "shipping_preference": "SET_PROVIDED_ADDRESS" if shipping_address else "NO_SHIPPING",
                    "user_action": "PAY_NOW",
                    "return_url": return_url,
                    "cancel_url": cancel_url,
                }
            }
        },
    }
    try:
        paypal_order = PayPalClient().create_order(body, attempt.create_request_id)
    except PaymentError:
        # The buyer never got an approve link: end the attempt, so nothing waits on it.
        close_unapproved(attempt, PaymentAttempt.State.EXPIRED)
        raise
    attempt.paypal_order_id = paypal_order["id"]
    attempt.save(update_fields=["paypal_order_id", "updated_at"])
    approve = [link["href"] for link in paypal_order.get("links", []) if link.get("rel") in {"payer-action", "approve"}]
    if not approve:
        raise PayPalUnavailable(issue="NO_APPROVE_LINK")
    return attempt, approve[0]


# ------------------------------------------------------------------------------ complete


def complete_attempt(attempt_id, client=None):
    """Verify, allocate, capture and place; returns the placed attempt. Safe to call any number of times."""
    client = client or PayPalClient()
    attempt = PaymentAttempt.objects.get(pk=attempt_id)
    if attempt.state == PaymentAttempt.State.CREATED:
        paypal_order = client.get_order(attempt.paypal_order_id)
        verify_paypal_order(attempt, paypal_order)
        allocate_stock(attempt.pk)
    return capture_and_place(attempt.pk, client)


def verify_paypal_order(attempt, paypal_order):
    unit = (paypal_order.get("purchase_units") or [{}])[0]
    amount = unit.get("amount") or {}
    problems = []
    if paypal_order.get("status") not in {"APPROVED", "COMPLETED"}:
        if paypal_order.get("status") in {"CREATED", "PAYER_ACTION_REQUIRED"}:
            raise PayPalDeclined("ORDER_NOT_APPROVED")
        problems.append(f"status {paypal_order.get('status')}")
    if amount.get("currency_code") != attempt.currency or Decimal(amount.get("value", "0")) != attempt.amount:
        problems.append(f"amount {amount} != {attempt.amount} {attempt.currency}")
    if unit.get("invoice_id") != attempt.order_number:
        problems.append(f"invoice_id {unit.get('invoice_id')} != {attempt.order_number}")
    if problems:
        logger.error("PayPal order %s does not match attempt %s: %s", attempt.paypal_order_id, attempt.pk, problems)
        raise PayPalUnavailable(issue="ORDER_MISMATCH")


def _basket_quantities(basket):
    quantities = {}
    for line in basket.all_lines():
        quantities[line.stockrecord_id] = quantities.get(line.stockrecord_id, 0) + line.quantity
    return quantities


def allocate_stock(attempt_id):
    """Hold the basket's stock under row locks, or refuse (attempt REFUSED, basket thawed)."""
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt_id)
        if attempt.state != PaymentAttempt.State.CREATED:
            return attempt
        wanted = _basket_quantities(attempt.basket)
        # Lock in primary-key order so two baskets sharing books can never deadlock.
        records = list(StockRecord.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
        short = [record for record in records if (record.net_stock_level or 0) < wanted[record.pk]]
        refused = bool(short) or len(records) != len(wanted)
        if refused:
            attempt.state = PaymentAttempt.State.REFUSED
            attempt.basket.thaw()
        else:
            for record in records:
                record.num_allocated = (record.num_allocated or 0) + wanted[record.pk]
                record.save(update_fields=["num_allocated"])
            attempt.state = PaymentAttempt.State.ALLOCATED
        attempt.save(update_fields=["state", "updated_at"])
    if refused:  # raised after commit, so the refusal itself is kept
        titles = ", ".join(record.product.get_title() for record in short) or "a book in your basket"
        raise OutOfStock(
            f"Sorry, {titles} sold out while you were at PayPal. Nothing was charged; "
            "your basket is back for you to change."
        )
    return attempt


def release_stock(attempt):
    """Give back what allocate_stock held (called with the attempt row locked)."""
    wanted = _basket_quantities(attempt.basket)
    for record in StockRecord.objects.select_for_update().filter(pk__in=wanted).order_by("pk"):
        record.num_allocated = max((record.num_allocated or 0) - wanted[record.pk], 0)
        record.save(update_fields=["num_allocated"])


def capture_from(paypal_order):
    captures = ((paypal_order.get("purchase_units") or [{}])[0].get("payments") or {}).get("captures") or []
    return captures[0] if captures else None


def _decline(attempt, capture_status=""):
    release_stock(attempt)
    attempt.state = PaymentAttempt.State.DECLINED
    attempt.capture_status = capture_status
    attempt.save(update_fields=["state", "capture_status", "updated_at"])
    attempt.basket.thaw()


def capture_and_place(attempt_id, client=None):
    client = client or PayPalClient()
    failure = None
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt_id)
        if attempt.state == PaymentAttempt.State.PLACED:
            return attempt
        if attempt.state != PaymentAttempt.State.ALLOCATED:
            raise UnableToTakePayment("This payment was already closed. Nothing more was charged.")
        paypal_order = None
        try:
            paypal_order = client.capture_order(attempt.paypal_order_id, attempt.capture_request_id)
        except PayPalDeclined as error:
            _decline(attempt)
            failure = error
        except PayPalUnavailable as error:
            if error.issue == "ORDER_ALREADY_CAPTURED":
                paypal_order = client.get_order(attempt.paypal_order_id)
            else:
                failure = CaptureNotConfirmed()
        if paypal_order is not None:
            failure = _verify_capture_and_place(attempt, paypal_order)
    # Raised after commit: a decline's stock release and state are kept.
    if failure is not None:
        raise failure
    return attempt


def _verify_capture_and_place(attempt, paypal_order):
    capture = capture_from(paypal_order)
    if capture is None or capture.get("status") not in {"COMPLETED", "PENDING"}:
        _decline(attempt, (capture or {}).get("status", ""))
        return PayPalDeclined("TRANSACTION_REFUSED")
    attempt.capture_id = capture["id"]
    attempt.capture_status = capture["status"]
    captured = capture.get("amount") or {}
    if captured.get("currency_code") != attempt.currency or Decimal(captured.get("value", "0")) != attempt.amount:
        logger.error("Capture %s amount %s differs from attempt %s", capture["id"], captured, attempt.pk)
        attempt.save(update_fields=["capture_id", "capture_status", "updated_at"])
        return CaptureNotConfirmed()
    payer_email = ((paypal_order.get("payment_source") or {}).get("paypal") or {}).get("email_address", "")
    placement.place_order(attempt, payer_email)
    return None


# ------------------------------------------------------------------------------ cancel, refund


def close_unapproved(attempt, state):
    """End an attempt the buyer never approved (nothing was captured) and give the basket back."""
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.state == PaymentAttempt.State.CREATED:
            attempt.state = state
            attempt.save(update_fields=["state", "updated_at"])
            attempt.basket.thaw()
        return attempt


def cancel_attempt(attempt):
    """The buyer cancelled at PayPal."""
    return close_unapproved(attempt, PaymentAttempt.State.CANCELLED)


def refund(order, amount, note=""):
    """Refund `amount` of the order's PayPal capture; records Source.refund and a "Refunded" event."""
    attempt = PaymentAttempt.objects.filter(order=order).exclude(capture_id="").first()
    if attempt is None:
        raise PaymentError("This order was not paid with PayPal, so it cannot be refunded here.")
    source = paypal_source(order)
    amount = amounts.quantize(amount, attempt.currency)
    if amount <= 0 or amount > source.amount_available_for_refund:
        raise PaymentError(f"You can refund between 0.01 and {source.amount_available_for_refund} {attempt.currency}.")
    refund_row = PayPalRefund.objects.create(
        order=order, capture_id=attempt.capture_id, amount=amount, currency=attempt.currency
    )
    body = {"amount": amounts.money(amount, attempt.currency)}
    if note:
        body["note_to_payer"] = note[:255]
    result = PayPalClient().refund_capture(attempt.capture_id, body, refund_row.request_id)
    with transaction.atomic():
        refund_row.paypal_refund_id = result.get("id")
        refund_row.status = result.get("status", "")
        refund_row.save(update_fields=["paypal_refund_id", "status"])
        source.refund(amount, reference=refund_row.paypal_refund_id or "", status=refund_row.status)
        placement.record_payment_event(order, REFUNDED, amount, refund_row.paypal_refund_id or "")
    return refund_row


def stale_attempts(older_than):
    cutoff = timezone.now() - older_than
    return PaymentAttempt.objects.filter(
        state__in=[PaymentAttempt.State.CREATED, PaymentAttempt.State.ALLOCATED], updated_at__lt=cutoff
    ).exclude(paypal_order_id=None)
