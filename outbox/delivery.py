"""Handing one outbox row to the real mail transport (settings.OUTBOX_DELIVERY_BACKEND).

A delivery first claims the row in its own short transaction: the attempt is counted and the
relay's lease renewed, so a worker killed mid-send still leaves a record, and the relay enqueues
the row again once the lease runs out. The send itself runs under a row lock (SELECT … FOR UPDATE
SKIP LOCKED on PostgreSQL): a second task for the same row finds it locked or already sent and
does nothing, so a row marked sent is never sent again. A worker killed after the mail server
accepted the message but before the commit sends it once more, with the same Message-ID: delivery
is at least once, and the Message-ID lets the receiving side see the copy for what it is.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboxEmail

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    text: str
    retry_in: int | None = None  # seconds until the next try, when the mail server failed this time


def _locked_pending(email_id):
    return OutboxEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id, state="pending").first()


def _claim(email_id):
    with transaction.atomic():
        email = _locked_pending(email_id)
        if email is None:
            return None
        if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            email.state = OutboxEmail.State.FAILED
            email.last_error = f"gave up after {email.attempts} attempts; last error: {email.last_error or 'none'}"
            email.save(update_fields=["state", "last_error"])
            return None
        email.attempts += 1
        email.next_attempt_at = email.lease_until()
        email.save(update_fields=["attempts", "next_attempt_at"])
        return email


def is_permanent(error):
    """5xx answers: the server will refuse this message however often it is tried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def deliver(email_id):
    if _claim(email_id) is None:
        return Outcome("already sent, given up, or being delivered by another worker")
    with transaction.atomic():
        email = _locked_pending(email_id)
        if email is None:
            return Outcome("taken by another worker")
        try:
            with get_connection(settings.OUTBOX_DELIVERY_BACKEND) as connection:
                email.as_email_message(connection).send()
        except (smtplib.SMTPException, OSError) as error:
            return _record_failure(email, error)
        email.state = OutboxEmail.State.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["state", "sent_at", "last_error"])
    return Outcome("sent")


def _record_failure(email, error):
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    if is_permanent(error) or email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        email.state = OutboxEmail.State.FAILED
        email.save(update_fields=["state", "last_error"])
        logger.error("Outbox email %s to %s failed for good: %s", email.message_id, email.to, email.last_error)
        return Outcome(f"failed: {email.last_error}")
    retry_in = email.retry_delay()
    # The task books its own retry; the relay only steps in if that retry never runs.
    email.next_attempt_at = email.lease_until(timezone.now() + timedelta(seconds=retry_in))
    email.save(update_fields=["next_attempt_at", "last_error"])
    logger.warning(
        "Outbox email %s not delivered (attempt %s): %s; next try in %ss",
        email.message_id,
        email.attempts,
        email.last_error,
        retry_in,
    )
    return Outcome(f"mail server failed, retry in {retry_in}s", retry_in=retry_in)
