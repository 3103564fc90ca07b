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

ZERO_DECIMAL_CURRENCIES = {"HUF", "JPY", "TWD"}
CAPTURE_OUTCOMES = {"DECLINED", "PENDING", "500", "TIMEOUT", "DROP"}
CREATE_OUTCOMES = {"500", "TIMEOUT"}
CERT_NAME = "CERT-simulator"
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


class SimulatorError(Exception):
    def __init__(self, status, name, issue, description=""):
        super().__init__(issue)
        self.response = SimResponse(
            status,
            {
                "name": name,
                "message": description or issue,
                "debug_id": secrets.token_hex(7),
                "details": [{"issue": issue, "description": description or issue}],
            },
        )


def _invalid(issue, description=""):
    return SimulatorError(400, "INVALID_REQUEST", issue, description)


def _unprocessable(issue, description=""):
    return SimulatorError(422, "UNPROCESSABLE_ENTITY", issue, description)


def paypal_id(length=17):
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(length))


def now_rfc3339():
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(obj, currency, where):
    """Validate a PayPal money object the way PayPal does; return its Decimal value."""
    if not isinstance(obj, dict) or "value" not in obj or "currency_code" not in obj:
        raise _invalid("MISSING_REQUIRED_PARAMETER", f"{where} needs currency_code and value")
    if obj["currency_code"] != currency:
        raise _unprocessable("MULTI_CURRENCY_ORDER", f"{where} is in {obj['currency_code']}, not {currency}")
    value = obj["value"]
    if not isinstance(value, str):
        raise _invalid("INVALID_PARAMETER_SYNTAX", f"{where} value must be a string")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _invalid("INVALID_PARAMETER_SYNTAX", f"{where} value {value!r}")
    decimals = -amount.as_tuple().exponent if "." in value else 0
    allowed = 0 if currency in ZERO_DECIMAL_CURRENCIES else 2
    if decimals > allowed:
        raise _unprocessable("DECIMAL_PRECISION", f"{where} value {value!r} has too many decimals")
    if amount < 0:
        raise _unprocessable("CANNOT_BE_NEGATIVE", where)
    if amount > Decimal("999999999999999.99"):
        raise _unprocessable("MAX_VALUE_EXCEEDED", where)
    return amount


def validate_purchase_unit(unit):
    amount = unit.get("amount")
    if not isinstance(amount, dict):
        raise _invalid("MISSING_REQUIRED_PARAMETER", "purchase_units[0].amount")
    currency = amount.get("currency_code")
    if not isinstance(currency, str) or len(currency) != 3:
        raise _invalid("INVALID_CURRENCY_CODE", str(currency))
    total = _money(amount, currency, "amount")
    if total <= 0:
        raise _unprocessable("CANNOT_BE_ZERO_OR_NEGATIVE", "amount")
    breakdown = amount.get("breakdown") or {}
    parts = {key: _money(value, currency, f"breakdown.{key}") for key, value in breakdown.items()}
    if parts:
        expected = (
            sum(parts.get(key, Decimal(0)) for key in ("item_total", "tax_total", "shipping", "handling", "insurance"))
            - parts.get("shipping_discount", Decimal(0))
            - parts.get("discount", Decimal(0))
        )
        if expected != total:
            raise _unprocessable("AMOUNT_MISMATCH", f"breakdown sums to {expected}, amount is {total}")
    items = unit.get("items") or []
    if items:
        if "item_total" not in parts:
            raise _unprocessable("ITEM_TOTAL_REQUIRED")
        item_sum = Decimal(0)
        for index, item in enumerate(items):
            quantity = str(item.get("quantity", ""))
            if not quantity.isdigit() or quantity.startswith("0") or len(quantity) > 10:
                raise _invalid("INVALID_PARAMETER_VALUE", f"items[{index}].quantity {quantity!r}")
            if not 1 <= len(item.get("name") or "") <= 127:
                raise _invalid("INVALID_STRING_LENGTH", f"items[{index}].name")
            item_sum += _money(item.get("unit_amount"), currency, f"items[{index}].unit_amount") * int(quantity)
        if item_sum != parts["item_total"]:
            raise _unprocessable("ITEM_TOTAL_MISMATCH", f"items sum to {item_sum}, item_total {parts['item_total']}")
    for key in ("invoice_id", "custom_id"):
        if key in unit and not 1 <= len(str(unit[key])) <= 127:
            raise _invalid("INVALID_STRING_LENGTH", key)
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
        try:
            if not request.path.startswith(("/v1/oauth2", "/checkoutnow", "/_sim", "/v1/notifications/certs")):
                self._authenticate(request)
            return handler(request, *args)
        except SimulatorError as error:
            return error.response

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
            raise SimulatorError(401, "AUTHENTICATION_FAILURE", "INVALID_TOKEN", "Access Token not found in cache")

    def _json_body(self, request, required=True):
        if not request.body.strip():
            if required:
                raise _invalid("MALFORMED_REQUEST_JSON", "empty body")
            return {}
        try:
            body = json.loads(request.body)
        except ValueError:
            raise _invalid("MALFORMED_REQUEST_JSON")
        if not isinstance(body, dict):
            raise _invalid("MALFORMED_REQUEST_JSON")
        return body

    def _idempotent(self, endpoint, request, work):
        """PayPal-Request-Id semantics: a replay answers 200 with the stored body (docs/paypal.md §3)."""
        key = request.headers.get("paypal-request-id")
        if not key:
            return work()
        with self.lock:
            stored = self.replays.get((endpoint, key))
            if stored is not None:
                return SimResponse(200, stored.body)
            if (endpoint, key) in self.in_flight:
                raise SimulatorError(409, "RESOURCE_CONFLICT", "PREVIOUS_REQUEST_IN_PROGRESS")
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
            return SimResponse(500, {"name": "INTERNAL_SERVER_ERROR", "message": "simulated", "details": []})
        body = self._json_body(request)
        if body.get("intent") != "CAPTURE":
            raise _invalid("INVALID_PARAMETER_VALUE", "intent must be CAPTURE here")
        units = body.get("purchase_units")
        if not isinstance(units, list) or len(units) != 1:
            raise _invalid("INVALID_ARRAY_MAX_ITEMS", "exactly one purchase unit is supported")
        total, currency = validate_purchase_unit(units[0])
        invoice_id = units[0].get("invoice_id")
        if invoice_id and invoice_id in self.used_invoice_ids:
            raise _unprocessable("DUPLICATE_INVOICE_ID")
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
        view["links"] = [
            self._link(request, f"/v2/checkout/orders/{order['id']}", "self"),
            self._link(request, f"/checkoutnow?token={order['id']}", "payer-action"),
        ]
        return view

    def _order(self, order_id):
        order = self.orders.get(order_id)
        if order is None:
            raise SimulatorError(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", f"order {order_id}")
        return order

    def get_order(self, request, order_id):
        with self.lock:
            return SimResponse(200, self._order_view(request, self._order(order_id)))

    def capture_order(self, request, order_id):
        if request.body.strip():
            self._json_body(request)
        outcome = self._next_outcome(self.next_capture_outcomes)
        if outcome == "500":
            return SimResponse(500, {"name": "INTERNAL_SERVER_ERROR", "message": "simulated", "details": []})

        def work():
            with self.lock:
                order = self._order(order_id)
                if order["status"] == "COMPLETED":
                    raise _unprocessable("ORDER_ALREADY_CAPTURED")
                if order["status"] != "APPROVED":
                    raise _unprocessable("ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment.")
                if outcome == "DECLINED":
                    raise _unprocessable("INSTRUMENT_DECLINED", "The instrument presented was declined.")
                unit = order["purchase_units"][0]
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
                raise SimulatorError(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
            return SimResponse(200, self._public_capture(capture))

    def refund_capture(self, request, capture_id):
        body = self._json_body(request, required=False)

        def work():
            with self.lock:
                capture = self.captures.get(capture_id)
                if capture is None:
                    raise SimulatorError(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
                if capture["status"] == "PENDING":
                    raise _unprocessable("PENDING_CAPTURE")
                currency = capture["amount"]["currency_code"]
                remaining = Decimal(capture["amount"]["value"]) - Decimal(capture["_refunded"])
                if remaining <= 0:
                    raise _unprocessable("CAPTURE_FULLY_REFUNDED")
                if "amount" in body:
                    if body["amount"].get("currency_code") != currency:
                        raise _unprocessable("REFUND_CAPTURE_CURRENCY_MISMATCH")
                    amount = _money(body["amount"], currency, "amount")
                    if amount <= 0:
                        raise _unprocessable("CANNOT_BE_ZERO_OR_NEGATIVE")
                    if amount > remaining:
                        raise _unprocessable("REFUND_AMOUNT_EXCEEDED")
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
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PayPal simulator</title></head>
<body><main><h1>PayPal (simulator)</h1>
<p>Pay {escape(amount["value"])} {escape(amount["currency_code"])} to {brand}.</p>
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
                order["payment_source"] = {
                    "paypal": {"email_address": "buyer@example.com", "account_id": "SIMBUYER0001"}
                }
                order["payer"] = {"payer_id": "SIMBUYER0001", "email_address": "buyer@example.com"}
            return order

    def approve_form(self, request):
        order_id = parse_qs(request.body.decode()).get("token", [""])[0]
        order = self.approve(order_id)
        query = urlencode({"token": order_id, "PayerID": "SIMBUYER0001"})
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
