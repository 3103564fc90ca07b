"""Steps shared by checkout tests: a filled basket, a guest checkout, an approved PayPal attempt.

The `paypal_simulator` and `smtp_sink` fixtures come from the pytest plugins in testing/.
"""

from urllib.parse import urlsplit

from django.urls import reverse
from oscar.core.loading import get_class, get_model

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "line1": "1 Example Street",
    "line4": "Berlin",
    "postcode": "10115",
    "country": "DE",
}


def add_to_basket(client, book, quantity=1):
    response = client.post(reverse("basket:add", kwargs={"pk": book.product.pk}), {"quantity": quantity})
    assert response.status_code in (200, 302), response.status_code
    return response


def checkout_to_preview(client, email="ada@example.com", method_code="standard"):
    """Guest checkout from a filled basket up to the preview with its "Pay with PayPal" button."""
    response = client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
    assert response.status_code == 302, response.content[:500]
    response = client.post(reverse("checkout:shipping-address"), ADDRESS)
    assert response.status_code == 302, response.content[:2000]
    response = client.post(reverse("checkout:shipping-method"), {"method_code": method_code})
    assert response.status_code == 302, response.content[:2000]


def click_pay(client):
    """The "Pay with PayPal" POST on the preview."""
    return client.post(reverse("checkout:preview"), {"action": "place_order"})


def checkout_to_paypal(client, email="ada@example.com", method_code="standard"):
    """Guest checkout from a filled basket to the "Pay with PayPal" POST; returns PayPal's approve URL."""
    checkout_to_preview(client, email, method_code)
    response = click_pay(client)
    assert response.status_code == 302, response.content[:3000]
    return response["Location"]


def local_path(url):
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def approved_attempt(book, simulator, quantity=1, approve=True):
    """A buyer's frozen basket with a PayPal order created by the shop and approved at the simulator."""
    basket = get_model("basket", "Basket").objects.create()
    basket.strategy = get_class("partner.strategy", "Selector")().strategy()
    basket.add_product(book.product, quantity)
    address = get_model("order", "ShippingAddress")(
        **{key: value for key, value in ADDRESS.items() if key != "country"}, country_id=ADDRESS["country"]
    )
    attempt = started_attempt(basket, address)
    if approve:
        simulator.approve(attempt.paypal_order_id)
    return attempt


def started_attempt(basket, shipping_address, method_code="standard"):
    """The shop freezes a guest's basket and creates its PayPal order (not approved yet)."""
    from checkout.paypal import facade

    get_class("offer.applicator", "Applicator")().apply(basket)
    methods = get_class("shipping.repository", "Repository")().get_shipping_methods(basket)
    method = next(m for m in methods if m.code == method_code)
    charge = method.calculate(basket)
    basket.freeze()
    attempt, _ = facade.start_payment(
        basket=basket,
        user=None,
        guest_email="buyer@example.com",
        shipping_address=shipping_address,
        shipping_method=method,
        shipping_charge=charge,
        order_total=get_class("checkout.calculators", "OrderTotalCalculator")().calculate(basket, charge),
        return_url="http://testserver/checkout/paypal/return/",
        cancel_url="http://testserver/checkout/paypal/cancel/",
    )
    return attempt
