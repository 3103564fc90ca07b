"""The last copies under a race: 50 buyers with approved PayPal orders, 10 copies (PostgreSQL, threads).

Oscar alone oversells the last copy (django-oscar#4524). Here stock is locked before capture, so
exactly 10 orders are placed, nothing is oversold, and the 40 refused buyers are never charged.
"""

import threading
import time

import pytest
from django.db import connection
from oscar.core.loading import get_model

from checkout.models import PaymentAttempt
from checkout.paypal import facade
from checkout.tests.steps import approved_attempt
from testing.factories import make_book, make_category

Order = get_model("order", "Order")

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

COPIES, BUYERS, ROUNDS = 10, 50, 5


def place_all_at_once(attempt_ids):
    barrier = threading.Barrier(len(attempt_ids))
    outcomes = {}

    def buyer(attempt_id):
        barrier.wait()
        try:
            facade.complete_attempt(attempt_id)
            outcomes[attempt_id] = "placed"
        except facade.OutOfStock:
            outcomes[attempt_id] = "sold out"
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            outcomes[attempt_id] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer, args=(attempt_id,)) for attempt_id in attempt_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_fifty_buyers_ten_copies_exactly_ten_orders_and_no_capture_for_the_rest(postgres, paypal_simulator):
    category = make_category()
    timings = []
    for round_number in range(ROUNDS):
        book = make_book(category, title=f"Last Copies {round_number}", price="9.99", stock=COPIES)
        attempts = [approved_attempt(book, paypal_simulator) for _ in range(BUYERS)]
        captures_before = paypal_simulator.capture_calls

        started = time.perf_counter()
        outcomes = place_all_at_once([attempt.pk for attempt in attempts])
        timings.append(time.perf_counter() - started)

        assert sorted(set(outcomes.values())) == ["placed", "sold out"], outcomes
        assert list(outcomes.values()).count("placed") == COPIES
        assert Order.objects.filter(lines__product=book.product).count() == COPIES
        book.stockrecord.refresh_from_db()
        assert book.stockrecord.num_allocated == COPIES and book.stockrecord.net_stock_level == 0
        assert paypal_simulator.capture_calls - captures_before == COPIES
        refused = PaymentAttempt.objects.filter(pk__in=[a.pk for a in attempts], state=PaymentAttempt.State.REFUSED)
        assert refused.count() == BUYERS - COPIES
        for attempt in refused:
            assert paypal_simulator.orders[attempt.paypal_order_id]["status"] == "APPROVED"  # never captured
            assert attempt.basket.status == "Open"  # the buyer gets the basket back
    print(
        f"\noversell race: {BUYERS} buyers for {COPIES} copies, {ROUNDS} rounds: "
        + ", ".join(f"{t:.2f}s" for t in timings)
        + f" (mean {sum(timings) / len(timings):.2f}s)"
    )
