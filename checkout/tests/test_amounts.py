"""Amounts: random baskets (offers with 4-decimal intermediates, vouchers, shipping) → PayPal payloads
that the simulator accepts, with totals equal to the placed Oscar order total to the cent."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oscar.core.loading import get_class, get_model

from checkout.models import PaymentAttempt
from checkout.order.placement import rebuild_basket
from checkout.paypal import amounts, facade
from checkout.tests.steps import add_to_basket, checkout_to_paypal
from testing.factories import make_book, make_category

Basket = get_model("basket", "Basket")
Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")
ShippingAddress = get_model("order", "ShippingAddress")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")
Repository = get_class("shipping.repository", "Repository")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")

pytestmark = pytest.mark.django_db

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("250.00"), places=2)
baskets = st.lists(st.tuples(prices, st.integers(min_value=1, max_value=7)), min_size=1, max_size=4)


@pytest.fixture
def shop():
    category = make_category()
    books = [make_book(category, title=f"Book {n}", price="1.00", stock=10**6) for n in range(4)]
    everything = Range.objects.create(name="Everything", includes_all_products=True)
    condition = Condition.objects.create(range=everything, type=Condition.COUNT, value=1)
    site_benefit = Benefit.objects.create(range=everything, type=Benefit.PERCENTAGE, value=Decimal("0"))
    site_offer = ConditionalOffer.objects.create(
        name="Site sale", offer_type=ConditionalOffer.SITE, condition=condition, benefit=site_benefit
    )
    voucher_benefit = Benefit.objects.create(range=everything, type=Benefit.FIXED, value=Decimal("0"))
    voucher_offer = ConditionalOffer.objects.create(
        name="Voucher offer", offer_type=ConditionalOffer.VOUCHER, condition=condition, benefit=voucher_benefit
    )
    voucher = Voucher.objects.create(
        name="Gift", code="GIFT", start_datetime="2020-01-01T00:00Z", end_datetime="2099-01-01T00:00Z"
    )
    voucher.offers.add(voucher_offer)
    return books, site_offer, site_benefit, voucher, voucher_benefit


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=baskets,
    percent_off=st.decimals(min_value=Decimal("0"), max_value=Decimal("60"), places=3),
    voucher_off=st.decimals(min_value=Decimal("0"), max_value=Decimal("15"), places=2),
    method_code=st.sampled_from(["standard", "express"]),
)
def test_paypal_totals_equal_oscar_order_totals(shop, paypal_simulator, lines, percent_off, voucher_off, method_code):
    books, site_offer, site_benefit, voucher, voucher_benefit = shop
    site_benefit.value = percent_off  # e.g. 12.345 % gives 4-decimal line prices
    site_benefit.save()
    voucher_benefit.value = voucher_off
    voucher_benefit.save()
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    for book, (price, quantity) in zip(books, lines, strict=False):
        StockRecord.objects.filter(pk=book.stockrecord.pk).update(price=price)  # no page-cache purge per example
        basket.add_product(book.product, quantity)
    if voucher_off:
        basket.vouchers.add(voucher)
    attempt = PaymentAttempt(basket=basket, shipping_method_code=method_code)
    address = ShippingAddress(
        first_name="Ada", last_name="L", line1="1 St", line4="Berlin", postcode="1", country_id="DE"
    )

    basket = rebuild_basket(attempt)
    method = next(m for m in Repository().get_shipping_methods(basket) if m.code == method_code)
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    if amounts.quantize(total.incl_tax, total.currency) <= 0:
        return  # nothing to pay: no PayPal order
    basket.freeze()
    attempt, _ = facade.start_payment(
        basket=basket,
        user=None,
        guest_email="p@example.com",
        shipping_address=address,
        shipping_method=method,
        shipping_charge=charge,
        order_total=total,
        return_url="http://testserver/r",
        cancel_url="http://testserver/c",
    )  # the simulator validates decimals, breakdown sums and the currency, or this raises
    paypal_simulator.approve(attempt.paypal_order_id)
    order = facade.complete_attempt(attempt.pk).order

    paypal_amount = paypal_simulator.orders[attempt.paypal_order_id]["purchase_units"][0]["amount"]
    assert Decimal(paypal_amount["value"]) == order.total_incl_tax == attempt.amount
    assert paypal_amount["currency_code"] == order.currency


def test_tampered_client_side_amounts_are_ignored(client, paypal_simulator):
    book = make_book(make_category(), title="Shirley", price="11.50", stock=3)
    add_to_basket(client, book, 2)
    client.post(reverse("checkout:index"), {"username": "t@example.com", "options": "anonymous"})
    approve_url = checkout_to_paypal(client, email="t@example.com")
    token = approve_url.split("token=")[1]
    # A second, tampered "Pay with PayPal" is refused (basket frozen); the PayPal order keeps the server total.
    client.post(reverse("checkout:preview"), {"action": "place_order", "amount": "0.01", "total": "0.01"})

    assert paypal_simulator.orders[token]["purchase_units"][0]["amount"]["value"] == "26.90"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [("10.005", "EUR", "10.01"), ("10.0049", "EUR", "10.00"), ("1499.5", "JPY", "1500"), ("0.125", "GBP", "0.13")],
)
def test_quantize_per_currency(amount, currency, expected):
    assert str(amounts.quantize(Decimal(amount), currency)) == expected
