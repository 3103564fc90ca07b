"""PayPal ↔ Oscar: start a payment, and complete it exactly once (docs/design.md §5).

checkout/views.py starts payments here: one live attempt per basket, under the basket's row lock.
Completion is shared by the return view (paypal/views.py), reconciliation (paypal/reconcile.py) and
webhooks (paypal/webhook_handlers.py, through reconciliation), and runs in this order:

1. verify the PayPal order (status, amount, currency, invoice id) against our attempt row;
2. allocate stock under row locks (SELECT ... FOR UPDATE on the stock records), refusing if
   there is not enough: a refused attempt is never captured;
3. under the attempt row lock, price the basket again as placement will; if the total moved,
   capture nothing (attempt repriced, stock released, basket given back);
4. capture with `PayPal-Request-Id: capture-<order id>` (a replay never captures twice);
5. verify the capture's status and amount, then place the Oscar order (checkout/order/placement.py)
   in the same transaction that marks the attempt placed. The attempt row lock serialises
   duplicates (double clicks, reloads, webhook and reconciliation at once); unique constraints
   back it up.

A crash between 4 and 5 leaves the attempt "allocated" with the money captured; reconciliation
replays the capture (same request id, no second charge) and places the order, or refunds.
"""

import logging
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_classes, get_model

from checkout.models import PaymentAttempt, PayPalRefund
from checkout.order import placement
from checkout.order.statuses import PAID, REFUNDED
from checkout.paypal import amounts
from checkout.paypal.client import PayPalClient, PayPalDeclined, PayPalUnavailable
from checkout.paypal.source import paypal_source, refundable_amount, refunded_amount

logger = logging.getLogger("checkout.paypal")

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Transaction = get_model("payment", "Transaction")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentError, UnableToTakePayment = get_classes("payment.exceptions", ["PaymentError", "UnableToTakePayment"])
UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")

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
    """The live attempt's number, so every concurrent click agrees; else Oscar's basket-based number.

    A later attempt for the same basket gets a suffix (PayPal invoice ids are unique).
    """
    live = PaymentAttempt.objects.filter(basket=basket, state__in=PaymentAttempt.LIVE_STATES).first()
    if live is not None:
        return live.order_number
    base = str(100000 + basket.id)
    previous = PaymentAttempt.objects.filter(basket=basket).count()
    return base if previous == 0 else f"{base}-{previous + 1}"


# ------------------------------------------------------------------------------ start


def start_payment(
    *,
    basket,
    user,
    guest_email,
    shipping_address,
    shipping_method,
    shipping_charge,
    order_total,
    return_url,
    cancel_url,
):
    """The attempt paying this basket, and where to send the buyer: at most one live attempt per basket.

    Serialised per basket by its row lock, held while PayPal creates the order, so concurrent
    clicks find the first click's attempt and all go to its approve link. An attempt for another
    amount, shipping method or address is superseded (it can never be captured) and replaced.
    """
    address = serialise_address(shipping_address) if shipping_address else {}
    try:
        with transaction.atomic():
            locked = Basket.objects.select_for_update().get(pk=basket.pk)
            live = PaymentAttempt.objects.filter(basket=basket, state__in=PaymentAttempt.LIVE_STATES).first()
            placed = PaymentAttempt.objects.filter(basket=basket, state=PaymentAttempt.State.PLACED).first()
            being_captured = live if live is not None and live.state == PaymentAttempt.State.ALLOCATED else None
            finished_or_finishing = placed or being_captured
            if finished_or_finishing is not None:  # the return view shows its outcome
                token = finished_or_finishing.paypal_order_id
                return finished_or_finishing, f"{return_url}?{urlencode({'token': token})}"
            if locked.status == Basket.SUBMITTED:
                raise UnableToTakePayment("This basket has already been ordered.")
            total = amounts.quantize(order_total.incl_tax, order_total.currency)
            if live is not None:
                if (live.amount, live.currency, live.shipping_method_code, live.shipping_address) == (
                    total,
                    order_total.currency,
                    shipping_method.code,
                    address,
                ):
                    return live, live.approve_url
                supersede(live)
            attempt = PaymentAttempt(
                basket=basket,
                user=user if user is not None and user.is_authenticated else None,
                guest_email=guest_email or "",
                order_number=next_order_number(basket),
                currency=order_total.currency,
                amount=total,
                shipping_method_code=shipping_method.code,
                shipping_address=address,
            )
            attempt.save()
            attempt.paypal_order_id, attempt.approve_url = _create_paypal_order(
                attempt, basket, shipping_address, shipping_charge, order_total, return_url, cancel_url
            )
            attempt.save(update_fields=["paypal_order_id", "approve_url", "updated_at"])
            return attempt, attempt.approve_url
    except IntegrityError:
        raise PaymentError("This order is already being paid for in another window.")


def supersede(attempt):
    """Close a waiting attempt for good (called under the basket lock); reconciliation voids it at PayPal."""
    attempt.state = PaymentAttempt.State.SUPERSEDED
    attempt.save(update_fields=["state", "updated_at"])
    logger.info("Attempt %s for basket %s superseded", attempt.pk, attempt.basket_id)


def _create_paypal_order(attempt, basket, shipping_address, shipping_charge, order_total, return_url, cancel_url):
    """PayPal's order id and approve link for the attempt."""
    unit, _, _ = amounts.purchase_unit(
        basket, shipping_charge, order_total, attempt.order_number, attempt.id, shipping_address
    )
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
    paypal_order = PayPalClient().create_order(body, attempt.create_request_id)
    approve = [link["href"] for link in paypal_order.get("links", []) if link.get("rel") in {"payer-action", "approve"}]
    if not approve:
        raise PayPalUnavailable(issue="NO_APPROVE_LINK")
    return paypal_order["id"], approve[0]


def freeze_for_payment(basket):
    """Oscar's freeze, but only of an open basket: a late click must not reopen a submitted one."""
    Basket.objects.filter(pk=basket.pk, status=Basket.OPEN).update(status=Basket.FROZEN)
    basket.status = Basket.FROZEN


def release_basket(basket):
    """Thaw a frozen basket unless an attempt is still paying it; True if the buyer has it back."""
    with transaction.atomic():
        locked = Basket.objects.select_for_update().get(pk=basket.pk)
        if locked.status == Basket.OPEN:
            basket.status = Basket.OPEN
            return True
        paying = PaymentAttempt.objects.filter(basket=basket, state__in=PaymentAttempt.LIVE_STATES).exists()
        if locked.status != Basket.FROZEN or paying:
            return False
        basket.thaw()
        return True


# ------------------------------------------------------------------------------ orders that cost nothing


def nothing_to_pay(order_total):
    return amounts.quantize(order_total.incl_tax, order_total.currency) <= 0


def place_free_order(
    *, basket, user, guest_email, order_number, shipping_address, shipping_method, shipping_charge, order_total
):
    """Place an order that totals zero without PayPal (PayPal refuses zero amounts); once per basket."""
    with transaction.atomic():
        Basket.objects.select_for_update().get(pk=basket.pk)
        existing = Order.objects.filter(basket_id=basket.pk).first()
        if existing is not None:  # a concurrent click placed it
            return existing
        for waiting in PaymentAttempt.objects.filter(basket=basket, state=PaymentAttempt.State.CREATED):
            supersede(waiting)
        sold_out = hold_stock(basket)
        if sold_out:
            raise UnableToPlaceOrder(
                f"Sorry, {sold_out} sold out. Nothing was ordered; your basket is back for you to change."
            )
        priced = placement.PricedBasket(basket, shipping_address, shipping_method, shipping_charge, order_total)
        return placement.write_order(
            priced,
            user=user if user.is_authenticated else None,
            guest_email=guest_email or "",
            order_number=order_number,
            status=PAID,
        )


# ------------------------------------------------------------------------------ complete


class AttemptClosed(UnableToTakePayment):
    """The buyer came back for an attempt the shop already closed; it is never captured."""

    REASONS = {
        PaymentAttempt.State.SUPERSEDED: "This PayPal payment was replaced by a newer one for the same basket",
        PaymentAttempt.State.CANCELLED: "You cancelled this PayPal payment",
        PaymentAttempt.State.EXPIRED: "This PayPal payment expired",
        PaymentAttempt.State.REPRICED: "The total changed before this PayPal payment was taken",
        PaymentAttempt.State.VOIDED: "This PayPal payment was closed",
    }

    def __init__(self, attempt):
        reason = self.REASONS.get(attempt.state, "This payment was already closed")
        super().__init__(f"{reason}, so it will never be charged. Nothing more was charged.")


def complete_attempt(attempt_id, client=None):
    """Verify, allocate, compare the total, capture and place; returns the placed attempt. Idempotent."""
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


def hold_stock(basket):
    """Allocate the basket's copies under row locks, inside the caller's transaction.

    Returns the titles that are short ("" when all is held); nothing is held then.
    """
    wanted = _basket_quantities(basket)
    # Lock in primary-key order so two baskets sharing books can never deadlock.
    records = list(StockRecord.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
    short = [record for record in records if (record.net_stock_level or 0) < wanted[record.pk]]
    if short or len(records) != len(wanted):
        return ", ".join(record.product.get_title() for record in short) or "a book in your basket"
    for record in records:
        record.num_allocated = (record.num_allocated or 0) + wanted[record.pk]
        record.save(update_fields=["num_allocated"])
    return ""


def allocate_stock(attempt_id):
    """Hold the basket's stock under row locks, or refuse (attempt REFUSED, basket thawed)."""
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt_id)
        if attempt.state != PaymentAttempt.State.CREATED:
            return attempt
        sold_out = hold_stock(attempt.basket)
        if sold_out:
            attempt.state = PaymentAttempt.State.REFUSED
            attempt.basket.thaw()
        else:
            attempt.state = PaymentAttempt.State.ALLOCATED
        attempt.save(update_fields=["state", "updated_at"])
    if sold_out:  # raised after commit, so the refusal itself is kept
        raise OutOfStock(
            f"Sorry, {sold_out} sold out while you were at PayPal. Nothing was charged; "
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
            raise AttemptClosed(attempt)
        # The buyer approved attempt.amount; capture only if the basket still costs exactly that.
        total_now = placement.price_attempt(attempt).amount
        if total_now != attempt.amount:
            # A capture replayed after a crash or an unconfirmed answer may already have taken money.
            earlier = capture_from(client.get_order(attempt.paypal_order_id))
            taken = earlier if earlier and earlier.get("status") in {"COMPLETED", "PENDING"} else None
            failure = _give_back(attempt, total_now, (taken or {}).get("id", ""), client)
        else:
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
                failure = _verify_capture_and_place(attempt, paypal_order, client)
    # Raised after commit: a decline's or a repricing's stock release and state are kept.
    if failure is not None:
        raise failure
    return attempt


def _verify_capture_and_place(attempt, paypal_order, client):
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
    try:
        with transaction.atomic():  # a savepoint: a refused placement leaves nothing half-written
            placement.place_order(attempt, payer_email)
    except placement.TotalChanged as change:  # the price moved during the capture: refund now
        return _give_back(attempt, change.now, capture["id"], client)
    return None


def _give_back(attempt, total_now, capture_id, client):
    """The total changed: release the stock, refund what was captured, return the basket; the buyer's error."""
    if capture_id:
        attempt.capture_id = capture_id
        try:
            refund_unplaced(attempt, capture_id, client)
        except PaymentError:
            attempt.save(update_fields=["capture_id", "capture_status", "updated_at"])
            logger.error("Attempt %s: refund of %s failed; reconciliation retries it", attempt.pk, capture_id)
            outcome = placement.TotalChanged.REFUND_LATER
            return placement.TotalChanged(attempt.amount, total_now, attempt.currency, outcome)
    release_stock(attempt)
    attempt.state = PaymentAttempt.State.REFUNDED if capture_id else PaymentAttempt.State.REPRICED
    attempt.save(update_fields=["state", "capture_id", "capture_status", "updated_at"])
    attempt.basket.thaw()
    logger.warning("Attempt %s: total changed from %s to %s; %s", attempt.pk, attempt.amount, total_now, attempt.state)
    outcome = placement.TotalChanged.REFUNDED if capture_id else placement.TotalChanged.NOTHING_CHARGED
    return placement.TotalChanged(attempt.amount, total_now, attempt.currency, outcome)


def refund_unplaced(attempt, capture_id, client):
    """Give back a whole capture that no order will match; one request id, so retries never refund twice."""
    client.refund_capture(capture_id, {}, f"refund-unplaced-{attempt.pk}")
    logger.warning("Attempt %s: refunded capture %s (no order could be placed)", attempt.pk, capture_id)


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


def refund(order, amount, note="", lines=(), line_quantities=()):
    """Refund `amount` of the order's PayPal capture; returns the PayPalRefund row.

    The amount is checked against what is left (derived from the refund rows) and the new row is
    written under the order's row lock, so of two refunds at once the second sees the first.
    PayPal is called after that commit, with the row's id as PayPal-Request-Id.
    """
    attempt = PaymentAttempt.objects.filter(order=order).exclude(capture_id="").first()
    if attempt is None:
        raise PaymentError("This order was not paid with PayPal, so it cannot be refunded here.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        amount = checked_refund_amount(amount, refundable_amount(order), attempt.currency)
        refund_row = PayPalRefund.objects.create(
            order=order, capture_id=attempt.capture_id, amount=amount, currency=attempt.currency
        )
    body = {"amount": amounts.money(amount, attempt.currency)}
    if note:
        body["note_to_payer"] = note[:255]
    try:
        result = PayPalClient().refund_capture(attempt.capture_id, body, refund_row.request_id)
    except (PayPalDeclined, PayPalUnavailable) as error:
        raise _refund_not_made(refund_row, error) from error
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        refund_row.paypal_refund_id = result.get("id")
        refund_row.status = result.get("status", "")
        refund_row.save(update_fields=["paypal_refund_id", "status"])
        record_refund(order, refund_row, lines, line_quantities)
    return refund_row


def checked_refund_amount(amount, refundable, currency):
    """The amount to refund, or PaymentError saying why not; never rounded."""
    smallest = amounts.smallest_unit(currency)
    if refundable <= 0:
        raise PaymentError("Nothing is left to refund on this order.")
    limits = f"You can refund between {smallest} and {refundable} {currency}."
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise PaymentError(f"Please enter the amount as a number. {limits}")
    if amount <= 0 or amount > refundable:
        raise PaymentError(limits)
    if amount != amount.quantize(smallest):
        raise PaymentError(f"{amount} has more decimals than {currency} allows; nothing was refunded. {limits}")
    return amount.quantize(smallest)


def _refund_not_made(refund_row, error):
    """The staff's message for a refund PayPal did not confirm; a refusal frees the amount again."""
    answered = isinstance(error, PayPalDeclined) or (error.status is not None and error.status < 500)
    if answered:
        refund_row.status = "FAILED"
        refund_row.save(update_fields=["status"])
        return PaymentError(f"PayPal refused this refund ({error.issue or 'no reason given'}); no money was returned.")
    # Unknown outcome: the row keeps counting against what is left, so a retry cannot refund twice;
    # if PayPal did make it, its refund webhook records it.
    return PaymentError(
        "PayPal did not confirm this refund; it may still go through. It is kept aside so it cannot be made twice."
    )


def record_refund(order, refund_row, lines=(), line_quantities=()):
    """Oscar's record of a refund PayPal made: the source's total (derived), a transaction, a payment event."""
    source = paypal_source(order)
    source.amount_refunded = refunded_amount(order)
    source.save(update_fields=["amount_refunded"])
    reference = refund_row.paypal_refund_id or ""
    source.transactions.create(
        txn_type=Transaction.REFUND, amount=refund_row.amount, reference=reference, status=refund_row.status
    )
    event_type, _ = PaymentEventType.objects.get_or_create(name=REFUNDED)
    event = PaymentEvent.objects.create(
        order=order, event_type=event_type, amount=refund_row.amount, reference=reference
    )
    for line, quantity in zip(lines, line_quantities, strict=True):
        event.line_quantities.create(line=line, quantity=quantity)
    return event


def stale_attempts(older_than):
    """Attempts left waiting, half-way, or closed by the shop but not yet voided at PayPal."""
    cutoff = timezone.now() - older_than
    return PaymentAttempt.objects.filter(
        state__in=PaymentAttempt.LIVE_STATES | PaymentAttempt.TO_VOID_STATES, updated_at__lt=cutoff
    ).exclude(paypal_order_id=None)
