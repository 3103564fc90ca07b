"""Writing the Oscar order for a payment that PayPal has captured: the order fork's part of checkout.

checkout/paypal/facade.py verifies the capture and then calls place_order inside the transaction
that holds the PaymentAttempt row lock, so an attempt is placed once. place_order rebuilds the
frozen basket, checks it still totals what PayPal took, writes the order with its PayPal payment
source and payment event, submits the basket, marks the attempt placed and queues the
confirmation email for after commit.
"""

import logging
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from oscar.core.loading import get_class, get_model

from checkout.models import PaymentAttempt
from checkout.order.statuses import PAID, PAYMENT_PENDING
from checkout.order.tasks import email_after_commit
from checkout.paypal import amounts
from checkout.paypal.source import SOURCE_TYPE_CODE, SOURCE_TYPE_NAME

logger = logging.getLogger("checkout.paypal")

Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")
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
PaymentError = get_class("payment.exceptions", "PaymentError")


class PlacingOrder(OrderCreator):
    """Oscar's OrderCreator without its own stock allocation: ours happened under lock, before capture."""

    def update_stock_records(self, line):
        pass


def rebuild_basket(attempt):
    """The attempt's frozen basket with its buyer's prices and offers applied again."""
    basket = Basket.objects.get(pk=attempt.basket_id)
    user = attempt.user or AnonymousUser()
    basket.strategy = Selector().strategy(user=user)
    Applicator().apply(basket, user)
    return basket


def place_order(attempt, payer_email):
    """Write the Oscar order for a verified capture (inside the facade's capture_and_place transaction)."""
    basket = rebuild_basket(attempt)
    shipping_address = ShippingAddress(**attempt.shipping_address) if attempt.shipping_address else None
    methods = Repository().get_shipping_methods(basket, shipping_addr=shipping_address)
    method = next(m for m in methods if m.code == attempt.shipping_method_code)
    shipping_charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, shipping_charge)
    if amounts.quantize(total.incl_tax, total.currency) != attempt.amount:
        raise PaymentError(f"Basket {basket.pk} no longer totals {attempt.amount} {attempt.currency}")
    if shipping_address is not None:
        shipping_address.save()
    # Oscar's analytics receiver creates its counter rows without a savepoint, so a race there would
    # abort this transaction after the capture; created here first (race-safe), it only UPDATEs.
    for line in basket.all_lines():
        ProductRecord.objects.get_or_create(product_id=line.product_id)
    if attempt.user is not None:
        UserRecord.objects.get_or_create(user=attempt.user)
    pending = attempt.capture_status == "PENDING"
    status = PAYMENT_PENDING if pending else PAID  # also the name of the payment event
    order = PlacingOrder().place_order(
        basket=basket,
        total=total,
        shipping_method=method,
        shipping_charge=shipping_charge,
        user=attempt.user or AnonymousUser(),  # Oscar's voucher checks expect a user object
        shipping_address=shipping_address,
        order_number=attempt.order_number,
        status=status,
        guest_email=attempt.guest_email if attempt.user is None else "",
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
    basket.submit()
    attempt.order = order
    attempt.state = PaymentAttempt.State.PLACED
    attempt.save(update_fields=["order", "state", "capture_id", "capture_status", "updated_at"])
    email_after_commit(order, "ORDER_PLACED")
    logger.info(
        "Order %s placed for PayPal order %s (%s)", order.number, attempt.paypal_order_id, attempt.capture_status
    )
    return order


def record_payment_event(order, event_name, amount, reference):
    """An Oscar payment event ("Paid", "Payment pending", "Refunded") covering every line of the order."""
    event_type, _ = PaymentEventType.objects.get_or_create(name=event_name)
    event = PaymentEvent.objects.create(order=order, event_type=event_type, amount=amount, reference=reference)
    for line in order.lines.all():
        event.line_quantities.create(line=line, quantity=line.quantity)
    return event
