"""Deleting an account keeps its orders, anonymised; exporting gives the owner's data and no one else's."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.core.loading import get_class, get_model
from oscar.test.factories import (
    ShippingAddressFactory,
    SourceFactory,
    TransactionFactory,
    UserAddressFactory,
    WishListFactory,
    create_order,
)

from accounts.tests.helpers import sign_in, signed_in
from newsletters.models import Subscriber, Topic
from testing.factories import make_book, make_category, make_shopper

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ProductReview = get_model("reviews", "ProductReview")
UserAddress = get_model("address", "UserAddress")
WishList = get_model("wishlists", "WishList")
SourceType = get_model("payment", "SourceType")
Default = get_class("partner.strategy", "Default")


def order_for(user, book, quantity=2, name="Ada", postcode="N1 9GU"):
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(book.product, quantity)
    address = ShippingAddressFactory(
        first_name=name, last_name="Lovelace", line1="1 St James Sq", postcode=postcode, phone_number="+442079460"
    )
    order = create_order(basket=basket, user=user, shipping_address=address)
    paypal, _ = SourceType.objects.get_or_create(code="paypal", defaults={"name": "PayPal"})
    source = SourceFactory(order=order, source_type=paypal, amount_debited=order.total_incl_tax)
    TransactionFactory(source=source, amount=order.total_incl_tax)
    return order


def customer_with_everything(email, book, topic):
    user = make_shopper(email, username=email.split("@")[0], first_name="Ada", last_name="Lovelace")
    order = order_for(user, book)
    UserAddressFactory(user=user, first_name="Ada", line1="12 St James Square", is_default_for_shipping=True)
    WishListFactory(owner=user)
    subscriber = Subscriber.objects.create(email=email, user=user, status=Subscriber.Status.CONFIRMED)
    subscriber.topics.add(topic)
    ProductReview.objects.create(product=book.product, user=user, score=4, title="Fine", body="Liked it.", status=1)
    return user, order


@pytest.fixture
def shop():
    book = make_book(make_category(), title="Emma", price="8.00")
    topic = Topic.objects.create(name="New fiction")
    return book, topic


def test_deleting_keeps_the_orders_without_personal_data(client, shop):
    book, topic = shop
    ada, order = customer_with_everything("ada@example.com", book, topic)
    bob, bobs_order = customer_with_everything("bob@example.com", book, topic)
    total, lines = order.total_incl_tax, list(order.lines.values_list("title", "quantity", "line_price_incl_tax"))
    sign_in(client, "ada@example.com")

    page = client.get(reverse("account-close"))
    assert page.status_code == 200 and "Delete my account" in page.content.decode()
    unconfirmed = client.post(reverse("account-close"), {})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.content.decode()
    assert get_user_model().objects.get(pk=ada.pk).is_active and UserAddress.objects.filter(user=ada).exists()

    answer = client.post(reverse("account-close"), {"confirm": "on"}, follow=True)
    assert "Your account is deleted" in answer.content.decode()
    assert not signed_in(client)

    order.refresh_from_db()
    assert order.user is None and order.guest_email == ""
    assert order.total_incl_tax == total == Decimal("16.00")
    assert list(order.lines.values_list("title", "quantity", "line_price_incl_tax")) == lines
    assert order.sources.get().amount_debited == total and order.sources.get().transactions.count() == 1
    shipping = order.shipping_address
    placeholder = ("Deleted customer", "", "Deleted customer", "")
    assert (shipping.first_name, shipping.last_name, shipping.line1, shipping.postcode) == placeholder
    assert "Ada" not in shipping.search_text and not shipping.phone_number

    ada.refresh_from_db()
    assert not ada.is_active and ada.email == "" and ada.first_name == "" and not ada.has_usable_password()
    assert not UserAddress.objects.filter(user=ada).exists() and not WishList.objects.filter(owner=ada).exists()
    assert not Subscriber.objects.filter(email="ada@example.com").exists()
    assert not ProductReview.objects.filter(user=ada).exists()
    assert not signed_in(client) and not sign_in(client, "ada@example.com").wsgi_request.user.is_authenticated

    # Bob's account is untouched.
    bobs_order.refresh_from_db()
    assert bobs_order.user == bob and bobs_order.shipping_address.first_name == "Ada"
    assert UserAddress.objects.filter(user=bob).exists() and WishList.objects.filter(owner=bob).exists()
    assert Subscriber.objects.filter(email="bob@example.com", user=bob).exists()
    assert ProductReview.objects.filter(user=bob).exists()


def test_other_sessions_of_a_deleted_account_end(client, shop):
    make_shopper("ada@example.com", username="ada")
    other_browser = client.__class__()
    sign_in(client, "ada@example.com")
    sign_in(other_browser, "ada@example.com")
    assert signed_in(other_browser)
    client.post(reverse("account-close"), {"confirm": "on"})
    assert not signed_in(other_browser)


def test_a_get_or_an_anonymous_post_deletes_nothing(client, shop):
    ada = make_shopper("ada@example.com", username="ada")
    assert client.post(reverse("account-close"), {"confirm": "on"}).status_code == 302  # to the sign-in
    sign_in(client, "ada@example.com")
    client.get(reverse("account-close"), {"confirm": "on"})
    ada.refresh_from_db()
    assert ada.is_active and ada.email == "ada@example.com"


def test_export_has_my_data_and_nobody_elses(client, shop):
    book, topic = shop
    customer_with_everything("ada@example.com", book, topic)
    customer_with_everything("bob@example.com", book, topic)
    sign_in(client, "ada@example.com")

    answer = client.get(reverse("account-export"))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    assert answer["Cache-Control"] == "private, no-store" and "attachment" in answer["Content-Disposition"]
    data = json.loads(answer.content)
    assert data["account"]["email"] == "ada@example.com" and data["account"]["first_name"] == "Ada"
    assert data["email_addresses"] == [{"email": "ada@example.com", "verified": True, "primary": True}]
    assert len(data["addresses"]) == 1 and data["addresses"][0]["default_for_shipping"]
    (order,) = data["orders"]
    assert order["total_incl_tax"] == "16.00" and order["lines"][0]["quantity"] == 2
    assert order["lines"][0]["line_price_incl_tax"] == "16.00" and order["lines"][0]["title"] == "Emma"
    assert data["newsletter_subscriptions"] == [
        {"email": "ada@example.com", "status": "confirmed", "topics": ["New fiction"], "confirmed_at": None}
    ]
    assert [review["title"] for review in data["reviews"]] == ["Fine"]
    assert "bob" not in answer.content.decode()


def test_export_needs_a_signed_in_customer(client):
    assert client.get(reverse("account-export")).status_code == 302
