"""Processes failing while a guest pays, with real processes: gunicorn nodes (no nginx) on the test
database, the PayPal simulator on loopback, and a private Redis the test kills.

- Redis dies while the buyer is at PayPal: the shop runs on cache misses, sessions from the
  database (cached_db) and a dead Celery broker; the buyer still gets the order.
- A web node is SIGKILLed between PayPal's capture and the order write (the simulator holds the
  capture answer, as in checkout/tests/test_crash_recovery.py): the buyer's retry on the other
  node, or reconciliation alone, places exactly one order for exactly one capture.
"""

import threading
import time

import pytest
import requests
from oscar.core.loading import get_model

from checkout.models import PaymentAttempt
from checkout.paypal.reconcile import reconcile_attempt
from checkout.tests.steps import ADDRESS, local_path
from outbox.models import OutboxEmail
from outbox.tasks import relay_outbox
from testing.edge_stack import EdgeStack
from testing.factories import make_book, make_category
from testing.paypal import approve_at_paypal
from tests.cache.conftest import CHECKOUT_FAULTS_STACK_PORT, TEST_WSGI_APP, django_env

Order = get_model("order", "Order")

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BUYER = "ada@example.com"
THANK_YOU = "/checkout/thank-you/"


def shop_nodes(simulator, redis_url, nodes, **env):
    """Gunicorn nodes with the test settings on the test database, paying at the simulator."""
    environment = {
        **django_env(redis_url=redis_url),
        "PAYPAL_API_BASE": simulator.base_url,
        "GUNICORN_WORKERS": "1",
        "EDGE_CACHE_NODES": "",  # no nginx to purge
        "EDGE_CACHE_PURGE_URLS": "",
        **env,
    }
    stack = EdgeStack(None, CHECKOUT_FAULTS_STACK_PORT, environment, nodes=nodes, collect=False, wsgi_app=TEST_WSGI_APP)
    return stack.start_nodes()


class Buyer:
    """A browser without JavaScript, talking to one node or another (cookies go with it)."""

    def __init__(self, stack):
        self.stack = stack
        self.session = requests.Session()

    def get(self, node, path, **kwargs):
        return self.session.get(self.stack.node_url(node, path), allow_redirects=False, timeout=60, **kwargs)

    def post(self, node, path, data):
        """A form POST that the shop answers with a redirect; returns where to."""
        token = self.get(node, "/_/csrf/").json()["token"]
        response = self.session.post(
            self.stack.node_url(node, path),
            data=data,
            headers={"X-CSRFToken": token},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == 302, (path, response.status_code, response.text[:2000])
        return response.headers["Location"]

    def checkout_to_preview(self, node, book):
        self.post(node, f"/basket/add/{book.product.pk}/", {"quantity": 1})
        self.post(node, "/checkout/", {"username": BUYER, "options": "anonymous"})
        self.post(node, "/checkout/shipping-address/", ADDRESS)
        self.post(node, "/checkout/shipping-method/", {"method_code": "standard"})

    def click_pay(self, node):
        return self.post(node, "/checkout/preview/", {"action": "place_order"})

    def return_path(self, approve_url):
        """Approve at PayPal; the shop's return URL PayPal sends the buyer to, as a path."""
        return local_path(approve_at_paypal(approve_url))


@pytest.fixture
def book(postgres):
    return make_book(make_category(), title="Wives and Daughters", price="10.00", stock=3)


def test_redis_dying_while_the_buyer_is_at_paypal_still_places_the_order(
    private_redis, paypal_simulator, book, mailoutbox
):
    redis_process, redis_url = private_redis
    # Production-like: cache, cached_db sessions and the Celery broker all on this Redis.
    stack = shop_nodes(paypal_simulator, redis_url, nodes=1, CELERY_TASK_ALWAYS_EAGER="0")
    try:
        buyer = Buyer(stack)
        buyer.checkout_to_preview(0, book)
        approve_url = buyer.click_pay(0)
        captures = paypal_simulator.capture_calls

        redis_process.kill()
        redis_process.wait()
        started = time.monotonic()
        answer = buyer.get(0, buyer.return_path(approve_url))
        return_seconds = time.monotonic() - started
        thank_you = buyer.get(0, THANK_YOU)
        basket = buyer.get(0, "/basket/")
    finally:
        buyer.session.close()  # no kept-alive connection for gunicorn to wait on
        stack.stop()
        logs = "".join(path.read_text(errors="replace") for path in stack.log_dir.glob("*.log"))
        stack.cleanup()

    assert answer.status_code == 302 and answer.headers["Location"] == THANK_YOU, answer.text[:2000]
    order = Order.objects.get()
    assert thank_you.status_code == 200 and order.number in thank_you.text
    assert basket.status_code == 200 and "Wives and Daughters" not in basket.text  # paid: a new, empty basket
    assert paypal_simulator.capture_calls == captures + 1
    assert return_seconds < 10, return_seconds  # cache misses and a dead broker cost little time
    assert "Exception ignored" in logs  # django-redis logged the outage it absorbed
    # The confirmation could not be handed to the dead broker, but it was stored with the order:
    # the relay delivers it once a broker answers again (here: this process, eager).
    [confirmation] = OutboxEmail.objects.filter(subject__contains=order.number)
    assert confirmation.state == OutboxEmail.State.PENDING
    relay_outbox()
    assert [message.subject for message in mailoutbox] == [confirmation.subject]


@pytest.fixture
def two_nodes(paypal_simulator, redis_url, smtp_sink):
    """Two nodes sharing the test Redis (sessions) and sending mail inline to the sink."""
    stack = shop_nodes(
        paypal_simulator,
        redis_url,
        nodes=2,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_sink.port),
    )
    yield stack
    stack.stop()
    stack.cleanup()


@pytest.fixture
def buyer(two_nodes):
    buyer = Buyer(two_nodes)
    yield buyer
    buyer.session.close()  # no kept-alive connection for gunicorn to wait on


def kill_node_after_capture(stack, node, buyer, return_path, simulator, monkeypatch):
    """The buyer comes back from PayPal to `node`, which is SIGKILLed once PayPal has captured."""
    monkeypatch.setattr(simulator, "timeout_seconds", 60)
    simulator.next_capture_outcomes.append("TIMEOUT")  # capture, then keep the answer back
    captures = simulator.capture_calls
    outcome = {}

    def come_back():
        try:
            outcome["response"] = buyer.get(node, return_path)
        except requests.ConnectionError as error:
            outcome["error"] = error

    visit = threading.Thread(target=come_back)
    visit.start()
    deadline = time.monotonic() + 60
    while simulator.capture_calls == captures and time.monotonic() < deadline:
        time.sleep(0.05)
    assert simulator.capture_calls == captures + 1, "the node never captured"
    stack.kill_node(node)
    visit.join(timeout=30)
    assert "error" in outcome, outcome  # the buyer's browser saw the connection die


@pytest.mark.parametrize("heal", ["buyer-retries-on-the-other-node", "reconciliation"])
def test_a_web_node_killed_between_capture_and_order_write(
    two_nodes, buyer, paypal_simulator, smtp_sink, book, monkeypatch, heal
):
    buyer.checkout_to_preview(0, book)
    return_path = buyer.return_path(buyer.click_pay(0))
    captures = paypal_simulator.capture_calls

    kill_node_after_capture(two_nodes, 0, buyer, return_path, paypal_simulator, monkeypatch)

    attempt = PaymentAttempt.objects.get()
    assert attempt.state == PaymentAttempt.State.ALLOCATED and Order.objects.count() == 0  # paid, no order yet
    if heal == "reconciliation":
        assert reconcile_attempt(attempt.pk) == PaymentAttempt.State.PLACED
    answer = buyer.get(1, return_path)

    assert answer.status_code == 302 and answer.headers["Location"] == THANK_YOU, answer.text[:2000]
    order = Order.objects.get()
    assert order.number in buyer.get(1, THANK_YOU).text
    assert paypal_simulator.capture_calls == captures + 1  # the capture was replayed, never repeated
    book.stockrecord.refresh_from_db()
    assert book.stockrecord.num_allocated == 1
    smtp_sink.wait_for(lambda message: order.number in message["Subject"])
    time.sleep(1)
    assert [message["To"] for message in smtp_sink.messages] == [BUYER]  # one confirmation
