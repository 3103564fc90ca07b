"""SMTP down while ordering: orders are placed, no basket reopens, the mails arrive once SMTP is back.

Real processes: a Celery worker on Redis sends the mail, to a real aiosmtpd server that the
test stops before the orders and starts again afterwards.
"""

import time

import pytest
from oscar.core.loading import get_model

from bookshop.celery_app import app as celery_app
from checkout.paypal import facade
from checkout.tests.steps import approved_attempt
from testing.celery_workers import start_worker, stop_worker, worker_environment
from testing.factories import make_book, make_category
from testing.smtp import SmtpSink

Order = get_model("order", "Order")

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker_process(postgres, redis_url, broker, paypal_simulator, tmp_path):
    """A worker that sends this test's order mail (sent through the broker like production does)."""
    sink = SmtpSink()
    environment = worker_environment(
        broker,
        redis_url,
        sink.port,
        OUTBOX_RETRY_BASE_SECONDS=1,
        PAYPAL_API_BASE=paypal_simulator.base_url,
    )
    worker = start_worker(environment, tmp_path / "worker.log")
    deadline = time.monotonic() + 60
    while not celery_app.control.ping(timeout=1):
        assert time.monotonic() < deadline and worker.poll() is None, "the Celery worker did not start"
    yield sink
    stop_worker(worker)
    sink.stop()


def test_orders_survive_smtp_outage_and_mails_arrive_later(celery_worker_process, paypal_simulator):
    sink = celery_worker_process  # created, not started: SMTP is down
    book = make_book(make_category(), title="Shirley", price="8.00", stock=10)
    attempts = [approved_attempt(book, paypal_simulator) for _ in range(3)]

    orders = [facade.complete_attempt(attempt.pk).order for attempt in attempts]
    time.sleep(3)  # the worker tries, fails on the closed port and schedules retries

    assert Order.objects.count() == 3
    for attempt in attempts:
        attempt.basket.refresh_from_db()
        assert attempt.basket.status == "Submitted"  # paid baskets stay closed
    assert sink.messages == []

    sink.start()  # SMTP is back
    for order in orders:
        sink.wait_for(lambda message, number=order.number: number in message["Subject"], timeout=60)
    time.sleep(2)
    subjects = [message["Subject"] for message in sink.messages]
    assert len(subjects) == 3 == len(set(subjects))  # each confirmation once
