"""The outbox against real process failures, on PostgreSQL with real Celery workers.

* Broker down: a private redis-server is the broker; it is killed while a mail is committed, the
  web request answers all the same, and the relay sends the mail once the broker is back.
* Worker killed with kill -9 while the SMTP server holds its answer: the row stays pending, the
  relay enqueues it again after the lease, and every copy that reaches the server carries the
  same Message-ID.
The shared Redis on 6379 is never touched: only the private one is killed.
"""

import asyncio
import signal
import time
from email import message_from_bytes

import pytest
from django.core.mail import send_mail
from django.db import transaction

from bookshop.celery_app import app as celery_app
from outbox.models import OutboxEmail
from outbox.tasks import relay_outbox
from testing.celery_workers import start_worker, stop_worker, wait_until, worker_environment
from testing.factories import make_home
from testing.smtp import SmtpSink

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 2
QUEUE = "outbox-test"


@pytest.fixture
def private_broker(postgres, settings, private_redis_server):
    """Celery in this process publishes to a private Redis, not eagerly."""
    broker = private_redis_server
    settings.OUTBOX_LEASE_SECONDS = LEASE_SECONDS
    saved = {name: celery_app.conf[name] for name in ("broker_url", "task_always_eager", "task_default_queue")}
    celery_app.conf.update(broker_url=broker.url, task_always_eager=False, task_default_queue=QUEUE)
    _forget_broker_connections()
    yield broker
    celery_app.conf.update(saved)
    _forget_broker_connections()


def _forget_broker_connections():
    # Celery keeps its connection and producer pools for the broker it first published to. They
    # are only dropped, not closed: kombu's registry hands the same pool out again for that broker.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def worker_for(broker, redis_url, sink):
    return worker_environment(
        QUEUE,
        redis_url,
        sink.port,
        CELERY_BROKER_URL=broker.url,
        OUTBOX_LEASE_SECONDS=LEASE_SECONDS,
        OUTBOX_RETRY_BASE_SECONDS=1,
    )


def relay_until_sent(email, timeout):
    """What celery beat does every 30 s, faster."""

    def sent():
        relay_outbox()
        email.refresh_from_db()
        return email.state == OutboxEmail.State.SENT

    wait_until(sent, timeout, "the relay to get the mail delivered")


def test_broker_down_the_request_answers_and_the_relay_sends_the_mail_once(private_broker, redis_url, client, tmp_path):
    make_home()
    with SmtpSink() as sink:
        worker = start_worker(worker_for(private_broker, redis_url, sink), tmp_path / "worker.log")
        try:
            private_broker.kill()
            started = time.monotonic()
            response = client.post(
                "/accounts/signup/",
                {
                    "email": "new@example.com",
                    "password1": "a-long-enough-passphrase",
                    "password2": "a-long-enough-passphrase",
                },
            )
            assert response.status_code == 302
            assert time.monotonic() - started < 5  # the request does not wait for the broker
            email = OutboxEmail.objects.get(to=["new@example.com"])
            assert (email.state, email.attempts) == (OutboxEmail.State.PENDING, 0)

            private_broker.start()
            relay_until_sent(email, 40)
        finally:
            stop_worker(worker)
        time.sleep(0.5)  # time for a duplicate to show up, if there were one
        assert [(recipient, message_id) for recipient, message_id, _ in sink.accepted] == [
            ("new@example.com", email.message_id)
        ]


class SlowFirstAnswerSink(SmtpSink):
    """Holds its answer to the first message, long enough to kill the worker that sent it."""

    def __init__(self, hold_seconds):
        super().__init__()
        self.hold_seconds = hold_seconds
        self.held_message_id = None

    async def handle_DATA(self, server, session, envelope):
        if self.held_message_id is None:
            self.held_message_id = message_from_bytes(envelope.content)["Message-ID"]
            await asyncio.sleep(self.hold_seconds)  # aiosmtpd drops this copy when the client vanishes
        return await super().handle_DATA(server, session, envelope)


def test_worker_killed_mid_delivery_the_mail_is_relayed_with_the_same_message_id(private_broker, redis_url, tmp_path):
    with SlowFirstAnswerSink(hold_seconds=3) as sink:
        environment = worker_for(private_broker, redis_url, sink)
        first = start_worker(environment, tmp_path / "first.log")
        try:
            with transaction.atomic():
                send_mail("Your order", "Thanks!", None, ["ada@example.com"])
            wait_until(lambda: sink.held_message_id, 30, "the worker to hand the mail to the SMTP server")
        finally:
            stop_worker(first, signal.SIGKILL)
        email = OutboxEmail.objects.get()
        assert (email.state, email.attempts) == (OutboxEmail.State.PENDING, 1)

        second = start_worker(environment, tmp_path / "second.log")
        try:
            relay_until_sent(email, 40)
        finally:
            stop_worker(second)

    # The copy in flight at the kill and the resend are the same message, sent once more.
    assert sink.held_message_id == email.message_id
    assert [(recipient, message_id) for recipient, message_id, _ in sink.accepted] == [
        ("ada@example.com", email.message_id)
    ]
    assert email.attempts == 2
