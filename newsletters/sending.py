"""The send job: snapshot the audience, then deliver pending rows in batches from any worker.

Exactly-once bookkeeping, step by step:
1. `take_audience()` inserts one pending `Delivery` per subscriber (unique per newsletter and
   subscriber, so running it twice adds nobody twice) and stores the body rendered once.
2. `deliver_pending()` claims a batch of ready rows with `SELECT … FOR UPDATE SKIP LOCKED` and
   stamps them with its database connection's id, in a short transaction. Other workers skip
   locked and claimed rows, so several workers share one send without overlap.
3. Each message goes out over the batch's one SMTP connection. Its row is marked sent by one
   autocommitted UPDATE issued the instant the last byte of the message (the final ".") is
   written, while the server is still reading it; if the server then answers anything but 250,
   the row goes back to pending (4xx, or no answer) or to failed (5xx). See transport.py.
4. A worker killed with SIGKILL leaves claimed, unsent rows. Its database connection dies with
   it, so the next worker releases claims whose connection is gone and sends those rows.
What remains between the message and its mark is the gap between two writes on two sockets, a
few microseconds: bench/newsletter_crash.py kills workers at random moments to measure it. A copy
sent twice would carry the same Message-ID, so mail programs would treat it as one message.
"""

import logging
import os
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Min
from django.db.models.expressions import RawSQL
from django.utils import timezone

from newsletters.models import Delivery, NewsletterSend, Subscriber
from newsletters.rendering import PreparedNewsletter, render_newsletter
from newsletters.transport import ConnectionFailure, PermanentFailure, TemporaryFailure, open_transport

logger = logging.getLogger(__name__)
SNAPSHOT_CHUNK = 5000


def take_audience(send):
    """Render the body and snapshot the audience; returns True when this call started the send."""
    with transaction.atomic():
        send = NewsletterSend.objects.select_for_update(of=("self",)).select_related("newsletter").get(pk=send.pk)
        if send.state != NewsletterSend.State.SCHEDULED or send.scheduled_for > timezone.now():
            return False
        # The published version is what goes out (and what the archive shows).
        send.subject = send.newsletter.email_subject
        send.html_body, send.text_body = render_newsletter(send.newsletter)
        audience = list(send.newsletter.audience().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(audience), SNAPSHOT_CHUNK):
            chunk = audience[start : start + SNAPSHOT_CHUNK]
            Delivery.objects.bulk_create(
                [Delivery(newsletter_id=send.newsletter_id, subscriber_id=pk) for pk in chunk], ignore_conflicts=True
            )
        send.state = NewsletterSend.State.SENDING
        send.started_at = timezone.now()
        send.save()
    logger.info("newsletter %s: audience of %s taken", send.newsletter_id, len(audience))
    return True


def connection_id():
    """Who holds a claim: the PostgreSQL backend pid (dies with the worker's connection)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]
    return os.getpid()


def release_abandoned_claims(newsletter_id):
    """Give back rows claimed by workers that died; returns how many.

    On PostgreSQL a claim is abandoned exactly when its database connection is gone. Elsewhere
    (the single-process embedded site) only an old claim can be told apart.
    """
    claimed = Delivery.objects.filter(
        newsletter_id=newsletter_id, status=Delivery.Status.PENDING, claimed_by__isnull=False
    )
    if connection.vendor == "postgresql":
        abandoned = claimed.exclude(claimed_by__in=RawSQL("SELECT pid FROM pg_stat_activity", []))
    else:
        abandoned = claimed.filter(claimed_at__lt=timezone.now() - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT))
    return abandoned.update(claimed_by=None, claimed_at=None)


@contextmanager
def commits_without_waiting_for_disk():
    """Mark rows sent without waiting for the WAL flush (PostgreSQL's synchronous_commit=off).

    Waiting for the disk on every message costs milliseconds each (most of the time per message,
    measured). A killed worker cannot lose such a commit: PostgreSQL already has it. Only a
    crash of PostgreSQL itself can lose the last fraction of a second of marks, and those
    messages are then sent again, never lost.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def claim_batch(newsletter_id, owner, size):
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(
                newsletter_id=newsletter_id,
                status=Delivery.Status.PENDING,
                claimed_by__isnull=True,
                next_attempt_at__lte=timezone.now(),
            )
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:size]
        )
        Delivery.objects.filter(id__in=ids).update(claimed_by=owner, claimed_at=timezone.now())
    return list(
        Delivery.objects.filter(id__in=ids)
        .order_by("id")
        .values_list("id", "attempts", "subscriber_id", "subscriber__email", "subscriber__name", "subscriber__status")
    )


class SendRate:
    """At most NEWSLETTER_SEND_RATE messages per second across all workers (0: unthrottled).

    Workers take permits per second from a shared cache counter (Redis in production).
    """

    def __init__(self, newsletter_id):
        self.per_second = settings.NEWSLETTER_SEND_RATE
        self.key = f"newsletters:rate:{newsletter_id}"

    def wait_for_permit(self):
        while self.per_second:
            second = int(time.time())
            key = f"{self.key}:{second}"
            cache.add(key, 0, timeout=5)
            if cache.incr(key) <= self.per_second:
                return
            time.sleep(max(second + 1 - time.time(), 0.001))


def _mark(delivery_id, **fields):
    """Record an outcome other than sent (the row may carry a sent mark the server then refused)."""
    Delivery.objects.filter(pk=delivery_id).update(claimed_by=None, claimed_at=None, sent_at=None, **fields)


MARK_SENT_SQL = (
    f"UPDATE {Delivery._meta.db_table} SET status = %s, attempts = %s, sent_at = %s, error = '', "
    "claimed_by = NULL, claimed_at = NULL WHERE id = %s"
)


def _sent_mark(cursor, delivery_id, attempts):
    """The one write per message, ready to run the instant the message is handed over.

    On PostgreSQL the statement is composed beforehand and runs on the driver's own cursor, so
    nothing but one socket write separates the message's last byte from its mark. It commits by
    itself (autocommit): once PostgreSQL has read it, a killed worker cannot take it back.
    """
    params = [Delivery.Status.SENT, attempts, timezone.now(), delivery_id]
    driver_cursor = cursor.cursor
    if hasattr(driver_cursor, "mogrify"):
        statement = driver_cursor.mogrify(MARK_SENT_SQL, params)
        return lambda: driver_cursor.execute(statement)
    return lambda: cursor.execute(MARK_SENT_SQL, params)


def deliver_pending(newsletter_id):
    """Send ready rows until none are left; returns seconds until the next retry is due, or None.

    Raises ConnectionFailure (after releasing its claims) when the mail server is unreachable.
    """
    send = NewsletterSend.objects.get(newsletter_id=newsletter_id)
    if send.state != NewsletterSend.State.SENDING:
        return None
    prepared = PreparedNewsletter(send)
    rate = SendRate(newsletter_id)
    owner = connection_id()
    with commits_without_waiting_for_disk():
        while True:
            batch = claim_batch(newsletter_id, owner, settings.NEWSLETTER_BATCH_SIZE)
            if not batch:
                # Nothing ready: rows a dead worker had claimed may be all that is left.
                if release_abandoned_claims(newsletter_id):
                    continue
                break
            unsent = Delivery.objects.filter(id__in=[row[0] for row in batch], claimed_by=owner)
            try:
                _deliver_batch(prepared, batch, rate)
            except ConnectionFailure as error:
                unsent.update(error=f"Will retry: {error}")  # shown in the admin's report
                raise
            finally:
                # Whatever is still claimed here was not handed over: back to the queue untouched.
                unsent.update(claimed_by=None, claimed_at=None)
    return finish_if_done(send)


def _deliver_batch(prepared, batch, rate):
    with open_transport() as transport, connection.cursor() as cursor:
        for delivery_id, attempts, subscriber_id, email, name, status in batch:
            if status != Subscriber.Status.CONFIRMED:
                _mark(delivery_id, status=Delivery.Status.SKIPPED, error="Unsubscribed before it was sent.")
                continue
            message = prepared.message_for(subscriber_id, email, name)
            rate.wait_for_permit()
            mark_sent = _sent_mark(cursor, delivery_id, attempts + 1)  # after the wait: its sent_at is now
            try:
                transport.send(prepared.sender, email, message, handed_over=mark_sent)
            except TemporaryFailure as error:
                _retry_later(delivery_id, attempts + 1, str(error))
            except PermanentFailure as error:
                _mark(delivery_id, status=Delivery.Status.FAILED, attempts=attempts + 1, error=str(error))


def _retry_later(delivery_id, attempts, error):
    if attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
        _mark(
            delivery_id,
            status=Delivery.Status.FAILED,
            attempts=attempts,
            error=f"Gave up after {attempts} tries: {error}",
        )
        return
    wait = Delivery(attempts=attempts).backoff()
    _mark(
        delivery_id,
        status=Delivery.Status.PENDING,
        attempts=attempts,
        next_attempt_at=timezone.now() + wait,
        error=f"Will retry: {error}",
    )


def finish_if_done(send):
    """Mark the send finished once no row is pending; else say when the next retry is due."""
    pending = Delivery.objects.filter(newsletter_id=send.newsletter_id, status=Delivery.Status.PENDING)
    if not pending.exists():
        NewsletterSend.objects.filter(pk=send.pk, state=NewsletterSend.State.SENDING).update(
            state=NewsletterSend.State.DONE, finished_at=timezone.now()
        )
        return None
    next_due = pending.filter(claimed_by__isnull=True).aggregate(due=Min("next_attempt_at"))["due"]
    if next_due is None:
        return None  # the rest is claimed by live workers, which finish the send
    return max((next_due - timezone.now()).total_seconds(), 0)
