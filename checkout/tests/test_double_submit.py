"""Double submit: the same session hits PayPal's return URL 5× at once (live server, real HTTP)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings
from oscar.core.loading import get_model

from checkout.tests.steps import add_to_basket, checkout_to_paypal, local_path
from testing.factories import make_book, make_category
from testing.paypal import approve_at_paypal

Order = get_model("order", "Order")

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_five_concurrent_returns_place_one_order_with_one_capture(postgres, paypal_simulator, live_server, client):
    book = make_book(make_category(), title="Emma", price="7.00", stock=4)
    add_to_basket(client, book, 1)
    return_url = approve_at_paypal(checkout_to_paypal(client))
    captures_before = paypal_simulator.capture_calls
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    def hit_return_url(_):
        with requests.Session() as browser:
            browser.cookies.update(cookies)
            response = browser.get(live_server.url + local_path(return_url), timeout=30)
            return response.status_code, response.url, response.text

    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(hit_return_url, range(5)))

    order = Order.objects.get()
    assert paypal_simulator.capture_calls - captures_before == 1
    for status, url, text in results:
        assert status == 200 and url.endswith("/checkout/thank-you/")
        assert order.number in text
    book.stockrecord.refresh_from_db()
    assert book.stockrecord.num_allocated == 1
