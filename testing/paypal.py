"""pytest plugin: the PayPal simulator over real HTTP, and the buyer's approval at it.

Registered in the root conftest.py, so any test may ask for the `paypal_simulator` fixture.
bench/checkout.py uses `approve_at_paypal` against the simulator it starts itself.
"""

import re
from functools import cache as cache_for_session
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from checkout.paypal.simulator.core import Simulator
from checkout.paypal.simulator.server import SimulatorServer


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
    from django.core.cache import cache

    from checkout.defaults import create_all

    if request.node.get_closest_marker("django_db"):
        create_all(apps)
    server = simulator_server()
    settings.PAYPAL_API_BASE = server.base_url
    cache.clear()
    simulator = server.simulator
    simulator.next_capture_outcomes.clear()
    simulator.next_create_outcomes.clear()
    # Each test is a fresh merchant account: rolled-back databases (SQLite) reuse order numbers.
    simulator.used_invoice_ids.clear()
    simulator.base_url = server.base_url
    return simulator


def approve_at_paypal(approve_url):
    """The buyer presses "Approve" on the simulator's page (plain HTML form, no JavaScript)."""
    page = requests.get(approve_url, timeout=10)
    assert page.status_code == 200
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    token = parse_qs(urlsplit(approve_url).query)["token"][0]
    answer = requests.post(action, data={"token": token}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return answer.headers["Location"]
