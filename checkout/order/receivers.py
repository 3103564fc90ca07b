"""What an order's status change does, whoever makes it (staff in /dashboard/, or PayPal's webhooks).

- Stock: "Cancelled" and "Refunded" give back the copies still held; "Shipped" consumes them.
- Email: "Shipped", "Cancelled" and "Refunded" tell the customer, stating only the money facts
  on record at the change: what PayPal refunded (from the refund rows) and whether PayPal
  declined the payment. The status alone never claims that money moved.
"""

from django.dispatch import receiver
from oscar.apps.order.signals import order_status_changed

from checkout.order.processing import EventHandler
from checkout.order.statuses import CANCELLED, EMAILED_STATUSES, REFUNDED, SHIPPED
from checkout.order.tasks import queue_order_email
from checkout.paypal.source import refunded_amount

DECLINED_CAPTURE_STATUSES = {"DECLINED", "FAILED"}


@receiver(order_status_changed, dispatch_uid="checkout-order-status-stock")
def settle_stock(sender, order, old_status, new_status, **kwargs):
    if new_status in {CANCELLED, REFUNDED}:
        EventHandler().cancel_stock_allocations(order)
    elif new_status == SHIPPED:
        EventHandler().consume_stock_allocations(order)


@receiver(order_status_changed, dispatch_uid="checkout-order-status-email")
def email_status_change(sender, order, old_status, new_status, **kwargs):
    if new_status in EMAILED_STATUSES:
        queue_order_email(order, "ORDER_STATUS_CHANGED", money_facts(order))


def money_facts(order):
    """What the status email may say about money: only what the records show."""
    refunded = refunded_amount(order)
    attempt = getattr(order, "paypal_attempt", None)
    return {
        "refunded_amount": str(refunded) if refunded > 0 else "",
        "payment_declined": attempt is not None and attempt.capture_status in DECLINED_CAPTURE_STATUSES,
    }
