"""The API's shop: the site's own basket, checkout through PayPal, orders, newsletter, me."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from oscar.core.loading import get_model
from rest_framework.authtoken.models import Token

from checkout.tests.steps import ADDRESS, add_to_basket, local_path
from newsletters.models import Subscriber
from testing.factories import make_book, make_category
from testing.paypal import approve_at_paypal

pytestmark = pytest.mark.django_db
Line = get_model("basket", "Line")
Order = get_model("order", "Order")


@pytest.fixture
def books():
    from django.apps import apps

    from checkout.defaults import create_all

    create_all(apps)  # Standard and Express shipping, which a transactional test's flush removes
    shelf = make_category()
    return (
        make_book(shelf, title="Emma", price="10.00", stock=3),
        make_book(shelf, title="Persuasion", author="Jane Austen", price="7.50", stock=10),
    )


def post(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(url, json.dumps(data), content_type="application/json", **extra)


def test_a_line_added_through_the_api_shows_on_the_basket_page_and_back(client, books):
    emma, persuasion = books
    response = post(client, "/api/v1/basket/lines/", {"book": emma.pk, "quantity": 2})
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "private, no-store"
    page = client.get("/basket/").content.decode()
    assert "Emma" in page and 'value="2"' in page

    add_to_basket(client, persuasion)  # the site's own form
    basket = client.get("/api/v1/basket/").json()
    assert {(line["title"], line["quantity"]) for line in basket["lines"]} == {("Emma", 2), ("Persuasion", 1)}
    assert basket["total"] == "27.50" and basket["num_items"] == 3
    assert {option["code"] for option in basket["shipping_options"]} >= {"standard", "express"}


def test_quantities_are_capped_at_the_stock_and_a_refusal_changes_nothing(client, books):
    emma, _ = books  # 3 in stock
    assert post(client, "/api/v1/basket/lines/", {"book": emma.pk, "quantity": 2}).status_code == 201
    refused = post(client, "/api/v1/basket/lines/", {"book": emma.pk, "quantity": 2})
    assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
    basket = client.get("/api/v1/basket/").json()
    line_id = basket["lines"][0]["id"]
    assert basket["lines"][0]["quantity"] == 2
    assert patch(client, f"/api/v1/basket/lines/{line_id}/", {"quantity": 4}).status_code == 422
    assert patch(client, f"/api/v1/basket/lines/{line_id}/", {"quantity": 3}).json()["lines"][0]["quantity"] == 3
    assert patch(client, f"/api/v1/basket/lines/{line_id}/", {"quantity": -1}).status_code == 400
    assert patch(client, f"/api/v1/basket/lines/{line_id}/", {"quantity": 0}).json()["lines"] == []


def test_bad_basket_input_is_a_problem_and_changes_nothing(client, books):
    for body in ({"book": "x"}, {"book": 99999999999}, {"book": books[0].pk, "quantity": "\x00"}, {}):
        response = post(client, "/api/v1/basket/lines/", body)
        assert response.status_code == 400, (body, response.content)
        assert response.json()["errors"]
    assert post(client, "/api/v1/basket/lines/", {"book": 2147483647}).status_code == 422
    raw = client.post("/api/v1/basket/lines/", "{not json", content_type="application/json")
    assert raw.status_code == 400 and raw["Content-Type"] == "application/problem+json"
    form = client.post("/api/v1/basket/lines/", {"book": books[0].pk})
    assert form.status_code == 415 and form["Content-Type"] == "application/problem+json"
    assert not Line.objects.exists()


def test_nobody_reads_or_changes_another_callers_basket(books):
    owner, stranger = Client(), Client()
    basket = post(owner, "/api/v1/basket/lines/", {"book": books[0].pk}).json()
    line_id = basket["lines"][0]["id"]
    assert post(stranger, "/api/v1/basket/", {}).status_code == 201
    assert stranger.get(f"/api/v1/baskets/{basket['id']}/").status_code == 404
    assert patch(stranger, f"/api/v1/basket/lines/{line_id}/", {"quantity": 3}).status_code == 404
    assert stranger.delete(f"/api/v1/basket/lines/{line_id}/").status_code == 404
    assert owner.get(f"/api/v1/baskets/{basket['id']}/").json()["lines"][0]["quantity"] == 1
    assert Line.objects.get(pk=line_id).quantity == 1


def test_a_token_client_fills_the_same_basket_the_user_sees_on_the_site(client, books):
    user = get_user_model().objects.create_user("ada", "ada@example.com", "pw-ada-123", first_name="Ada")
    token = Token.objects.create(user=user)
    app = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert post(app, "/api/v1/basket/lines/", {"book": books[1].pk, "quantity": 2}).status_code == 201
    me = app.get("/api/v1/me/").json()
    assert me == {
        "authenticated": True,
        "name": "Ada",
        "email": "ada@example.com",
        "is_staff": False,
        "basket_count": 2,
    }
    client.force_login(user)
    assert "Persuasion" in client.get("/basket/").content.decode()
    assert Client().get("/api/v1/me/").json()["authenticated"] is False


def test_a_signed_in_session_must_send_the_csrf_token(books):
    user = get_user_model().objects.create_user("bea", "bea@example.com", "pw-bea-123")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    refused = post(browser, "/api/v1/basket/lines/", {"book": books[0].pk})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    browser.get("/_/csrf/")
    accepted = post(
        browser, "/api/v1/basket/lines/", {"book": books[0].pk}, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value
    )
    assert accepted.status_code == 201


def test_an_unknown_voucher_is_refused_with_its_reason(client, books):
    post(client, "/api/v1/basket/lines/", {"book": books[0].pk})
    refused = post(client, "/api/v1/basket/vouchers/", {"code": "NOPE"})
    assert refused.status_code == 422 and "NOPE" in refused.json()["detail"]
    assert client.get("/api/v1/basket/").json()["vouchers"] == []


def test_a_guest_checkout_through_the_api_and_paypals_approve_page_ends_with_an_order(
    client, books, paypal_simulator, django_capture_on_commit_callbacks
):
    emma, _ = books
    post(client, "/api/v1/basket/lines/", {"book": emma.pk, "quantity": 2})
    started = post(
        client,
        "/api/v1/checkout/",
        {"email": "ada@example.com", "shipping_address": ADDRESS, "shipping_method": "standard"},
    )
    assert started.status_code == 201, started.content
    payment = started.json()
    assert Decimal(payment["total"]) > Decimal("20.00")
    back_at_the_shop = approve_at_paypal(payment["approve_url"])
    with django_capture_on_commit_callbacks(execute=True):
        thanks = client.get(local_path(back_at_the_shop))
    assert thanks.status_code == 302 and thanks["Location"].endswith("/checkout/thank-you/")
    order = Order.objects.get()
    assert order.number == payment["order_number"] and str(order.total_incl_tax) == payment["total"]
    assert client.get("/api/v1/basket/").json()["lines"] == []

    found = Client().get(f"/api/v1/orders/{order.number}/", {"email": "ADA@example.com"})
    assert found.status_code == 200 and found.json()["status"] == "Paid"
    assert found["Cache-Control"] == "private, no-store"
    assert Client().get(f"/api/v1/orders/{order.number}/", {"email": "eve@example.com"}).status_code == 404
    assert Client().get(f"/api/v1/orders/{order.number}/").status_code == 404
    stranger = get_user_model().objects.create_user("eve", "eve@example.com", "pw-eve-123")
    signed_in = Client()
    signed_in.force_login(stranger)
    assert signed_in.get(f"/api/v1/orders/{order.number}/").status_code == 404
    assert signed_in.get("/api/v1/orders/").json() == []
    assert Client().get("/api/v1/orders/").status_code == 401


def test_checkout_refuses_a_guest_without_email_and_an_unknown_shipping_method(client, books, paypal_simulator):
    post(client, "/api/v1/basket/lines/", {"book": books[0].pk})
    no_email = post(client, "/api/v1/checkout/", {"shipping_address": ADDRESS, "shipping_method": "standard"})
    assert no_email.status_code == 400 and "email" in no_email.json()["errors"]
    bad = post(
        client,
        "/api/v1/checkout/",
        {"email": "a@example.com", "shipping_address": {**ADDRESS, "country": "ZZ"}, "shipping_method": "teleport"},
    )
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"shipping_address"}
    unknown = post(
        client,
        "/api/v1/checkout/",
        {"email": "a@example.com", "shipping_address": ADDRESS, "shipping_method": "teleport"},
    )
    assert unknown.status_code == 400 and set(unknown.json()["errors"]) == {"shipping_method"}
    assert client.get("/api/v1/basket/").json()["lines"]  # still open, still filled


def test_newsletter_subscription_answers_the_same_for_any_address_and_mails_a_confirmation(
    client, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(email="known@example.com", status=Subscriber.Status.CONFIRMED)
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("new@example.com", "known@example.com"):
            response = post(client, "/api/v1/newsletter/subscriptions/", {"email": email})
            answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] and answers[0][0] == 202
    assert sorted(message.to[0] for message in mail.outbox) == ["known@example.com", "new@example.com"]
    assert Subscriber.objects.get(email="new@example.com").status != Subscriber.Status.CONFIRMED
    assert post(client, "/api/v1/newsletter/subscriptions/", {"email": "not an address"}).status_code == 400


def test_newsletter_preferences_by_the_newsletters_signed_link(client):
    from newsletters.models import Topic
    from newsletters.tokens import manage_token

    crime, poetry = Topic.objects.create(name="Crime"), Topic.objects.create(name="Poetry")
    subscriber = Subscriber.objects.create(email="reader@example.com", status=Subscriber.Status.CONFIRMED)
    url = f"/api/v1/newsletter/preferences/{manage_token(subscriber.pk)}/"
    assert client.get(url).json()["topics"] == [
        {"id": crime.pk, "name": "Crime", "chosen": False},
        {"id": poetry.pk, "name": "Poetry", "chosen": False},
    ]
    changed = client.put(url, json.dumps({"name": "Reader", "topics": [poetry.pk]}), content_type="application/json")
    assert changed.status_code == 200 and changed["Cache-Control"] == "private, no-store"
    assert list(subscriber.topics.all()) == [poetry] and Subscriber.objects.get(pk=subscriber.pk).name == "Reader"
    assert client.get(f"/api/v1/newsletter/preferences/{subscriber.pk}:forged/").status_code == 404
    bad = client.put(url, json.dumps({"name": "x", "topics": [99999]}), content_type="application/json")
    assert bad.status_code == 400 and list(subscriber.topics.all()) == [poetry]
