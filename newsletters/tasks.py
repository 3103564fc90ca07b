"""Celery tasks for newsletters. The work itself is in `newsletters.sending`.

Every task here may run twice or on several workers at once (acks_late redelivers a task whose
worker died): starting a send is guarded by a row lock on its state, and delivery claims rows, so
a repeat finds nothing left to do.
"""

import logging

from celery import current_app, shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from newsletters.models import NewsletterSend
from newsletters.sending import deliver_pending, take_audience
from newsletters.transport import ConnectionFailure

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def start_newsletter_send(newsletter_id):
    send = NewsletterSend.objects.filter(newsletter_id=newsletter_id).first()
    if send is not None and take_audience(send):
        for _ in range(settings.NEWSLETTER_SEND_PARALLELISM):
            deliver_newsletter.delay(newsletter_id)


def retry_booking_key(newsletter_id):
    return f"newsletters:retry-booked:{newsletter_id}"


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_newsletter(self, newsletter_id, booked_retry=False):
    if booked_retry:
        cache.delete(retry_booking_key(newsletter_id))
    try:
        retry_in = deliver_pending(newsletter_id)
    except ConnectionFailure as error:
        wait = min(settings.NEWSLETTER_RETRY_BASE_SECONDS * 2**self.request.retries, 3600)
        logger.warning("newsletter %s: mail server unavailable, retrying in %ss: %s", newsletter_id, wait, error)
        if not current_app.conf.task_always_eager:
            raise self.retry(countdown=wait)
        return
    # Rows waiting for their backoff: come back when the first one is due, once for all the
    # tasks of this send (the cache key says a run is booked). Eager mode (the embedded site)
    # cannot wait; those rows go out when a worker resumes the send.
    if retry_in is None or current_app.conf.task_always_eager:
        return
    if cache.add(retry_booking_key(newsletter_id), True, timeout=int(retry_in) + 60):
        deliver_newsletter.apply_async((newsletter_id,), {"booked_retry": True}, countdown=retry_in)


@shared_task(acks_late=True)
def resume_newsletter_sends():
    """Run when a worker starts: continue interrupted sends and start overdue scheduled ones."""
    for newsletter_id in NewsletterSend.objects.filter(state=NewsletterSend.State.SENDING).values_list(
        "newsletter_id", flat=True
    ):
        for _ in range(settings.NEWSLETTER_SEND_PARALLELISM):
            deliver_newsletter.delay(newsletter_id)
    for newsletter_id in NewsletterSend.objects.filter(
        state=NewsletterSend.State.SCHEDULED, scheduled_for__lte=timezone.now()
    ).values_list("newsletter_id", flat=True):
        start_newsletter_send.delay(newsletter_id)
