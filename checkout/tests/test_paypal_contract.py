"""Contract tests: our PayPal client and simulator against PayPal's own OpenAPI specs (checkout/paypal/contract/).

The simulator is the only PayPal the suite meets, so a misunderstanding shared by client and
simulator would pass every other test. Here every request body the real client sends over HTTP
(recorded where the simulator receives it) must validate against PayPal's request schemas, and
every answer the simulator gives against PayPal's response schemas, with two extra rules
(checkout/tests/paypal_contract.py): no field PayPal does not declare, no read-only field sent.
"""

import contextlib
import copy
import json
from decimal import Decimal

import pytest
import requests
from oscar.core.loading import get_class, get_model

from checkout.models import PaymentAttempt
from checkout.order.receivers import DECLINED_CAPTURE_STATUSES
from checkout.paypal import amounts, facade
from checkout.paypal.client import DECLINE_MESSAGES, PayPalClient, PayPalDeclined, PayPalUnavailable
from checkout.paypal.simulator.contract import documented_issues, request_schema, response_schema, spec
from checkout.paypal.simulator.core import DROP, SimResponse
from checkout.paypal.webhook_handlers import CAPTURE_STATUS_TO_ORDER
from checkout.tests.paypal_contract import problems
from checkout.tests.steps import (
    ADDRESS,
    add_to_basket,
    approved_attempt,
    checkout_to_paypal,
    local_path,
    started_attempt,
)
from checkout.tests.test_paypal_client import ORDER
from testing.factories import make_book, make_category
from testing.paypal import approve_at_paypal

Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")
Order = get_model("order", "Order")
Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Selector = get_class("partner.strategy", "Selector")
PaymentError = get_class("payment.exceptions", "PaymentError")

pytestmark = pytest.mark.django_db

# Each API path the simulator serves → the spec operation it implements.
OPERATIONS = [
    ("POST", ("v2", "checkout", "orders"), ("orders", "post", "/v2/checkout/orders")),
    ("GET", ("v2", "checkout", "orders", None), ("orders", "get", "/v2/checkout/orders/{id}")),
    ("POST", ("v2", "checkout", "orders", None, "capture"), ("orders", "post", "/v2/checkout/orders/{id}/capture")),
    ("GET", ("v2", "payments", "captures", None), ("payments", "get", "/v2/payments/captures/{capture_id}")),
    (
        "POST",
        ("v2", "payments", "captures", None, "refund"),
        ("payments", "post", "/v2/payments/captures/{capture_id}/refund"),
    ),
]
# The OpenAPI files only name the token URL; the answer is RFC 6749 §5.1 plus the fields PayPal's
# token documentation adds (scope, app_id, nonce), and errors are RFC 6749 §5.2.
OAUTH_TOKEN = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in"],
    "properties": {
        "access_token": {"type": "string", "minLength": 1},
        "token_type": {"enum": ["Bearer"]},
        "expires_in": {"type": "integer", "minimum": 1},
        "scope": {"type": "string"},
        "app_id": {"type": "string"},
        "nonce": {"type": "string"},
    },
}
OAUTH_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "error_description": {"type": "string"},
        "error_uri": {"type": "string"},
    },
}


def operation_of(request):
    parts = tuple(part for part in request.path.split("/") if part)
    for method, pattern, operation in OPERATIONS:
        if request.method == method and len(parts) == len(pattern):
            if all(want is None or want == part for want, part in zip(pattern, parts, strict=True)):
                return operation
    return None


@pytest.fixture
def exchanges(paypal_simulator, monkeypatch):
    """Every (request, response) the simulator handles over HTTP during the test, in order."""
    recorded = []
    handle = paypal_simulator.handle

    def recording(request):  # a copy of each answer as sent: the simulator's own objects change later
        response = handle(request)
        data, content_type = response.encoded() if response is not DROP else (b"", "")
        answer = json.loads(data) if content_type == "application/json" and data else data
        recorded.append((request, SimResponse(response.status if response is not DROP else 0, answer)))
        return response

    monkeypatch.setattr(paypal_simulator, "handle", recording)
    return recorded


def contract_breaches(exchanges, check_requests=True):
    """Each request body and answer of PayPal's API that breaks PayPal's spec; also the operations met."""
    breaches, met = [], set()
    for request, response in exchanges:
        operation = operation_of(request)
        where = f"{request.method} {request.path} → {response.status}"
        if request.path == "/v1/oauth2/token":
            schema = OAUTH_TOKEN if response.status == 200 else OAUTH_ERROR
            breaches += [f"{where}: {line}" for line in problems(response.body, schema)]
            continue
        if operation is None:
            continue  # buyer pages, certificates and test controls are not PayPal's REST API
        met.add((operation[1].upper(), operation[2], response.status))
        if check_requests and request.body.strip():
            body = json.loads(request.body)
            breaches += [f"{where} request: {line}" for line in problems(body, request_schema(*operation), True)]
        answer = problems(response.body, response_schema(*operation, response.status))
        breaches += [f"{where} answer: {line}" for line in answer]
    return breaches, met


def assert_within_contract(exchanges, *expected, check_requests=True):
    breaches, met = contract_breaches(exchanges, check_requests)
    assert breaches == [], "\n".join(breaches)
    assert set(expected) <= met, f"expected {set(expected) - met} among {met}"


# ------------------------------------------------------------------------------ requests and answers


def test_a_guest_checkout_and_refund_stay_within_paypals_spec(client, exchanges, paypal_simulator):
    book = make_book(make_category(), title="Middlemarch", price="11.50", stock=3)
    add_to_basket(client, book, 2)
    client.get(local_path(approve_at_paypal(checkout_to_paypal(client))))
    order = Order.objects.get()

    facade.refund(order, Decimal("5.00"))
    facade.refund(order, order.total_incl_tax - Decimal("5.00"))
    PayPalClient().get_capture(PaymentAttempt.objects.get().capture_id)

    assert_within_contract(
        exchanges,
        ("POST", "/v2/checkout/orders", 201),
        ("GET", "/v2/checkout/orders/{id}", 200),
        ("POST", "/v2/checkout/orders/{id}/capture", 201),
        ("POST", "/v2/payments/captures/{capture_id}/refund", 201),
        ("GET", "/v2/payments/captures/{capture_id}", 200),
    )


def _offer_everything_free():
    """A 100 % site offer: the books cost nothing, and only shipping is left to pay."""
    everything = Range.objects.create(name="Everything", includes_all_products=True)
    condition = Condition.objects.create(range=everything, type=Condition.COUNT, value=1)
    benefit = Benefit.objects.create(range=everything, type=Benefit.PERCENTAGE, value=Decimal("100"))
    ConditionalOffer.objects.create(
        name="Free books", offer_type=ConditionalOffer.SITE, condition=condition, benefit=benefit
    )


LONGEST_ADDRESS = {  # every field at the length Oscar's form allows
    "first_name": "A" * 255,
    "last_name": "L" * 255,
    "line1": "1" * 255,
    "line2": "2" * 255,
    "line4": "B" * 255,
    "state": "S" * 255,
    "postcode": "9" * 64,
    "country_id": "DE",
}
NON_ASCII_ADDRESS = {
    "first_name": "Zoë",
    "last_name": "Łukasiewicz-Ørsted",
    "line1": "Straße des 17. Juni 135",
    "line4": "Köln",
    "postcode": "50667",
    "country_id": "DE",
}
PLAIN_ADDRESS = {key: value for key, value in ADDRESS.items() if key != "country"} | {"country_id": "DE"}


@pytest.mark.parametrize(
    ("titles", "address", "free_books", "method_code"),
    [
        pytest.param(["Emma"], LONGEST_ADDRESS, False, "standard", id="longest-address-fields"),
        pytest.param(["Emma"], None, False, "standard", id="guest-without-address"),
        pytest.param(["Emma", "Persuasion"], PLAIN_ADDRESS, True, "standard", id="lines-100%-off"),
        pytest.param(["Emma", "Persuasion", "Sanditon"], PLAIN_ADDRESS, False, "express", id="three-lines-express"),
        pytest.param(
            ["Der Zauberberg – Ärger über Öl", "罪と罰"], NON_ASCII_ADDRESS, False, "standard", id="non-ascii"
        ),
        pytest.param(["T" * 255], PLAIN_ADDRESS, False, "standard", id="title-longer-than-an-item-name"),
    ],
)
def test_each_basket_shape_is_a_valid_paypal_order(
    exchanges, paypal_simulator, titles, address, free_books, method_code
):
    category = make_category()
    books = [
        make_book(category, title=title, price="12.99", stock=5, slug=f"book-{n}") for n, title in enumerate(titles)
    ]
    if free_books:
        _offer_everything_free()
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    for quantity, book in enumerate(books, start=1):
        basket.add_product(book.product, quantity)
    attempt = started_attempt(basket, ShippingAddress(**address) if address else None, method_code)
    paypal_simulator.approve(attempt.paypal_order_id)

    facade.complete_attempt(attempt.pk)

    create = next(request for request, _ in exchanges if request.path == "/v2/checkout/orders")
    unit = json.loads(create.body)["purchase_units"][0]
    assert len(unit["items"]) == len(titles)
    breakdown = unit["amount"]["breakdown"]  # items at full price; an offer is a discount on them
    assert (breakdown.get("discount") == breakdown["item_total"]) == free_books
    assert_within_contract(
        exchanges, ("POST", "/v2/checkout/orders", 201), ("POST", "/v2/checkout/orders/{id}/capture", 201)
    )


@pytest.fixture
def paid_attempt(paypal_simulator):
    book = make_book(make_category(), title="Mansfield Park", price="20.00", stock=3)
    return facade.complete_attempt(approved_attempt(book, paypal_simulator).pk)


@pytest.mark.parametrize(("outcome", "status"), [("PENDING", 201), ("DECLINED", 422), ("500", 500)])
def test_capture_outcomes_are_answered_as_paypal_documents(exchanges, paypal_simulator, outcome, status):
    attempt = approved_attempt(make_book(make_category(), title="Emma", stock=3), paypal_simulator)
    paypal_simulator.next_capture_outcomes.append(outcome)

    with contextlib.suppress(PaymentError):
        facade.complete_attempt(attempt.pk)

    assert_within_contract(exchanges, ("POST", "/v2/checkout/orders/{id}/capture", status))


def test_error_answers_are_paypals_documented_errors(exchanges, paypal_simulator, paid_attempt):
    client = PayPalClient()
    emma = make_book(make_category(title="Novels"), title="Emma")
    unapproved = approved_attempt(emma, paypal_simulator, approve=False)
    calls = [
        lambda: client.get_order("NOSUCHORDER000000"),
        lambda: client.get_capture("NOSUCHCAPTURE0000"),
        lambda: client.capture_order(unapproved.paypal_order_id, "capture-unapproved"),
        lambda: client.capture_order(paid_attempt.paypal_order_id, "capture-again-with-a-new-id"),
        lambda: client.refund_capture(paid_attempt.capture_id, {"amount": amounts.money(999, "EUR")}, "refund-999"),
        lambda: client.refund_capture(paid_attempt.capture_id, {}, "refund-all"),  # succeeds
        lambda: client.refund_capture(paid_attempt.capture_id, {}, "refund-all-again"),
    ]
    for call in calls:
        with contextlib.suppress(PaymentError):
            call()
    requests.get(f"{paypal_simulator.base_url}/v2/checkout/orders/X", headers={"Authorization": "Bearer nope"})
    requests.post(f"{paypal_simulator.base_url}/v1/oauth2/token", data={"grant_type": "client_credentials"})

    assert_within_contract(
        exchanges,
        ("GET", "/v2/checkout/orders/{id}", 404),
        ("GET", "/v2/checkout/orders/{id}", 401),
        ("GET", "/v2/payments/captures/{capture_id}", 404),
        ("POST", "/v2/checkout/orders/{id}/capture", 422),
        ("POST", "/v2/payments/captures/{capture_id}/refund", 422),
    )
    issues = [response.body["details"][0]["issue"] for _, response in exchanges if response.status == 422]
    assert issues == [
        "ORDER_NOT_APPROVED",
        "ORDER_ALREADY_CAPTURED",
        "REFUND_AMOUNT_EXCEEDED",
        "CAPTURE_FULLY_REFUNDED",
    ]


# ------------------------------------------------------------------------------ error issue names

CAPTURE_422 = ("orders", "post", "/v2/checkout/orders/{id}/capture", 422)
CREATE_422 = ("orders", "post", "/v2/checkout/orders", 422)
REFUND_422 = ("payments", "post", "/v2/payments/captures/{capture_id}/refund", 422)
# Where our code meets each issue it reacts to: client.DECLINE_MESSAGES, and facade's ORDER_ALREADY_CAPTURED.
ISSUES_MET = {issue: [CAPTURE_422] for issue in DECLINE_MESSAGES} | {
    "ORDER_ALREADY_CAPTURED": [CAPTURE_422],
    "DUPLICATE_INVOICE_ID": [CREATE_422, CAPTURE_422],
    "REFUND_AMOUNT_EXCEEDED": [REFUND_422],
    "CAPTURE_FULLY_REFUNDED": [REFUND_422],
    "PENDING_CAPTURE": [REFUND_422],
}


def test_every_issue_our_code_reacts_to_is_one_paypal_documents_where_we_meet_it():
    """ "Documented" is read from the spec's structure, not its prose: the issue must be an enum value of
    `details[].issue` in the error schema that the operation's answer with that status has (the
    `422` schema's anyOf branches, reached through $ref and allOf by `documented_issues`)."""
    undocumented = [
        f"{issue} on {method.upper()} {path} {status}"
        for issue, operations in ISSUES_MET.items()
        for spec_name, method, path, status in operations
        if issue not in documented_issues(spec_name, method, path, status)
    ]

    assert undocumented == []
    assert set(DECLINE_MESSAGES) <= set(ISSUES_MET)


def test_every_capture_status_our_code_reacts_to_is_one_paypal_defines():
    """Webhook handling re-fetches the capture and acts on its status: a status PayPal never
    returns (DENIED is an event name, not a capture status) would be a branch that never runs."""
    defined = set(spec("payments")["components"]["schemas"]["capture_status"]["properties"]["status"]["enum"])

    assert set(CAPTURE_STATUS_TO_ORDER) <= defined
    assert DECLINED_CAPTURE_STATUSES <= defined


# ------------------------------------------------------------------------------ webhooks


def test_webhook_events_our_code_handles_carry_paypals_resources(paypal_simulator, paid_attempt, settings):
    """PayPal's webhooks spec has no enum of event types: `event.event_type` is a free string, and
    the names appear only in prose. So each event type our code reacts to (checkout.tasks) is
    checked by what it carries: the envelope against the spec's `event` schema, and the resource
    against the schema of the resource PayPal names for it (an Orders v2 `order`, a Payments v2
    `capture-2` or `refund`). The assertion on the spec keeps this honest if an enum is added."""
    assert "enum" not in spec("webhooks")["components"]["schemas"]["event"]["properties"]["event_type"]
    client = PayPalClient()
    order = client.get_order(paid_attempt.paypal_order_id)
    capture = paypal_simulator.capture_resource(paid_attempt.capture_id)
    refund = client.refund_capture(paid_attempt.capture_id, {}, f"refund-webhook-{paid_attempt.pk}")
    order_schema = {"$ref": "urn:paypal:orders#/components/schemas/order"}
    capture_schema = {"$ref": "urn:paypal:payments#/components/schemas/capture-2"}
    refund_schema = {"$ref": "urn:paypal:payments#/components/schemas/refund"}
    events = [
        ("CHECKOUT.ORDER.APPROVED", "checkout-order", order, order_schema),
        ("PAYMENT.CAPTURE.COMPLETED", "capture", capture, capture_schema),
        ("PAYMENT.CAPTURE.PENDING", "capture", capture | {"status": "PENDING"}, capture_schema),
        ("PAYMENT.CAPTURE.DENIED", "capture", capture | {"status": "DECLINED"}, capture_schema),
        ("PAYMENT.CAPTURE.REFUNDED", "refund", refund, refund_schema),
        ("PAYMENT.CAPTURE.REVERSED", "refund", refund, refund_schema),
    ]
    breaches = []
    for event_type, resource_type, resource, resource_schema in events:
        body, _ = paypal_simulator.signed_webhook(
            paypal_simulator.base_url, settings.PAYPAL_WEBHOOK_ID, event_type, resource, resource_type
        )
        event = json.loads(body)
        breaches += [
            f"{event_type}: {line}"
            for line in problems(event, {"$ref": "urn:paypal:webhooks#/components/schemas/event"})
        ]
        breaches += [f"{event_type} resource: {line}" for line in problems(event["resource"], resource_schema)]

    assert breaches == [], "\n".join(breaches)


# ------------------------------------------------------------------------------ the simulator as strict as PayPal


def _order_body(**unit_changes):
    body = copy.deepcopy(ORDER)  # a valid EUR order: 2 × 4.50 + 3.90 shipping
    body["purchase_units"][0].update(unit_changes)
    return body


def _yen(value, item_total=None):
    money = {"currency_code": "JPY", "value": value}
    return {"currency_code": "JPY", "value": value, "breakdown": {"item_total": dict(money, value=item_total or value)}}


@pytest.mark.parametrize(
    ("body", "request_id", "status", "issue", "field"),
    [
        (
            _order_body(description="D" * 128),
            "long-description",
            400,
            "INVALID_STRING_LENGTH",
            "/purchase_units/0/description",
        ),
        (
            _order_body(shipping={"address": {"country_code": "de"}}),
            "lower-country",
            400,
            "INVALID_PARAMETER_SYNTAX",
            "/purchase_units/0/shipping/address/country_code",
        ),
        (
            _order_body(shipping={"address": {"postal_code": "1" * 61, "country_code": "DE"}}),
            "long-postcode",
            400,
            "INVALID_STRING_LENGTH",
            "/purchase_units/0/shipping/address/postal_code",
        ),
        (
            _order_body(
                items=[{"name": "Book", "quantity": "0", "unit_amount": {"currency_code": "EUR", "value": "4.50"}}]
            ),
            "zero-quantity",
            400,
            "INVALID_PARAMETER_SYNTAX",
            "/purchase_units/0/items/0/quantity",
        ),
        ({"purchase_units": _order_body()["purchase_units"]}, "no-intent", 400, "MISSING_REQUIRED_PARAMETER", ""),
        (
            _order_body(amount={"currency_code": "EUR", "value": "0.00"}, items=[]),
            "zero-total",
            422,
            "CANNOT_BE_ZERO_OR_NEGATIVE",
            "/purchase_units/0/amount/value",
        ),
        (
            _order_body(amount=_yen("1290.50"), items=[]),
            "yen-with-cents",
            422,
            "DECIMAL_PRECISION",
            "/purchase_units/0/amount/value",
        ),
        (
            _order_body(amount=_yen("1290", item_total="1200")),
            "breakdown-off",
            422,
            "AMOUNT_MISMATCH",
            "/purchase_units/0/amount/value",
        ),
        (_order_body(), "R" * 109, 400, "INVALID_STRING_LENGTH", None),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_the_simulator_refuses_what_paypals_spec_refuses(
    exchanges, paypal_simulator, body, request_id, status, issue, field
):
    token = PayPalClient()._sdk.auth_managers["Oauth2"]._get_token_from_provider().access_token
    answer = requests.post(
        f"{paypal_simulator.base_url}/v2/checkout/orders",
        json=body,
        headers={"Authorization": f"Bearer {token}", "PayPal-Request-Id": request_id},
        timeout=10,
    )

    detail = answer.json()["details"][0]
    assert (answer.status_code, detail["issue"], detail.get("field")) == (status, issue, field)
    assert_within_contract(exchanges, ("POST", "/v2/checkout/orders", status), check_requests=False)


def test_a_second_paypal_order_for_a_paid_order_number_is_never_captured(paypal_simulator, paid_attempt):
    """PayPal refuses a capture whose invoice id another capture already used (DUPLICATE_INVOICE_ID)."""
    client = PayPalClient()
    body = {
        "intent": "CAPTURE",
        "purchase_units": [client.get_order(paid_attempt.paypal_order_id)["purchase_units"][0]],
    }
    body["purchase_units"][0] = {key: body["purchase_units"][0][key] for key in ("invoice_id", "amount")}
    paypal_simulator.used_invoice_ids.discard(paid_attempt.order_number)  # created before the first capture
    second = client.create_order(body, "create-second-order-same-number")
    paypal_simulator.used_invoice_ids.add(paid_attempt.order_number)
    paypal_simulator.approve(second["id"])
    captures_before = paypal_simulator.capture_calls

    with pytest.raises(PayPalDeclined) as refused:
        client.capture_order(second["id"], "capture-second-order-same-number")

    assert refused.value.issue == "DUPLICATE_INVOICE_ID"
    assert "nothing more was charged" in str(refused.value)
    assert paypal_simulator.capture_calls == captures_before


def test_an_in_flight_duplicate_refund_is_a_conflict_not_a_second_refund(exchanges, paypal_simulator, paid_attempt):
    """Payments v2 documents 409 PREVIOUS_REQUEST_IN_PROGRESS for a refund whose request id is still running."""
    refunds_before = len(paypal_simulator.refunds)
    paypal_simulator.in_flight.add(("refund", "refund-in-flight"))
    try:
        with pytest.raises(PayPalUnavailable) as conflict:
            PayPalClient().refund_capture(paid_attempt.capture_id, {}, "refund-in-flight")
    finally:
        paypal_simulator.in_flight.discard(("refund", "refund-in-flight"))

    assert (conflict.value.status, conflict.value.issue) == (409, "PREVIOUS_REQUEST_IN_PROGRESS")
    assert len(paypal_simulator.refunds) == refunds_before
    assert_within_contract(exchanges, ("POST", "/v2/payments/captures/{capture_id}/refund", 409))


@pytest.mark.parametrize(
    ("issue", "shown"),
    [
        ("DUPLICATE_INVOICE_ID", "already taken a payment for this order number"),
        ("REFUND_AMOUNT_EXCEEDED", "more than what is left of the payment"),
        ("CAPTURE_FULLY_REFUNDED", "already refunded in full"),
        ("PENDING_CAPTURE", "still pending at PayPal"),
    ],
)
def test_new_refusals_reach_people_as_clear_messages(issue, shown):
    assert shown in str(PayPalDeclined(issue))
