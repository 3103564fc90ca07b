"""Contract tests: our PayPal client and simulator against PayPal's own OpenAPI specs (checkout/paypal/contract/).

The simulator is the only PayPal the suite meets, so a misunderstanding shared by client and
simulator would pass every other test. Here every request body the real client sends over HTTP
(recorded where the simulator receives it) must validate against PayPal's request schemas, and
every answer the simulator gives against PayPal's response schemas, with two extra rules
(checkout/tests/paypal_contract.py): no field PayPal does not declare, no read-only field sent.
"""

import json
from decimal import Decimal

import pytest
from oscar.core.loading import get_class, get_model

from catalogue.tests.factories import make_book, make_category
from checkout.paypal import facade
from checkout.paypal.client import PayPalClient
from checkout.paypal.simulator.contract import request_schema, response_schema
from checkout.paypal.simulator.core import DROP, SimResponse
from checkout.tests.fixtures import (
    ADDRESS,
    add_to_basket,
    approve_at_paypal,
    checkout_to_paypal,
    local_path,
    started_attempt,
)
from checkout.tests.fixtures import paypal_simulator as paypal_simulator
from checkout.tests.paypal_contract import problems

Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")
Order = get_model("order", "Order")
Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Selector = get_class("partner.strategy", "Selector")

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
OAUTH_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}


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


def contract_breaches(exchanges):
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
        if request.body.strip():
            body = json.loads(request.body)
            breaches += [f"{where} request: {line}" for line in problems(body, request_schema(*operation), True)]
        answer = problems(response.body, response_schema(*operation, response.status))
        breaches += [f"{where} answer: {line}" for line in answer]
    return breaches, met


def assert_within_contract(exchanges, *expected):
    breaches, met = contract_breaches(exchanges)
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
    PayPalClient().get_capture(facade.PaymentAttempt.objects.get().capture_id)

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
