"""pytest plugin: a real SMTP server (aiosmtpd) on loopback that records the messages it accepted.

Used by the newsletter and order-mail tests (the `smtp_sink` fixture, or `SmtpSink` directly)
and by the newsletter benchmarks. `answer` may return an SMTP reply such as "451 4.3.0 Try
later" to refuse a message at the end of DATA (the moment of acceptance).
It offers PIPELINING (RFC 2920) like production mail servers do, unless `pipelining=False`:
aiosmtpd reads commands from a stream in order, which is all pipelining asks of a server.
"""

import logging
import os
import socket
import time
from collections import Counter
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

# The ports the sinks of the tests and benchmarks may use: 100 from BOOKSHOP_SMTP_TEST_PORTS
# (18500 unless set), which moves the block, e.g. when two checkouts run their tests at once.
PORT_BASE = int(os.environ.get("BOOKSHOP_SMTP_TEST_PORTS", "18500"))
PORTS = range(PORT_BASE, PORT_BASE + 100)
# aiosmtpd logs every SMTP command at INFO: thousands of lines per send, and most of its CPU time.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


class SmtpSink:
    """Records what it accepts; may be stopped and started again on the same port (a mail outage)."""

    def __init__(self, keep_content=True, answer=None, pipelining=True):
        self.keep_content = keep_content
        self.answer = answer
        self.pipelining = pipelining
        self.accepted = []  # (recipient, message-id, raw bytes or None)
        self.refused = 0
        self.port = free_port()
        self.controller = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_DATA(self, server, session, envelope):
        verdict = self.answer(envelope) if self.answer else None
        if verdict:
            self.refused += 1
            return verdict
        message_id = _message_id(envelope.content)
        for recipient in envelope.rcpt_tos:
            self.accepted.append((recipient, message_id, envelope.content if self.keep_content else None))
        return "250 2.0.0 Accepted"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def recipients(self):
        return Counter(recipient for recipient, _, _ in self.accepted)

    @property
    def messages(self):
        """Every accepted message, parsed, once per recipient."""
        return [message_from_bytes(raw, policy=default) for _, _, raw in self.accepted]

    def messages_to(self, recipient):
        return [message_from_bytes(raw, policy=default) for to, _, raw in self.accepted if to == recipient]

    def wait_for(self, predicate, timeout=30):
        """The accepted messages that match `predicate`, as soon as there is one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [message for message in self.messages if predicate(message)]
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no such mail within {timeout}s; got {[m['Subject'] for m in self.messages]}")


def _message_id(raw):
    head = raw.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"message-id:"):
            return line.split(b":", 1)[1].strip().decode()
    return None


def use_sink(settings, sink):
    """Point the mail transport at the sink, through Django's real SMTP backend."""
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""


@pytest.fixture
def smtp_sink(settings):
    """Shop mail goes over SMTP to a real local server."""
    with SmtpSink() as sink:
        use_sink(settings, sink)
        yield sink
