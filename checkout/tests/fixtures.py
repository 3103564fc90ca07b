"""Fixtures and steps shared by checkout tests: the PayPal simulator over real HTTP, a guest checkout.

Import the fixtures into a test module with `from checkout.tests.fixtures import paypal_simulator`.
"""

import re
from functools import cache as cache_for_session
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse

from checkout.paypal.simulator.core import Simulator
from checkout.paypal.simulator.server import SimulatorServer

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "line1": "1 Example Street",
    "line4": "Berlin",
    "postcode": "10115",
    "country": "DE",
}


@cache_for_session
def simulator_server():
    """One simulator per test session, served by a thread on a free loopback port."""
    return SimulatorServer(Simulator("simulator-client", "simulator-secret")).start_in_thread()


@pytest.fixture
def paypal_simulator(settings, request):
    """The simulator over real HTTP; PayPal calls of the code under test go there.

    Also puts back the checkout's starting data, which a transactional test's flush removes.
    """
    from django.apps import apps

    from checkout.defaults import create_all

    if request.node.get_closest_marker("django_db"):
        create_all(apps)
    server = simulator_server()
    settings.PAYPAL_API_BASE = server.base_url
    cache.clear()
    simulator = server.simulator
    simulator.next_capture_outcomes.clear()
    # Each test is a fresh merchant account: rolled-back databases (SQLite) reuse order numbers.
    simulator.used_invoice_ids.clear()
    simulator.base_url = server.base_url
    return simulator


def add_to_basket(client, book, quantity=1):
    response = client.post(reverse("basket:add", kwargs={"pk": book.product.pk}), {"quantity": quantity})
    assert response.status_code in (200, 302), response.status_code
    return response


def checkout_to_paypal(client, email="ada@example.com", method_code="standard"):
    """Guest checkout from a filled basket to the "Pay with PayPal" POST; returns PayPal's approve URL."""
    response = client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
    assert response.status_code == 302, response.content[:500]
    response = client.post(reverse("checkout:shipping-address"), ADDRESS)
    assert response.status_code == 302, response.content[:2000]
    response = client.post(reverse("checkout:shipping-method"), {"method_code": method_code})
    assert response.status_code == 302, response.content[:2000]
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 302, response.content[:3000]
    return response["Location"]


def approve_at_paypal(approve_url):
    """The buyer presses "Approve" on the simulator's page (plain HTML form, no JavaScript)."""
    page = requests.get(approve_url, timeout=10)
    assert page.status_code == 200
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    token = parse_qs(urlsplit(approve_url).query)["token"][0]
    answer = requests.post(action, data={"token": token}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return answer.headers["Location"]


def local_path(url):
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def approved_attempt(book, simulator, quantity=1, approve=True):
    """A buyer's frozen basket with a PayPal order created by the shop and approved at the simulator."""
    from oscar.core.loading import get_class, get_model

    from checkout.paypal import facade

    basket = get_model("basket", "Basket").objects.create()
    basket.strategy = get_class("partner.strategy", "Selector")().strategy()
    basket.add_product(book.product, quantity)
    address = get_model("order", "ShippingAddress")(
        **{key: value for key, value in ADDRESS.items() if key != "country"}, country_id=ADDRESS["country"]
    )
    method = next(m for m in facade.Repository().get_shipping_methods(basket) if m.code == "standard")
    charge = method.calculate(basket)
    basket.freeze()
    attempt, _ = facade.start_payment(
        basket=basket,
        user=None,
        guest_email="buyer@example.com",
        order_number=facade.next_order_number(basket),
        shipping_address=address,
        shipping_method=method,
        shipping_charge=charge,
        order_total=facade.OrderTotalCalculator().calculate(basket, charge),
        return_url="http://testserver/checkout/paypal/return/",
        cancel_url="http://testserver/checkout/paypal/cancel/",
    )
    if approve:
        simulator.approve(attempt.paypal_order_id)
    return attempt


class SMTPSink:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives; stop() and start() at will."""

    def __init__(self, port):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.port = port
        self._controller_class = Controller

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def start(self):
        self.controller = self._controller_class(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def wait_for(self, predicate, timeout=30):
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [message for message in self.messages if predicate(message)]
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no such mail within {timeout}s; got {[m['Subject'] for m in self.messages]}")


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    """Shop mail goes over SMTP to a real local server."""
    sink = SMTPSink(free_port()).start()
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = False
    yield sink
    try:
        sink.stop()
    except (AssertionError, RuntimeError):
        pass  # already stopped by the test
