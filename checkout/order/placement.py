"""Writing the Oscar order for a payment that PayPal has captured: the order fork's part of checkout.

checkout/paypal/facade.py verifies the capture and then calls place_order inside the transaction
that holds the PaymentAttempt row lock, so an attempt is placed once. place_order rebuilds the
frozen basket, checks it still totals what PayPal took, writes the order with its PayPal payment
source and payment event, submits the basket, marks the attempt placed and queues the
confirmation email for after commit. write_order is the part shared with orders that cost nothing
(facade.place_free_order), and price_attempt the pricing shared with the facade's check before capture.
"""

import logging
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from oscar.core.loading import get_class, get_model
from oscar.templatetags.currency_filters import currency as currency_format

from checkout.models import PaymentAttempt
from checkout.order.statuses import PAID, PAYMENT_PENDING
from checkout.order.tasks import queue_order_email
from checkout.paypal import amounts
from checkout.paypal.source import SOURCE_TYPE_CODE, SOURCE_TYPE_NAME

logger = logging.getLogger("checkout.paypal")

Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")
SourceType = get_model("payment", "SourceType")
Source = get_model("payment", "Source")
Transaction = get_model("payment", "Transaction")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEvent = get_model("order", "PaymentEvent")
ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
OrderCreator = get_class("order.utils", "OrderCreator")
Selector = get_class("partner.strategy", "Selector")
Applicator = get_class("offer.applicator", "Applicator")
Repository = get_class("shipping.repository", "Repository")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
UnableToTakePayment = get_class("payment.exceptions", "UnableToTakePayment")


class PlacingOrder(OrderCreator):
    """Oscar's OrderCreator without its own stock allocation: ours happened under lock, before capture."""

    def update_stock_records(self, line):
        pass


class TotalChanged(UnableToTakePayment):
    """The basket and shipping now total something else than the amount the buyer approved at PayPal."""

    NOTHING_CHARGED = "Nothing was charged. Check the new total and pay again."
    REFUNDED = "PayPal took {approved} and we have refunded it in full. Check the new total and pay again."
    REFUND_LATER = "PayPal took {approved}; we could not refund it just now, so it is refunded within minutes."

    def __init__(self, approved, now, currency, outcome=NOTHING_CHARGED):
        self.approved, self.now, self.currency = approved, now, currency
        approved_text = currency_format(approved, currency)
        super().__init__(
            f"The total changed from {approved_text} to {currency_format(now, currency)} while you were at PayPal. "
            + outcome.format(approved=approved_text)
        )


class PricedBasket(NamedTuple):
    basket: object
    shipping_address: object
    shipping_method: object
    shipping_charge: object
    total: object

    @property
    def amount(self):
        """What the buyer pays, as sent to PayPal."""
        return amounts.quantize(self.total.incl_tax, self.total.currency)


def rebuild_basket(attempt):
    """The attempt's frozen basket with its buyer's prices and offers applied again."""
    basket = Basket.objects.get(pk=attempt.basket_id)
    user = attempt.user or AnonymousUser()
    basket.strategy = Selector().strategy(user=user)
    Applicator().apply(basket, user)
    return basket


def price_attempt(attempt):
    """The attempt's basket priced now, exactly as its order would be written."""
    basket = rebuild_basket(attempt)
    shipping_address = ShippingAddress(**attempt.shipping_address) if attempt.shipping_address else None
    methods = Repository().get_shipping_methods(basket, shipping_addr=shipping_address)
    method = next(m for m in methods if m.code == attempt.shipping_method_code)
    shipping_charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, shipping_charge)
    return PricedBasket(basket, shipping_address, method, shipping_charge, total)


def place_order(attempt, payer_email):
    """Write the Oscar order for a verified capture (inside the facade's capture_and_place transaction).

    The facade compared the total before capturing; comparing again here is the backstop for a price
    change that lands during the capture (the facade then refunds at once).
    """
    priced = price_attempt(attempt)
    if priced.amount != attempt.amount:
        raise TotalChanged(attempt.amount, priced.amount, attempt.currency)
    pending = attempt.capture_status == "PENDING"
    status = PAYMENT_PENDING if pending else PAID  # also the name of the payment event
    order = write_order(
        priced,
        user=attempt.user,
        guest_email=attempt.guest_email,
        order_number=attempt.order_number,
        status=status,
    )
    source_type, _ = SourceType.objects.get_or_create(code=SOURCE_TYPE_CODE, defaults={"name": SOURCE_TYPE_NAME})
    source = Source.objects.create(
        order=order,
        source_type=source_type,
        currency=attempt.currency,
        amount_allocated=attempt.amount,
        amount_debited=Decimal(0) if pending else attempt.amount,
        reference=attempt.paypal_order_id,
        label=payer_email[:128],
    )
    source.transactions.create(
        txn_type=Transaction.DEBIT,
        amount=attempt.amount,
        reference=attempt.capture_id,
        status=attempt.capture_status,
    )
    record_payment_event(order, status, attempt.amount, attempt.capture_id)
    attempt.order = order
    attempt.state = PaymentAttempt.State.PLACED
    attempt.save(update_fields=["order", "state", "capture_id", "capture_status", "updated_at"])
    logger.info(
        "Order %s placed for PayPal order %s (%s)", order.number, attempt.paypal_order_id, attempt.capture_status
    )
    return order


def write_order(priced, *, user, guest_email, order_number, status):
    """The Oscar order for a priced basket whose stock is already held; submits the basket and queues the email."""
    if priced.shipping_address is not None:
        priced.shipping_address.save()
    # Oscar's analytics receiver creates its counter rows without a savepoint, so a race there would
    # abort this transaction after the capture; created here first (race-safe), it only UPDATEs.
    for line in priced.basket.all_lines():
        ProductRecord.objects.get_or_create(product_id=line.product_id)
    if user is not None:
        UserRecord.objects.get_or_create(user=user)
    order = PlacingOrder().place_order(
        basket=priced.basket,
        total=priced.total,
        shipping_method=priced.shipping_method,
        shipping_charge=priced.shipping_charge,
        user=user or AnonymousUser(),  # Oscar's voucher checks expect a user object
        shipping_address=priced.shipping_address,
        order_number=order_number,
        status=status,
        guest_email=guest_email if user is None else "",
    )
    priced.basket.submit()
    if user is not None and priced.shipping_address is not None:
        remember_address(user, priced.shipping_address)
    queue_order_email(order, "ORDER_PLACED")
    return order


def remember_address(user, shipping_address):
    """The account holder finds the address in their address book next time (counted, not repeated)."""
    address = UserAddress.objects.filter(user=user, hash=shipping_address.generate_hash()).first()
    if address is None:
        address = UserAddress(user=user)
        shipping_address.populate_alternative_model(address)
    address.num_orders_as_shipping_address += 1
    try:
        # A savepoint: an order placed at the same moment with the same new address must not
        # abort this transaction, which runs after PayPal's capture.
        with transaction.atomic():
            address.save()
    except IntegrityError:
        logger.info("Address already saved for user %s by a concurrent order", user.pk)


def record_payment_event(order, event_name, amount, reference):
    """An Oscar payment event ("Paid", "Payment pending", "Refunded") covering every line of the order."""
    event_type, _ = PaymentEventType.objects.get_or_create(name=event_name)
    event = PaymentEvent.objects.create(order=order, event_type=event_type, amount=amount, reference=reference)
    for line in order.lines.all():
        event.line_quantities.create(line=line, quantity=line.quantity)
    return event
