"""Order emails to the customer, sent by Celery after the order's transaction commits.

Queued with email_after_commit by checkout/order/placement.py (ORDER_PLACED), receivers.py (staff
change the status), processing.py (staff refund) and checkout/paypal/webhook_handlers.py (PayPal
moves the status). A down SMTP server is retried with backoff.
"""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from oscar.core.loading import get_class, get_model

logger = logging.getLogger("checkout.paypal")

Order = get_model("order", "Order")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")

EMAIL_RETRY_SECONDS = int(getattr(settings, "SHOP_EMAIL_RETRY_SECONDS", 30))


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


# Named as when it lived in checkout/tasks.py, so emails queued or retrying across a deploy still run.
@shared_task(name="checkout.tasks.send_order_email", bind=True, max_retries=20, acks_late=True)
def send_order_email(self, order_id, event_code, extra=None):
    """ORDER_PLACED, ORDER_STATUS_CHANGED or ORDER_REFUNDED; retried while SMTP is down."""
    order = Order.objects.select_related("user").get(pk=order_id)
    dispatcher = OrderDispatcher(logger=logger)
    try:
        messages = dispatcher.dispatcher.get_messages(event_code, order_email_context(order, extra))
        dispatcher.dispatch_order_messages(order, messages, event_code)
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Order %s %s email not sent (%s); retrying", order.number, event_code, error)
        raise self.retry(exc=error, countdown=min(EMAIL_RETRY_SECONDS * 2**self.request.retries, 900))


def email_after_commit(order, event_code, extra=None):
    """Queue the email once the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(lambda: send_order_email.delay(order.pk, event_code, extra), robust=True)
