"""A worker killed between PayPal's capture and the order write; reconciliation finishes the job.

The payment runs in a real `manage.py shell` process. The simulator captures and then holds
its answer, and the test kills the process (SIGKILL) while it waits: money taken, no order.
"""

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from oscar.core.loading import get_model

from checkout.models import PaymentAttempt
from checkout.paypal.reconcile import reconcile_attempt
from checkout.tests.steps import approved_attempt
from testing.factories import make_book, make_category

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pay_and_die_after_capture(attempt, simulator):
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@{settings_dict['HOST']}:"
        f"{settings_dict['PORT']}/{settings_dict['NAME']}"
    )
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        PAYPAL_API_BASE=simulator.base_url,
        DJANGO_SETTINGS_MODULE="bookshop.settings.test",
    )
    env.pop("REDIS_URL", None)
    simulator.timeout_seconds = 60
    simulator.next_capture_outcomes.append("TIMEOUT")  # capture, then keep the answer back
    captures_before = simulator.capture_calls
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from checkout.paypal.facade import complete_attempt; complete_attempt('{attempt.pk}')",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while simulator.capture_calls == captures_before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert simulator.capture_calls == captures_before + 1, "the worker never captured"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        simulator.timeout_seconds = 3


def test_reconciliation_places_exactly_one_order_after_a_crash(postgres, paypal_simulator):
    book = make_book(make_category(), title="Persuasion", price="12.00", stock=2)
    attempt = approved_attempt(book, paypal_simulator)

    pay_and_die_after_capture(attempt, paypal_simulator)

    attempt.refresh_from_db()
    assert attempt.state == PaymentAttempt.State.ALLOCATED and Order.objects.count() == 0
    assert paypal_simulator.orders[attempt.paypal_order_id]["status"] == "COMPLETED"
    captures = paypal_simulator.capture_calls

    assert reconcile_attempt(attempt.pk) == PaymentAttempt.State.PLACED
    call_command("reconcile_paypal", older_than=0)  # a second run changes nothing

    order = Order.objects.get()
    assert order.number == attempt.order_number and order.total_incl_tax == Decimal("15.90")
    assert paypal_simulator.capture_calls == captures  # the capture was replayed, never repeated
    assert StockRecord.objects.get(pk=book.stockrecord.pk).num_allocated == 1


def test_reconciliation_refunds_when_the_order_can_no_longer_be_placed(postgres, paypal_simulator):
    book = make_book(make_category(), title="Sanditon", price="12.00", stock=2)
    attempt = approved_attempt(book, paypal_simulator)
    pay_and_die_after_capture(attempt, paypal_simulator)
    StockRecord.objects.filter(pk=book.stockrecord.pk).update(price=Decimal("14.00"))  # basket now differs
    refunds = len(paypal_simulator.refunds)

    assert reconcile_attempt(attempt.pk) == PaymentAttempt.State.REFUNDED
    assert reconcile_attempt(attempt.pk) == PaymentAttempt.State.REFUNDED

    assert Order.objects.count() == 0
    assert len(paypal_simulator.refunds) == refunds + 1
    capture = paypal_simulator.captures[PaymentAttempt.objects.get(pk=attempt.pk).capture_id]
    assert capture["status"] == "REFUNDED"
    assert StockRecord.objects.get(pk=book.stockrecord.pk).num_allocated == 0
