"""The shop's order statuses, spelt once for the code, the migrations and the settings' check.

An order starts "Paid", or "Payment pending" while PayPal holds a pending capture. Staff move a
paid order on through OSCAR_ORDER_STATUS_PIPELINE (settings spell the same names; a test checks
they match; checkout/order/processing.py says what cancelling and refunding do); PayPal webhooks
move it only forward (checkout/paypal/webhook_handlers.py). The payment events Oscar records for an
order use the same words: a "Paid", "Payment pending" or "Refunded" event.
"""

PAYMENT_PENDING = "Payment pending"
PAID = "Paid"
SHIPPED = "Shipped"
CANCELLED = "Cancelled"
REFUNDED = "Refunded"

# Changes the customer is emailed about (placing the order has an email of its own).
EMAILED_STATUSES = {SHIPPED, CANCELLED, REFUNDED}
