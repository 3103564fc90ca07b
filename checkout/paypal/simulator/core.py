"""A PayPal simulator speaking the REST protocol (docs/paypal.md §1-§5, §9.1) in memory.

Dev and tests only: production settings never import it. It validates what PayPal validates
(OAuth bearer, 2-decimal strings, breakdown sums, one currency, state machine, idempotent
replays answering 200), signs webhooks with its own key (served as the PAYPAL-CERT-URL
certificate, so our offline verification runs for real), and has test controls under /_sim/
to make the next capture decline, go pending, answer 5xx, time out, or capture and then drop
the connection, and to make the next order creation answer 5xx or time out.
"""

import base64
import datetime as dt
import json
import secrets
import string
import threading
import time
import uuid
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html import escape
from urllib.parse import parse_qs, urlencode

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from checkout.paypal.simulator.contract import error_body, schema_violation

ZERO_DECIMAL_CURRENCIES = {"HUF", "JPY", "TWD"}
MAX_ORDER_VALUE = Decimal("999999999999999.99")
CAPTURE_OUTCOMES = {"DECLINED", "PENDING", "500", "TIMEOUT", "DROP"}
CREATE_OUTCOMES = {"500", "TIMEOUT"}
CERT_NAME = "CERT-simulator"
# The spec operation (file, method, path) each API handler implements: its errors are worded from it.
OPERATIONS = {
    "create_order": ("orders", "post", "/v2/checkout/orders"),
    "get_order": ("orders", "get", "/v2/checkout/orders/{id}"),
    "capture_order": ("orders", "post", "/v2/checkout/orders/{id}/capture"),
    "get_capture": ("payments", "get", "/v2/payments/captures/{capture_id}"),
    "refund_capture": ("payments", "post", "/v2/payments/captures/{capture_id}/refund"),
}
REQUEST_ID_MAX_LENGTH = 108  # the spec's PayPal-Request-Id header schema
PAYER_ID = "SMBUYERQ23456"  # PayPal's payer id pattern: 13 of [2-9A-HJ-NP-Z]
DROP = object()  # a handler result: close the connection without answering


@dataclass
class SimRequest:
    method: str
    path: str
    query: dict
    headers: dict  # lower-case names
    body: bytes
    base_url: str  # where this simulator is reachable, e.g. http://127.0.0.1:18401


@dataclass
class SimResponse:
    status: int
    body: object = None
    headers: dict = field(default_factory=dict)

    def encoded(self):
        if isinstance(self.body, bytes | str):
            data = self.body.encode() if isinstance(self.body, str) else self.body
            return data, self.headers.get("Content-Type", "text/html; charset=utf-8")
        return (json.dumps(self.body).encode() if self.body is not None else b""), "application/json"


# The buyer's approve page: plain and readable on a phone, clearly not the shop's own page.
APPROVE_PAGE_CSS = (
    "body{margin:0;background:#f5f7fa;color:#1a1a1a;font:16px/1.5 system-ui,sans-serif}"
    "main{max-width:26rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #d8dde3;border-radius:12px}"
    "h1{margin:.2rem 0 1rem;font-size:1.6rem;color:#003087}.sim{margin:0;font-size:.85rem;color:#5a6470}"
    ".amount{font-size:1.2rem}button{width:100%;min-height:3rem;border:0;border-radius:999px;background:#003087;"
    "color:#fff;font:inherit;font-weight:700;cursor:pointer}a{color:#003087}"
)


class SimulatorError(Exception):
    """An error answer; its body is worded as PayPal's spec words it for the operation (contract.py)."""

    def __init__(self, status, issue=None, field=None):
        super().__init__(issue or status)
        self.status, self.issue, self.field = status, issue, field

    def response(self, operation):
        if operation is None:  # a buyer page or test control, not PayPal's API
            return SimResponse(self.status, {"issue": self.issue, "field": self.field})
        return SimResponse(
            self.status, error_body(operation, self.status, self.issue, self.field, secrets.token_hex(7))
        )


def _invalid(issue, field=None):
    return SimulatorError(400, issue, field)


def _unprocessable(issue, field=None):
    return SimulatorError(422, issue, field)


def paypal_id(length=17):
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(length))


def now_rfc3339():
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(obj, currency, where):
    """Validate a PayPal money object the way PayPal does; return its Decimal value."""
    if not isinstance(obj, dict) or "value" not in obj or "currency_code" not in obj:
        raise _invalid("MISSING_REQUIRED_PARAMETER", where)
    if obj["currency_code"] != currency:
        raise _unprocessable("MULTI_CURRENCY_ORDER", f"{where}/currency_code")
    value = obj["value"]
    if not isinstance(value, str):
        raise _invalid("INVALID_PARAMETER_SYNTAX", f"{where}/value")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _invalid("INVALID_PARAMETER_SYNTAX", f"{where}/value")
    decimals = -amount.as_tuple().exponent if "." in value else 0
    allowed = 0 if currency in ZERO_DECIMAL_CURRENCIES else 2
    if decimals > allowed:
        raise _unprocessable("DECIMAL_PRECISION", f"{where}/value")
    if amount < 0:
        raise _unprocessable("CANNOT_BE_NEGATIVE", f"{where}/value")
    return amount


def validate_purchase_unit(unit):
    amount = unit.get("amount")
    if not isinstance(amount, dict):
        raise _invalid("MISSING_REQUIRED_PARAMETER", "/purchase_units/0/amount")
    currency = amount.get("currency_code")
    if not isinstance(currency, str) or len(currency) != 3:
        raise _unprocessable("INVALID_CURRENCY_CODE", "/purchase_units/0/amount/currency_code")
    total = _money(amount, currency, "/purchase_units/0/amount")
    if total <= 0:
        raise _unprocessable("CANNOT_BE_ZERO_OR_NEGATIVE", "/purchase_units/0/amount/value")
    if total > MAX_ORDER_VALUE:
        raise _unprocessable("MAX_VALUE_EXCEEDED", "/purchase_units/0/amount/value")
    breakdown = amount.get("breakdown") or {}
    parts = {
        key: _money(value, currency, f"/purchase_units/0/amount/breakdown/{key}") for key, value in breakdown.items()
    }
    if parts:
        expected = (
            sum(parts.get(key, Decimal(0)) for key in ("item_total", "tax_total", "shipping", "handling", "insurance"))
            - parts.get("shipping_discount", Decimal(0))
            - parts.get("discount", Decimal(0))
        )
        if expected != total:
            raise _unprocessable("AMOUNT_MISMATCH", "/purchase_units/0/amount/value")
    items = unit.get("items") or []
    if items:
        if "item_total" not in parts:
            raise _unprocessable("ITEM_TOTAL_REQUIRED", "/purchase_units/0/amount/breakdown/item_total")
        item_sum = Decimal(0)
        for index, item in enumerate(items):
            unit_amount = _money(item.get("unit_amount"), currency, f"/purchase_units/0/items/{index}/unit_amount")
            item_sum += unit_amount * int(item["quantity"])  # the request schema checked its digits
        if item_sum != parts["item_total"]:
            raise _unprocessable("ITEM_TOTAL_MISMATCH", "/purchase_units/0/amount/breakdown/item_total/value")
    return total, currency


class Simulator:
    """The simulator's state and protocol. Thread-safe; one instance per server."""

    def __init__(self, client_id, client_secret, token_lifetime=32400):
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self.lock = threading.RLock()
        self.tokens = {}
        self.orders = {}
        self.captures = {}
        self.refunds = {}
        self.replays = {}  # (endpoint, PayPal-Request-Id) -> SimResponse
        self.in_flight = set()
        self.used_invoice_ids = set()
        # Each capture or create request (replays too) takes the next queued outcome.
        self.next_capture_outcomes = []
        self.next_create_outcomes = []
        self.timeout_seconds = 3  # how long a TIMEOUT outcome keeps its answer back
        self.capture_calls = 0  # capture requests that moved money (replays excluded)
        self.calls = []  # (method, path, PayPal-Request-Id or None)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.simulator.paypal")])
        today = dt.datetime.now(dt.UTC)
        self.certificate_pem = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(today - dt.timedelta(days=1))
            .not_valid_after(today + dt.timedelta(days=365))
            .sign(self.key, hashes.SHA256())
            .public_bytes(serialization.Encoding.PEM)
        )

    # ----------------------------------------------------------------------------- dispatch

    def handle(self, request):
        with self.lock:
            self.calls.append((request.method, request.path, request.headers.get("paypal-request-id")))
        route = self._route(request)
        if route is None:
            return SimResponse(404, {"name": "RESOURCE_NOT_FOUND", "message": "Unknown path", "details": []})
        handler, args = route
        operation = OPERATIONS.get(handler.__name__)
        try:
            if operation is not None:
                self._authenticate(request)
            return handler(request, *args)
        except SimulatorError as error:
            return error.response(operation)

    def _route(self, request):
        parts = [part for part in request.path.split("/") if part]
        method = request.method
        table = {
            ("POST", ("v1", "oauth2", "token")): self.token,
            ("POST", ("v2", "checkout", "orders")): self.create_order,
            ("GET", ("checkoutnow",)): self.approve_page,
            ("POST", ("checkoutnow", "approve")): self.approve_form,
            ("GET", ("checkoutnow", "cancel")): self.cancel_link,
            ("POST", ("_sim", "next-capture")): self.control_next_capture,
            ("POST", ("_sim", "next-create")): self.control_next_create,
            ("GET", ("_sim", "state")): self.control_state,
            ("POST", ("_sim", "webhook")): self.control_webhook,
        }
        if (method, tuple(parts)) in table:
            return table[(method, tuple(parts))], ()
        if method == "GET" and parts[:3] == ["v2", "checkout", "orders"] and len(parts) == 4:
            return self.get_order, (parts[3],)
        if method == "POST" and parts[:3] == ["v2", "checkout", "orders"] and parts[4:] == ["capture"]:
            return self.capture_order, (parts[3],)
        if method == "GET" and parts[:3] == ["v2", "payments", "captures"] and len(parts) == 4:
            return self.get_capture, (parts[3],)
        if method == "POST" and parts[:3] == ["v2", "payments", "captures"] and parts[4:] == ["refund"]:
            return self.refund_capture, (parts[3],)
        if method == "GET" and parts[:3] == ["v1", "notifications", "certs"] and len(parts) == 4:
            return self.certificate, ()
        if method == "POST" and parts[:2] == ["_sim", "approve"] and len(parts) == 3:
            return self.control_approve, (parts[2],)
        return None

    def _authenticate(self, request):
        auth = request.headers.get("authorization", "")
        expiry = self.tokens.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        if expiry is None or expiry < time.time():
            raise SimulatorError(401)

    def _json_body(self, request, required=True, operation=None):
        """The request's JSON object; with `operation`, refused (400) unless it fits that request schema."""
        if not request.body.strip():
            if required:
                raise _invalid("MALFORMED_REQUEST_JSON")
            return {}
        try:
            body = json.loads(request.body)
        except ValueError:
            raise _invalid("MALFORMED_REQUEST_JSON")
        if not isinstance(body, dict):
            raise _invalid("MALFORMED_REQUEST_JSON")
        violation = schema_violation(operation, body) if operation is not None else None
        if violation is not None:
            raise _invalid(*violation)
        return body

    def _idempotent(self, endpoint, request, work):
        """PayPal-Request-Id semantics: a replay answers 200 with the stored body (docs/paypal.md §3)."""
        key = request.headers.get("paypal-request-id")
        if not key:
            return work()
        if len(key) > REQUEST_ID_MAX_LENGTH:
            raise _invalid("INVALID_STRING_LENGTH")
        with self.lock:
            stored = self.replays.get((endpoint, key))
            if stored is not None:
                return SimResponse(200, stored.body)
            if (endpoint, key) in self.in_flight:
                raise SimulatorError(409, "PREVIOUS_REQUEST_IN_PROGRESS")
            self.in_flight.add((endpoint, key))
        try:
            response = work()
            if response is not DROP and 200 <= response.status < 300:
                with self.lock:
                    self.replays[(endpoint, key)] = response
            return response
        finally:
            with self.lock:
                self.in_flight.discard((endpoint, key))

    def _link(self, request, path, rel, method="GET"):
        return {"href": request.base_url + path, "rel": rel, "method": method}

    # ----------------------------------------------------------------------------- OAuth

    def token(self, request):
        auth = request.headers.get("authorization", "")
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if auth != f"Basic {expected}":
            return SimResponse(401, {"error": "invalid_client", "error_description": "Client Authentication failed"})
        if parse_qs(request.body.decode()).get("grant_type") != ["client_credentials"]:
            return SimResponse(400, {"error": "unsupported_grant_type", "error_description": "grant_type"})
        token = "A21AA" + secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = time.time() + self.token_lifetime
        return SimResponse(
            200,
            {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime, "app_id": "APP-SIM"},
        )

    # ----------------------------------------------------------------------------- orders

    def create_order(self, request):
        outcome = self._next_outcome(self.next_create_outcomes)
        if outcome == "500":  # PayPal failed before creating anything
            raise SimulatorError(500)
        body = self._json_body(request, operation=OPERATIONS["create_order"])
        if body["intent"] != "CAPTURE":
            raise _unprocessable("UNSUPPORTED_INTENT", "/intent")  # this simulator only captures
        units = body["purchase_units"]
        if len(units) != 1:
            raise _invalid("INVALID_ARRAY_MAX_ITEMS", "/purchase_units")  # one unit is all the shop sends
        total, currency = validate_purchase_unit(units[0])
        invoice_id = units[0].get("invoice_id")
        if invoice_id and invoice_id in self.used_invoice_ids:
            raise _unprocessable("DUPLICATE_INVOICE_ID", "/purchase_units/0/invoice_id")
        context = (body.get("payment_source") or {}).get("paypal", {}).get("experience_context") or body.get(
            "application_context", {}
        )

        def work():
            order_id = paypal_id()
            order = {
                "id": order_id,
                "intent": "CAPTURE",
                "status": "PAYER_ACTION_REQUIRED",
                "purchase_units": [dict(units[0], reference_id=units[0].get("reference_id", "default"))],
                "create_time": now_rfc3339(),
                "_return_url": context.get("return_url"),
                "_cancel_url": context.get("cancel_url"),
                "_brand_name": context.get("brand_name") or "the merchant",
            }
            with self.lock:
                self.orders[order_id] = order
            return SimResponse(201, self._order_view(request, order))

        response = self._idempotent("create", request, work)
        if outcome == "TIMEOUT":  # PayPal created the order (and stored the replay); the answer is late
            time.sleep(self.timeout_seconds)
        return response

    def _next_outcome(self, queue):
        with self.lock:
            return queue.pop(0) if queue else None

    def _order_view(self, request, order):
        view = {key: value for key, value in order.items() if not key.startswith("_")}
        view["purchase_units"] = [self._public_unit(unit) for unit in order["purchase_units"]]
        view["links"] = [
            self._link(request, f"/v2/checkout/orders/{order['id']}", "self"),
            self._link(request, f"/checkoutnow?token={order['id']}", "payer-action"),
        ]
        return view

    def _public_unit(self, unit):
        """A snapshot of the unit as the Orders API shows it (its captures without Payments-only fields)."""
        if "payments" not in unit:
            return dict(unit)
        captures = [self._public_capture(capture) for capture in unit["payments"]["captures"]]
        for capture in captures:
            capture.pop("supplementary_data")  # Payments v2 shows it; the Orders v2 capture schema has none
        return dict(unit, payments={"captures": captures})

    def _order(self, order_id):
        order = self.orders.get(order_id)
        if order is None:
            raise SimulatorError(404, "INVALID_RESOURCE_ID")
        return order

    def get_order(self, request, order_id):
        with self.lock:
            return SimResponse(200, self._order_view(request, self._order(order_id)))

    def capture_order(self, request, order_id):
        self._json_body(request, required=False, operation=OPERATIONS["capture_order"])
        # Taken as the request arrives, so a replay of a late capture can be late again.
        outcome = self._next_outcome(self.next_capture_outcomes)
        if outcome == "500":
            raise SimulatorError(500)

        def work():
            with self.lock:
                order = self._order(order_id)
                if order["status"] == "COMPLETED":
                    raise _unprocessable("ORDER_ALREADY_CAPTURED")
                if order["status"] != "APPROVED":
                    raise _unprocessable("ORDER_NOT_APPROVED")
                unit = order["purchase_units"][0]
                if unit.get("invoice_id") in self.used_invoice_ids:  # another order captured it meanwhile
                    raise _unprocessable("DUPLICATE_INVOICE_ID")
                if outcome == "DECLINED":
                    raise _unprocessable("INSTRUMENT_DECLINED")
                capture = {
                    "id": paypal_id(),
                    "status": "PENDING" if outcome == "PENDING" else "COMPLETED",
                    "amount": dict(unit["amount"]),
                    "final_capture": True,
                    "invoice_id": unit.get("invoice_id"),
                    "custom_id": unit.get("custom_id"),
                    "supplementary_data": {"related_ids": {"order_id": order_id}},
                    "create_time": now_rfc3339(),
                    "_refunded": "0",
                }
                capture["amount"].pop("breakdown", None)
                if outcome == "PENDING":
                    capture["status_details"] = {"reason": "PENDING_REVIEW"}
                self.captures[capture["id"]] = capture
                unit["payments"] = {"captures": [capture]}
                order["status"] = "COMPLETED"
                self.capture_calls += 1
                if unit.get("invoice_id"):
                    self.used_invoice_ids.add(unit["invoice_id"])
                return SimResponse(201, self._order_view(request, order))

        response = self._idempotent("capture", request, work)
        # PayPal captured (or replayed) and stored the replay; only the answer is late or lost.
        if outcome == "TIMEOUT":
            time.sleep(self.timeout_seconds)
        if outcome == "DROP":
            return DROP
        return response

    def _public_capture(self, capture):
        return {key: value for key, value in capture.items() if not key.startswith("_")}

    def get_capture(self, request, capture_id):
        with self.lock:
            capture = self.captures.get(capture_id)
            if capture is None:
                raise SimulatorError(404, "INVALID_RESOURCE_ID")
            return SimResponse(200, self._public_capture(capture))

    def refund_capture(self, request, capture_id):
        body = self._json_body(request, required=False, operation=OPERATIONS["refund_capture"])

        def work():
            with self.lock:
                capture = self.captures.get(capture_id)
                if capture is None:
                    raise SimulatorError(404, "INVALID_RESOURCE_ID")
                if capture["status"] == "PENDING":
                    raise _unprocessable("PENDING_CAPTURE")
                currency = capture["amount"]["currency_code"]
                remaining = Decimal(capture["amount"]["value"]) - Decimal(capture["_refunded"])
                if remaining <= 0:
                    raise _unprocessable("CAPTURE_FULLY_REFUNDED")
                if "amount" in body:
                    if body["amount"]["currency_code"] != currency:
                        raise _unprocessable("REFUND_CAPTURE_CURRENCY_MISMATCH", "/amount/currency_code")
                    amount = _money(body["amount"], currency, "/amount")
                    if amount <= 0:
                        raise _unprocessable("CANNOT_BE_ZERO_OR_NEGATIVE", "/amount/value")
                    if amount > remaining:
                        raise _unprocessable("REFUND_AMOUNT_EXCEEDED", "/amount/value")
                else:
                    amount = remaining
                refunded = Decimal(capture["_refunded"]) + amount
                capture["_refunded"] = str(refunded)
                capture["status"] = (
                    "REFUNDED" if refunded == Decimal(capture["amount"]["value"]) else "PARTIALLY_REFUNDED"
                )
                refund = {
                    "id": paypal_id(),
                    "status": "COMPLETED",
                    "amount": {"currency_code": currency, "value": str(amount)},
                    "links": [self._link(request, f"/v2/payments/captures/{capture_id}", "up")],
                    "create_time": now_rfc3339(),
                }
                self.refunds[refund["id"]] = refund
                return SimResponse(201, refund)

        return self._idempotent("refund", request, work)

    # ----------------------------------------------------------------------------- buyer pages

    def approve_page(self, request):
        order_id = (request.query.get("token") or [""])[0]
        with self.lock:
            order = self.orders.get(order_id)
        if order is None:
            return SimResponse(404, "<h1>This PayPal order does not exist.</h1>")
        amount = order["purchase_units"][0]["amount"]
        brand = escape(order["_brand_name"])
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>PayPal simulator</title>
<style>{APPROVE_PAGE_CSS}</style></head>
<body><main><p class="sim">Simulator: no real payment is made</p><h1>PayPal</h1>
<p class="amount">Pay {escape(amount["value"])} {escape(amount["currency_code"])} to {brand}.</p>
<form method="post" action="{escape(request.base_url)}/checkoutnow/approve">
<input type="hidden" name="token" value="{escape(order_id)}">
<button type="submit">Approve payment</button></form>
<p><a href="{escape(request.base_url)}/checkoutnow/cancel?token={escape(order_id)}">
Cancel and return to {brand}</a></p>
</main></body></html>"""
        return SimResponse(200, page)

    def approve(self, order_id):
        with self.lock:
            order = self._order(order_id)
            if order["status"] in {"CREATED", "PAYER_ACTION_REQUIRED"}:
                order["status"] = "APPROVED"
                order["payment_source"] = {"paypal": {"email_address": "buyer@example.com", "account_id": PAYER_ID}}
                order["payer"] = {"payer_id": PAYER_ID, "email_address": "buyer@example.com"}
            return order

    def approve_form(self, request):
        order_id = parse_qs(request.body.decode()).get("token", [""])[0]
        order = self.approve(order_id)
        query = urlencode({"token": order_id, "PayerID": PAYER_ID})
        return SimResponse(302, "", {"Location": f"{order['_return_url']}?{query}"})

    def cancel_link(self, request):
        order_id = (request.query.get("token") or [""])[0]
        with self.lock:
            order = self._order(order_id)
        return SimResponse(302, "", {"Location": f"{order['_cancel_url']}?{urlencode({'token': order_id})}"})

    # ----------------------------------------------------------------------------- webhooks

    def certificate(self, request):
        return SimResponse(200, self.certificate_pem, {"Content-Type": "application/x-pem-file"})

    def signed_webhook(self, base_url, webhook_id, event_type, resource, resource_type="capture", sent_at=None):
        """A webhook event as PayPal sends it: the exact body bytes and the signature headers."""
        event = {
            "id": f"WH-{paypal_id()}-{paypal_id()}",
            "event_version": "1.0",
            "create_time": now_rfc3339(),
            "resource_type": resource_type,
            "event_type": event_type,
            "summary": event_type,
            "resource": resource,
        }
        body = json.dumps(event).encode()
        transmission_id = str(uuid.uuid4())
        transmission_time = (sent_at or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        message = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body) & 0xFFFFFFFF}"
        signature = self.key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
        headers = {
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-TIME": transmission_time,
            "PAYPAL-TRANSMISSION-SIG": base64.b64encode(signature).decode(),
            "PAYPAL-CERT-URL": f"{base_url}/v1/notifications/certs/{CERT_NAME}",
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
            "PAYPAL-AUTH-VERSION": "v2",
            "Content-Type": "application/json",
        }
        return body, headers

    def capture_resource(self, capture_id):
        with self.lock:
            capture = self.captures[capture_id]
            return self._public_capture(capture)

    # ----------------------------------------------------------------------------- test controls

    def control_approve(self, request, order_id):
        order = self.approve(order_id)
        return SimResponse(200, {"id": order_id, "status": order["status"]})

    def control_next_capture(self, request):
        return self._queue_outcome(request, CAPTURE_OUTCOMES, self.next_capture_outcomes)

    def control_next_create(self, request):
        return self._queue_outcome(request, CREATE_OUTCOMES, self.next_create_outcomes)

    def _queue_outcome(self, request, allowed, queue):
        outcome = self._json_body(request).get("outcome")
        if outcome not in allowed:
            raise _invalid("INVALID_PARAMETER_VALUE", f"outcome must be one of {sorted(allowed)}")
        with self.lock:
            queue.append(outcome)
        return SimResponse(200, {"queued": list(queue)})

    def control_state(self, request):
        with self.lock:
            return SimResponse(
                200,
                {
                    "orders": len(self.orders),
                    "captures": self.capture_calls,
                    "refunds": len(self.refunds),
                    "capture_requests_without_request_id": sum(
                        1 for method, path, key in self.calls if path.endswith("/capture") and not key
                    ),
                },
            )

    def control_webhook(self, request):
        """Deliver a signed webhook to `url`; answers with what the listener said."""
        body = self._json_body(request)
        event_body, headers = self.signed_webhook(
            request.base_url,
            body["webhook_id"],
            body["event_type"],
            body["resource"],
            body.get("resource_type", "capture"),
        )
        delivered = requests.post(body["url"], data=event_body, headers=headers, timeout=10)
        return SimResponse(200, {"status": delivered.status_code, "event": json.loads(event_body)})
