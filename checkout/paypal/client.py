"""PayPal REST through the official `paypal-server-sdk` (pinned), pointed at any base URL.

The SDK only knows PayPal's two hosts; `ConfiguredBaseURL` overrides the undocumented
`Configuration.get_base_uri` (docs/paypal.md §7) so the simulator, sandbox and live all
use the same code. checkout/tests/test_paypal_client.py fails if the SDK's internals change.

The OAuth token is cached in Django's cache (shared by every process) until shortly before it
expires; an API 401 drops it and retries once. Errors are mapped by `details[].issue` to Oscar's
payment exceptions with friendly text; PayPal's own message is logged with its debug_id only.
"""

import json
import logging
import time

import requests
from django.conf import settings
from django.core.cache import cache
from oscar.core.loading import get_classes
from paypalserversdk.configuration import Configuration, Server
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.o_auth_token import OAuthToken
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

logger = logging.getLogger("checkout.paypal")

PaymentError, UnableToTakePayment = get_classes("payment.exceptions", ["PaymentError", "UnableToTakePayment"])

API_BASES = {"sandbox": "https://api-m.sandbox.paypal.com", "live": "https://api-m.paypal.com"}
TOKEN_REFRESH_MARGIN_SECONDS = 300

# What the buyer (or, for refunds, staff) reads for each PayPal 422 issue; anything else gets the
# generic PaymentError text. checkout/tests/test_paypal_contract.py checks each name is in PayPal's spec.
DECLINE_MESSAGES = {
    "INSTRUMENT_DECLINED": "PayPal declined this payment method. Nothing was charged; please try another way to pay.",
    "PAYER_ACTION_REQUIRED": "PayPal needs you to choose another way to pay. Nothing was charged.",
    "REDIRECT_PAYER_FOR_ALTERNATE_FUNDING": "PayPal needs you to choose another way to pay. Nothing was charged.",
    "TRANSACTION_REFUSED": "PayPal refused this payment. Nothing was charged.",
    "PAYER_CANNOT_PAY": "PayPal could not take this payment. Nothing was charged.",
    "PAYEE_BLOCKED_TRANSACTION": "PayPal could not take this payment. Nothing was charged.",
    "COMPLIANCE_VIOLATION": "PayPal could not take this payment. Nothing was charged.",
    "MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED": "Too many payment attempts. Nothing was charged.",
    "ORDER_NOT_APPROVED": "The payment was not approved at PayPal yet. Nothing was charged.",
    # The order number was already paid at PayPal (create or capture): never a second charge for it.
    "DUPLICATE_INVOICE_ID": "PayPal has already taken a payment for this order number, so nothing more was "
    "charged. Your confirmation email has the order; please contact us if it has not arrived.",
    # Refund refusals, read by staff in the dashboard.
    "REFUND_AMOUNT_EXCEEDED": "PayPal refused the refund: it is more than what is left of the payment. "
    "Nothing was refunded.",
    "CAPTURE_FULLY_REFUNDED": "PayPal refused the refund: this payment is already refunded in full. "
    "Nothing more was refunded.",
    "PENDING_CAPTURE": "PayPal refused the refund: the payment is still pending at PayPal. Nothing was "
    "refunded; try again once it has completed.",
}
GENERIC_MESSAGE = "PayPal is not reachable right now. Nothing was charged; please try again in a few minutes."


class PayPalDeclined(UnableToTakePayment):
    """An anticipated refusal; str() is the friendly message for the buyer."""

    def __init__(self, issue, debug_id=""):
        super().__init__(DECLINE_MESSAGES.get(issue, DECLINE_MESSAGES["TRANSACTION_REFUSED"]))
        self.issue = issue
        self.debug_id = debug_id


class PayPalUnavailable(PaymentError):
    """An unanticipated failure (5xx, timeout, bad credentials, our own validation bug)."""

    def __init__(self, issue="", status=None, debug_id=""):
        super().__init__(GENERIC_MESSAGE)
        self.issue = issue
        self.status = status
        self.debug_id = debug_id


class ConfiguredBaseURL(Configuration):
    """The SDK's Configuration with our base URL (simulator, sandbox or live)."""

    def __init__(self, base_url, **kwargs):
        self._base_url = base_url.rstrip("/")
        super().__init__(**kwargs)

    def get_base_uri(self, server=Server.DEFAULT):
        return self._base_url


def api_base():
    return settings.PAYPAL_API_BASE or API_BASES[settings.PAYPAL_MODE]


def _token_cache_key():
    return f"paypal:oauth:{api_base()}:{settings.PAYPAL_CLIENT_ID}"


def _cached_token(previous_token, auth_manager):
    """The SDK's token provider hook: one token per client id for all processes, until near expiry."""
    stored = cache.get(_token_cache_key())
    if stored and stored["expiry"] - TOKEN_REFRESH_MARGIN_SECONDS > time.time():
        return OAuthToken(access_token=stored["access_token"], token_type="Bearer", expiry=stored["expiry"])
    token = auth_manager.fetch_token()
    expiry = int(time.time()) + int(token.expires_in)
    cache.set(_token_cache_key(), {"access_token": token.access_token, "expiry": expiry}, int(token.expires_in))
    token.expiry = expiry
    return token


class PayPalClient:
    """The five PayPal calls the shop makes, returning PayPal's JSON as dicts."""

    def __init__(self):
        self._sdk = self._build_sdk()

    @staticmethod
    def _build_sdk():
        credentials = ClientCredentialsAuthCredentials(
            o_auth_client_id=settings.PAYPAL_CLIENT_ID,
            o_auth_client_secret=settings.PAYPAL_CLIENT_SECRET,
            o_auth_token_provider=_cached_token,
            o_auth_clock_skew=TOKEN_REFRESH_MARGIN_SECONDS,
        )
        config = ConfiguredBaseURL(
            api_base(),
            client_credentials_auth_credentials=credentials,
            timeout=settings.PAYPAL_TIMEOUT_SECONDS,
            max_retries=0,
        )
        return PaypalServersdkClient(config=config)

    def _call(self, name, call, retry_transport_errors=False):
        """Run `call(sdk)`; refresh the token once on 401; map errors to Oscar's exceptions."""
        for attempt in range(2):
            try:
                response = call(self._sdk)
            except ApiException as error:
                if error.response_code == 401 and attempt == 0:
                    cache.delete(_token_cache_key())
                    self._sdk = self._build_sdk()
                    continue
                raise _mapped_error(error.response_code, _json_or_empty(getattr(error.response, "text", "")))
            except (requests.ConnectionError, requests.Timeout) as error:
                logger.warning("PayPal transport error on %s: %s", name, error)
                if retry_transport_errors and attempt == 0:
                    continue
                raise PayPalUnavailable(issue="TRANSPORT")
            if response.status_code >= 400:
                raise _mapped_error(response.status_code, _json_or_empty(response.text))
            return _json_or_empty(response.text)
        raise PayPalUnavailable(issue="AUTHENTICATION_FAILURE", status=401)

    def create_order(self, body, request_id):
        options = {"body": body, "paypal_request_id": request_id, "prefer": "return=representation"}
        return self._call("create_order", lambda sdk: sdk.orders.create_order(options), retry_transport_errors=True)

    def get_order(self, order_id):
        return self._call("get_order", lambda sdk: sdk.orders.get_order({"id": order_id}), retry_transport_errors=True)

    def capture_order(self, order_id, request_id):
        # Safe to retry: the same PayPal-Request-Id replays the first capture instead of a second one.
        options = {"id": order_id, "paypal_request_id": request_id, "prefer": "return=representation"}
        return self._call("capture_order", lambda sdk: sdk.orders.capture_order(options), retry_transport_errors=True)

    def refund_capture(self, capture_id, body, request_id):
        options = {"capture_id": capture_id, "body": body, "paypal_request_id": request_id}
        options["prefer"] = "return=representation"
        return self._call(
            "refund", lambda sdk: sdk.payments.refund_captured_payment(options), retry_transport_errors=True
        )

    def get_capture(self, capture_id):
        return self._call("get_capture", lambda sdk: sdk.payments.get_captured_payment({"capture_id": capture_id}))


def _json_or_empty(text):
    try:
        body = json.loads(text or "{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _mapped_error(status, body):
    details = body.get("details") or [{}]
    issue = details[0].get("issue") or body.get("name") or body.get("error") or ""
    debug_id = body.get("debug_id", "")
    logger.warning(
        "PayPal answered %s issue=%s debug_id=%s message=%s", status, issue, debug_id, body.get("message", "")
    )
    if status == 422 and issue in DECLINE_MESSAGES:
        return PayPalDeclined(issue, debug_id)
    return PayPalUnavailable(issue=issue, status=status, debug_id=debug_id)
