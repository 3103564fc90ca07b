"""Status emails: staff marking an order shipped, cancelled or refunded tells the customer."""

from django.dispatch import receiver
from oscar.apps.order.signals import order_status_changed

from checkout.order.statuses import EMAILED_STATUSES
from checkout.order.tasks import email_after_commit


@receiver(order_status_changed, dispatch_uid="checkout-order-status-email")
def email_status_change(sender, order, old_status, new_status, **kwargs):
    if new_status in EMAILED_STATUSES:
        email_after_commit(order, "ORDER_STATUS_CHANGED")
