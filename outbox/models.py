"""The transactional email outbox: one row per email the shop has decided to send.

`outbox.backends.OutboxBackend` (settings.EMAIL_BACKEND) writes the row inside the caller's
transaction, so an email exists exactly when the change that caused it was committed.
`outbox.delivery` hands the row to the real mail transport (settings.OUTBOX_DELIVERY_BACKEND) and
records the outcome here; docs/outbox.md tells the whole story.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxEmail(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    # Stays the same on every resend, so the receiving side can tell a resent copy from a new mail.
    message_id = models.CharField("Message-ID", max_length=255, db_index=True)
    from_email = models.CharField("from", max_length=400)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.TextField()
    body = models.TextField("text body")
    html_body = models.TextField("HTML alternative", blank=True)
    headers = models.JSONField("extra headers", default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When the relay enqueues this row again if no task has sent it by then: a task that is
    # already on its way (queued, or a booked retry) gets a lease before the relay steps in.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "outbox email"
        ordering = ["-created_at"]
        indexes = [
            # The relay's query: pending rows that are due, oldest first; sent rows stay out of it.
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="outbox_pending_due"),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"

    def as_email_message(self, connection):
        """The stored email, with its own Message-ID, ready for the delivery backend."""
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email,
            to=self.to,
            cc=self.cc,
            bcc=self.bcc,
            reply_to=self.reply_to,
            headers={**self.headers, "Message-ID": self.message_id},
            connection=connection,
        )
        if self.html_body:
            message.attach_alternative(self.html_body, "text/html")
        return message

    def retry_delay(self):
        """Seconds before the next try: doubles with every attempt, up to OUTBOX_RETRY_MAX_SECONDS."""
        delay = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(self.attempts - 1, 0)
        return min(delay, settings.OUTBOX_RETRY_MAX_SECONDS)

    @staticmethod
    def lease_until(start=None):
        """Until then the relay leaves the row to the task that was just enqueued or is sending it."""
        return (start or timezone.now()) + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
