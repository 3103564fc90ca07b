"""The project's EMAIL_BACKEND: every email becomes an `OutboxEmail` row instead of an SMTP call.

Oscar's account and order emails, Wagtail's, the newsletter confirmations: anything that calls
Django's mail API lands here, in the caller's database transaction. A rolled-back transaction
takes its emails with it; a committed one hands them to Celery (`outbox.tasks`) once the commit
is through. Newsletter bulk sends do not come through here: they have their own delivery log.
"""

from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from outbox.models import OutboxEmail
from outbox.tasks import enqueue_delivery


class OutboxRefused(ValueError):
    """An email the outbox cannot store faithfully; refused rather than sent in a different shape."""


def message_id_domain():
    """The shop's own host name (SITE_BASE_URL), so Message-IDs name the site that sent them."""
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"


def _header(headers, name):
    """Removes and returns a header whatever its case (RFC 5322 names are case-insensitive)."""
    for key in list(headers):
        if key.lower() == name.lower():
            return headers.pop(key)
    return None


def _row_for(message):
    if message.attachments:
        raise OutboxRefused(f"{message.subject!r}: the outbox stores no attachments; link to the file instead")
    if message.content_subtype != "plain":
        raise OutboxRefused(f"{message.subject!r}: put HTML in an alternative (EmailMultiAlternatives), not the body")
    html_parts = [alternative for alternative in getattr(message, "alternatives", []) if alternative[1] == "text/html"]
    if len(html_parts) != len(getattr(message, "alternatives", [])) or len(html_parts) > 1:
        raise OutboxRefused(f"{message.subject!r}: the outbox stores one text/html alternative at most")
    headers = {str(name): str(value) for name, value in message.extra_headers.items()}
    message_id = _header(headers, "Message-ID") or make_msgid(domain=message_id_domain())
    # The date the shop decided to send it, the same on every resend.
    headers.setdefault("Date", formatdate())
    return OutboxEmail(
        message_id=message_id,
        from_email=str(message.from_email or settings.DEFAULT_FROM_EMAIL),
        to=[str(address) for address in message.to],
        cc=[str(address) for address in message.cc],
        bcc=[str(address) for address in message.bcc],
        reply_to=[str(address) for address in message.reply_to],
        subject=str(message.subject),
        body=str(message.body),
        html_body=str(html_parts[0][0]) if html_parts else "",
        headers=headers,
    )


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        rows = []
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                rows.append(_row_for(message))
            except OutboxRefused:
                if not self.fail_silently:
                    raise
        if not rows:
            return 0
        for row in rows:
            row.next_attempt_at = row.lease_until()  # the on-commit task below is on its way
            row.save()
        email_ids = [row.pk for row in rows]
        transaction.on_commit(lambda: enqueue_delivery(email_ids))
        return len(rows)
