"""Celery side of the outbox: deliver one row, and the beat relay that re-enqueues stranded rows.

`enqueue_delivery` runs after the commit that wrote the rows. A broker that is down costs a
warning, never the caller's request: the rows are already stored, and `relay_outbox` (celery beat,
every 30 s) enqueues every pending row whose `next_attempt_at` has passed, which also covers tasks
lost with a killed worker or an unpersisted broker.
"""

import logging

from celery import current_app, shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from outbox import delivery
from outbox.models import OutboxEmail

logger = logging.getLogger(__name__)

# One quick reconnect for a blip; a broker that stays down is the relay's job, not the request's.
QUICK_PUBLISH = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def enqueue_delivery(email_ids, countdown=None):
    for position, email_id in enumerate(email_ids):
        try:
            deliver_email.apply_async((email_id,), countdown=countdown, retry=True, retry_policy=QUICK_PUBLISH)
        except OperationalError as error:
            waiting = email_ids[position:]
            logger.warning(
                "Broker unavailable (%s): %s outbox email(s) wait for the relay: %s", error, len(waiting), waiting
            )
            # Due at once: the relay's next run takes them, without waiting for a lease.
            OutboxEmail.objects.filter(pk__in=waiting, state=OutboxEmail.State.PENDING).update(
                next_attempt_at=timezone.now()
            )
            return


@shared_task(acks_late=True, ignore_result=True)
def deliver_email(email_id):
    outcome = delivery.deliver(email_id)
    # Eager Celery (no broker: `make run`) cannot wait; the relay retries those rows when due.
    if outcome.retry_in is not None and not current_app.conf.task_always_eager:
        enqueue_delivery([email_id], countdown=outcome.retry_in)
    return outcome.text


@shared_task(ignore_result=True)
def relay_outbox():
    """Beat task: enqueue pending rows that are due (new after a broker outage, or stranded)."""
    now = timezone.now()
    with transaction.atomic():
        # Rows a worker is sending right now are locked and skipped.
        due = list(
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(state=OutboxEmail.State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[: settings.OUTBOX_RELAY_BATCH]
        )
        OutboxEmail.objects.filter(pk__in=due).update(next_attempt_at=OutboxEmail.lease_until(now))
        transaction.on_commit(lambda: enqueue_delivery(due))
    if due:
        logger.info("Outbox relay: enqueued %s email(s)", len(due))
    return len(due)
