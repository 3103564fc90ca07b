"""Handing composed messages to the mail server, one connection per batch.

With Django's SMTP backend as the mail transport (settings.OUTBOX_DELIVERY_BACKEND: production,
and the tests' real SMTP sink) messages go straight to the server as bytes already composed, over
smtplib's connection (TLS and login included) but with our own mail transaction:

* MAIL, RCPT and DATA travel in one write when the server offers PIPELINING (RFC 2920): one
  round trip per message instead of three.
* `handed_over` is called the instant the final "." has been written, before the server's answer
  is read. The caller records the delivery there: a worker killed after that point has already
  given the server the whole message, so the record and the message agree. Were the record
  written after the answer instead, every kill landing while the answer travels back would send
  that message again. An answer other than 250 raises, and the caller takes its record back.

Any other transport (console in development, locmem) gets messages through Django, so the embedded
site can send newsletters without a server. Never EMAIL_BACKEND: that is the transactional outbox,
and a newsletter has its own per-recipient delivery log.
"""

import re
import smtplib
from email import message_from_bytes
from email.policy import SMTP

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
LINE_STARTING_WITH_DOT = re.compile(rb"^\.", re.MULTILINE)


class TemporaryFailure(Exception):
    """The server said “try again later” (4xx) for this recipient, or never answered once the
    message was handed over; the row is retried with backoff (RFC 5321 §6.1: an unanswered message
    counts as not delivered)."""


class PermanentFailure(Exception):
    """The server refused this recipient for good (5xx); the row is marked failed."""


class ConnectionFailure(Exception):
    """The server is unreachable or dropped the connection before the message was handed over;
    nothing in the batch is marked."""


def _refusal(code, text):
    message = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return TemporaryFailure(message) if 400 <= code < 500 else PermanentFailure(message)


def _nothing_to_record():
    pass


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
            self.smtp.ehlo_or_helo_if_needed()
        except (OSError, smtplib.SMTPException) as error:
            raise ConnectionFailure(f"cannot connect to {settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {error}")
        self.pipelining = self.smtp.has_extn("pipelining")

    def send(self, sender, recipient, raw, handed_over=_nothing_to_record):
        """Returns once the server has accepted the message (250 after DATA); `handed_over` runs
        as soon as the whole message is written, before that answer arrives."""
        if not recipient.isascii():
            raise PermanentFailure(f"{recipient}: addresses beyond ASCII need SMTPUTF8, which is not used")
        payload = LINE_STARTING_WITH_DOT.sub(b"..", raw)
        if not payload.endswith(b"\r\n"):
            payload += b"\r\n"
        if self.smtp.sock is None:
            self._connect()  # the server closed the channel after a 421 answer
        try:
            self._open_mail_transaction(sender, recipient)
            self.smtp.send(payload + b".\r\n")
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            raise ConnectionFailure(f"the connection failed while sending: {error}")
        handed_over()
        try:
            code, text = self.smtp.getreply()
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            raise TemporaryFailure(f"no answer after the message was sent: {error}")
        if code != 250:
            if code == 421:  # the server is closing the channel; the next message reconnects
                self.smtp.close()
            raise _refusal(code, text)

    def _open_mail_transaction(self, sender, recipient):
        commands = [f"MAIL FROM:<{sender}>", f"RCPT TO:<{recipient}>", "DATA"]
        expected = [(250,), (250, 251), (354,)]
        if self.pipelining:
            self.smtp.send("".join(f"{command}\r\n" for command in commands))
            replies = [self.smtp.getreply() for _ in commands]
        else:
            replies = []
            for command, accepted in zip(commands, expected, strict=True):
                self.smtp.send(f"{command}\r\n")
                replies.append(self.smtp.getreply())
                if replies[-1][0] not in accepted:
                    break
        for (code, text), accepted in zip(replies, expected, strict=False):
            if code not in accepted:
                if code == 421:
                    self.smtp.close()
                else:
                    self.smtp.rset()  # the next message starts a clean transaction
                raise _refusal(code, text)

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
        self.connection = get_connection(settings.OUTBOX_DELIVERY_BACKEND)
        self.connection.open()
        return self

    def send(self, sender, recipient, raw, handed_over=_nothing_to_record):
        self.connection.send_messages([ComposedEmail(sender, recipient, raw)])
        handed_over()

    def __exit__(self, *exc_info):
        self.connection.close()


def open_transport():
    return SmtpTransport() if settings.OUTBOX_DELIVERY_BACKEND == SMTP_BACKEND else DjangoBackendTransport()
