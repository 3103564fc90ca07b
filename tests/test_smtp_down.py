"""SMTP down while ordering: orders are placed, no basket reopens, the mails arrive once SMTP is back.

Real processes: a Celery worker on Redis sends the mail, to a real aiosmtpd server that the
test stops before the orders and starts again afterwards.
"""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from oscar.core.loading import get_model

from bookshop.celery_app import app as celery_app
from catalogue.tests.factories import make_book, make_category
from checkout.paypal import facade
from checkout.tests.fixtures import SMTPSink, approved_attempt, free_port, paypal_simulator

Order = get_model("order", "Order")

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
__all__ = ["paypal_simulator"]
PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def celery_worker_process(postgres, redis_url, paypal_simulator):
    sink = SMTPSink(free_port())
    db = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bookshop.settings.test",
        PYTHONPATH="site",
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=redis_url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        SHOP_EMAIL_RETRY_SECONDS="1",
        OUTBOX_RETRY_BASE_SECONDS="1",  # order mail goes through the outbox: its retries, not the task's
        CELERY_TASK_ALWAYS_EAGER="false",
        PAYPAL_API_BASE=paypal_simulator.base_url,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bookshop",
            "worker",
            "--pool=solo",
            "--purge",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not celery_app.control.ping(timeout=1):
        assert time.monotonic() < deadline and worker.poll() is None, "the Celery worker did not start"
    celery_app.conf.task_always_eager = False  # this test sends to the broker like production does
    yield sink
    celery_app.conf.task_always_eager = True
    worker.terminate()
    worker.wait(timeout=20)
    try:
        sink.stop()
    except (AssertionError, RuntimeError, AttributeError):
        pass


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
