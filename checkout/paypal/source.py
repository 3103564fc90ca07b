"""How a PayPal payment appears in Oscar: one payment source of type "paypal" per order."""

SOURCE_TYPE_CODE = "paypal"
SOURCE_TYPE_NAME = "PayPal"


def paypal_source(order):
    """The order's PayPal payment source (what was allocated, debited and refunded)."""
    return order.sources.get(source_type__code=SOURCE_TYPE_CODE)
