"""Order emails to the customer, written to the outbox in the transaction of the change they report.

Queued with queue_order_email by checkout/order/placement.py (ORDER_PLACED), receivers.py (the
status changed, by staff or by PayPal's webhooks) and processing.py (staff refund).
"""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from oscar.core.loading import get_class, get_model

logger = logging.getLogger("checkout.paypal")

Order = get_model("order", "Order")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")


def order_email_context(order, extra=None):
    if order.user_id:
        path = reverse("customer:order", kwargs={"order_number": order.number})
    else:
        path = reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})
    context = {
        "order": order,
        "lines": order.lines.all(),
        "user": order.user,
        "status_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path,
        "status_path": path,
    }
    context.update(extra or {})
    return context


def queue_order_email(order, event_code, extra=None):
    """Render the customer's email now and store it in the outbox, in the caller's transaction.

    The mail commits or rolls back with the change it reports, and the outbox relay delivers it
    (docs/outbox.md): a broker or SMTP outage delays it, never loses it. Rendering runs in a
    savepoint and its failure is logged, not raised: a broken template must never undo a paid order.
    """
    if not order.email:
        return  # the customer deleted their account (accounts/erasure.py): nobody to write to
    dispatcher = OrderDispatcher(logger=logger)
    try:
        with transaction.atomic():
            messages = dispatcher.dispatcher.get_messages(event_code, order_email_context(order, extra))
            dispatcher.dispatch_order_messages(order, messages, event_code)
    except Exception:
        logger.exception("Order %s: the %s email could not be written to the outbox", order.number, event_code)


# Named as when it lived in checkout/tasks.py: drains emails queued through the broker by releases
# before the outbox, which now carries every order email.
@shared_task(name="checkout.tasks.send_order_email", acks_late=True)
def send_order_email(order_id, event_code, extra=None):
    with transaction.atomic():
        queue_order_email(Order.objects.select_related("user").get(pk=order_id), event_code, extra)
