"""The SDK wrapper and the simulator's protocol checks (real HTTP to the simulator)."""

import inspect
import json
from importlib.metadata import version

import pytest
import requests
from django.core.cache import cache
from paypalserversdk.configuration import Configuration
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from checkout.paypal.client import ConfiguredBaseURL, PayPalClient, PayPalUnavailable

ORDER = {
    "intent": "CAPTURE",
    "purchase_units": [
        {
            "invoice_id": "INV-1",
            "amount": {
                "currency_code": "EUR",
                "value": "12.90",
                "breakdown": {
                    "item_total": {"currency_code": "EUR", "value": "9.00"},
                    "shipping": {"currency_code": "EUR", "value": "3.90"},
                },
            },
            "items": [{"name": "Book", "quantity": "2", "unit_amount": {"currency_code": "EUR", "value": "4.50"}}],
        }
    ],
}


def token_calls(simulator):
    return sum(1 for method, path, _ in simulator.calls if path == "/v1/oauth2/token")


def test_the_sdk_internals_our_base_url_override_relies_on():
    """Fails when paypal-server-sdk changes how it picks its host: re-check ConfiguredBaseURL then."""
    assert version("paypal-server-sdk") == "2.4.0"
    assert "config" in inspect.signature(PaypalServersdkClient.__init__).parameters
    assert "server" in inspect.signature(Configuration.get_base_uri).parameters
    source = inspect.getsource(PaypalServersdkClient.__init__)
    assert "base_uri_executor(self.config.get_base_uri)" in source
    assert ConfiguredBaseURL("http://127.0.0.1:1/").get_base_uri() == "http://127.0.0.1:1"


def test_calls_go_to_the_configured_host_with_one_cached_token(paypal_simulator):
    before = token_calls(paypal_simulator)
    first = PayPalClient().create_order(ORDER, "create-client-test-1")
    PayPalClient().get_order(first["id"])  # a new client (another request) reuses the cached token

    assert first["status"] == "PAYER_ACTION_REQUIRED"
    assert token_calls(paypal_simulator) == before + 1


def test_a_revoked_token_is_refreshed_once(paypal_simulator):
    client = PayPalClient()
    order = client.create_order(ORDER, "create-client-test-2")
    paypal_simulator.tokens.clear()  # PayPal forgot the token ("Access Token not found in cache")
    before = token_calls(paypal_simulator)

    assert client.get_order(order["id"])["id"] == order["id"]
    assert token_calls(paypal_simulator) == before + 1


def test_errors_are_mapped_without_paypal_wording(paypal_simulator, caplog):
    with pytest.raises(PayPalUnavailable) as error:
        PayPalClient().get_order("NOSUCHORDER000000")
    assert error.value.status == 404 and error.value.issue == "INVALID_RESOURCE_ID"
    assert "PayPal is not reachable" in str(error.value)
    assert "debug_id=" in caplog.text


def post(simulator, body, request_id):
    token = PayPalClient()._sdk.auth_managers["Oauth2"]._get_token_from_provider().access_token
    return requests.post(
        simulator.base_url + "/v2/checkout/orders",
        data=json.dumps(body),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "PayPal-Request-Id": request_id,
        },
        timeout=10,
    )


@pytest.mark.parametrize(
    ("change", "issue"),
    [
        (lambda unit: unit["amount"].update(value="12.9"), None),  # one decimal is fine
        (lambda unit: unit["amount"].update(value="12.901"), "DECIMAL_PRECISION"),
        (lambda unit: unit["amount"].update(value="13.90"), "AMOUNT_MISMATCH"),
        (lambda unit: unit["items"][0].update(quantity="3"), "ITEM_TOTAL_MISMATCH"),
        (lambda unit: unit["amount"]["breakdown"]["shipping"].update(currency_code="USD"), "MULTI_CURRENCY_ORDER"),
        (lambda unit: unit["amount"].update(value=12.90), "INVALID_PARAMETER_SYNTAX"),
    ],
)
def test_the_simulator_validates_like_paypal(paypal_simulator, change, issue):
    body = json.loads(json.dumps(ORDER))
    change(body["purchase_units"][0])
    if issue == "AMOUNT_MISMATCH":
        body["purchase_units"][0].pop("items")
        body["purchase_units"][0]["amount"]["breakdown"]["item_total"]["value"] = "9.00"
    response = post(paypal_simulator, body, f"validate-{issue}")
    if issue is None:
        assert response.status_code == 201
    else:
        assert response.status_code in (400, 422) and response.json()["details"][0]["issue"] == issue


def test_an_idempotent_replay_answers_200_with_the_same_order(paypal_simulator):
    cache.clear()
    first = post(paypal_simulator, ORDER, "create-replay")
    replay = post(paypal_simulator, ORDER, "create-replay")

    assert (first.status_code, replay.status_code) == (201, 200)
    assert first.json()["id"] == replay.json()["id"]
