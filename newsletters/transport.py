"""Handing composed messages to the mail server, one connection per batch.

With Django's SMTP backend configured (production, and the tests' real SMTP sink) messages go
straight through smtplib as bytes already composed. Any other backend (console in development,
locmem) gets them through Django, so the embedded site can send newsletters without a server.
"""

import smtplib
from email import message_from_bytes
from email.policy import SMTP

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class TemporaryFailure(Exception):
    """The server said “try again later” (4xx) for this recipient; the row is retried with backoff."""


class PermanentFailure(Exception):
    """The server refused this recipient for good (5xx); the row is marked failed."""


class ConnectionFailure(Exception):
    """The server is unreachable or dropped the connection; nothing in the batch is marked."""


def _refusal(code, text):
    message = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return TemporaryFailure(message) if 400 <= code < 500 else PermanentFailure(message)


class SmtpTransport:
    def __enter__(self):
        self._connect()
        return self

    def _connect(self):
        try:
            self.smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT)
            if settings.EMAIL_USE_TLS:
                self.smtp.starttls()
            if settings.EMAIL_HOST_USER:
                self.smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        except (OSError, smtplib.SMTPException) as error:
            raise ConnectionFailure(f"cannot connect to {settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {error}")

    def send(self, sender, recipient, raw):
        """Returns only once the server has accepted the message (250 after DATA)."""
        if self.smtp.sock is None:
            self._connect()  # the server closed the channel after a 421 answer
        try:
            self.smtp.sendmail(sender, [recipient], raw)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = error.recipients[recipient]
            raise _refusal(code, text)
        except smtplib.SMTPServerDisconnected as error:
            raise ConnectionFailure(f"the server closed the connection: {error}")
        except smtplib.SMTPResponseException as error:
            raise _refusal(error.smtp_code, error.smtp_error)
        except (OSError, smtplib.SMTPException) as error:
            raise ConnectionFailure(str(error))

    def __exit__(self, *exc_info):
        try:
            self.smtp.quit()
        except (OSError, smtplib.SMTPException):
            self.smtp.close()


class ComposedEmail(EmailMessage):
    """A message composed elsewhere, for Django backends that want an EmailMessage."""

    def __init__(self, sender, recipient, raw):
        super().__init__(from_email=sender, to=[recipient])
        self.raw = raw

    def message(self):
        return message_from_bytes(self.raw, policy=SMTP)


class DjangoBackendTransport:
    def __enter__(self):
        self.connection = get_connection()
        self.connection.open()
        return self

    def send(self, sender, recipient, raw):
        self.connection.send_messages([ComposedEmail(sender, recipient, raw)])

    def __exit__(self, *exc_info):
        self.connection.close()


def open_transport():
    return SmtpTransport() if settings.EMAIL_BACKEND == SMTP_BACKEND else DjangoBackendTransport()
