"""Status emails: staff marking an order shipped, cancelled or refunded tells the customer."""

from django.db import transaction
from django.dispatch import receiver
from oscar.apps.order.signals import order_status_changed

EMAILED_STATUSES = {"Shipped", "Cancelled", "Refunded"}


@receiver(order_status_changed, dispatch_uid="checkout-order-status-email")
def email_status_change(sender, order, old_status, new_status, **kwargs):
    if new_status not in EMAILED_STATUSES:
        return
    from checkout.tasks import send_order_email

    transaction.on_commit(lambda: send_order_email.delay(order.pk, "ORDER_STATUS_CHANGED"), robust=True)
