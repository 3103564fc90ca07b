"""How a PayPal payment appears in Oscar: one payment source of type "paypal" per order.

What was refunded is derived from the order's PayPalRefund rows, never kept as a running total
that two requests could both update: Source.amount_refunded is rewritten from the rows each time
a refund is recorded (checkout/paypal/facade.py, under the order's row lock).
"""

from decimal import Decimal

from django.db.models import Sum

from checkout.models import PayPalRefund

SOURCE_TYPE_CODE = "paypal"
SOURCE_TYPE_NAME = "PayPal"

# A refund PayPal refused gives nothing back; every other row is money returned or on its way.
REFUSED_REFUND_STATUSES = {"FAILED", "CANCELLED"}
CONFIRMED_REFUND_STATUSES = {"COMPLETED", "PENDING"}


def paypal_source(order):
    """The order's PayPal payment source (what was allocated, debited and refunded)."""
    return order.sources.get(source_type__code=SOURCE_TYPE_CODE)


def _sum(refunds):
    # Quantized to the column's two places: SQLite sums decimals as floats.
    return (refunds.aggregate(total=Sum("amount"))["total"] or Decimal(0)).quantize(Decimal("0.01"))


def refunded_amount(order):
    """What PayPal confirmed as refunded (completed or pending refunds)."""
    return _sum(PayPalRefund.objects.filter(order=order, status__in=CONFIRMED_REFUND_STATUSES))


def refundable_amount(order):
    """What may still be refunded: debited minus every refund not refused, including ones in flight."""
    source = order.sources.filter(source_type__code=SOURCE_TYPE_CODE).first()
    if source is None:  # not paid through PayPal
        return Decimal("0.00")
    claimed = _sum(PayPalRefund.objects.filter(order=order).exclude(status__in=REFUSED_REFUND_STATUSES))
    return source.amount_debited - claimed
