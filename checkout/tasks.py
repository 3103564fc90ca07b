"""Celery tasks of the checkout's PayPal side: thin wrappers, the rules live in checkout/paypal/.

- process_webhook_event: queued by the webhook listener (paypal/webhooks.py) for each stored
  event; applies it through paypal/webhook_handlers.py.
- reconcile_payments (beat): retries webhooks left unprocessed and finishes or refunds stuck
  payment attempts (paypal/reconcile.py).

The order emails are checkout/order/tasks.py.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from checkout.models import WebhookEvent
from checkout.paypal import reconcile, webhook_handlers


@shared_task(acks_late=True)
def process_webhook_event(event_pk):
    """Apply one stored webhook: re-fetch the capture from PayPal, then move the order forward only."""
    return webhook_handlers.process_event(event_pk)


@shared_task
def reconcile_payments():
    """Beat task: finish or refund attempts stuck after approval or capture; retry unprocessed webhooks."""
    older_than = timedelta(seconds=settings.PAYPAL_RECONCILE_AFTER_SECONDS)
    stuck_events = WebhookEvent.objects.filter(processed_at=None, received_at__lt=timezone.now() - older_than)
    for event_pk in stuck_events.values_list("pk", flat=True):
        process_webhook_event.delay(event_pk)
    return reconcile.reconcile_stale(older_than)
