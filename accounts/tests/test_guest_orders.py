"""Guest orders show in the account once their address is verified, never before."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_order

from accounts.tests.helpers import PASSWORD, link_in, mails_to
from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
Default = get_class("partner.strategy", "Default")


def guest_order(email):
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(make_book(make_category(slug=f"shelf-{Basket.objects.count()}"), title="Emma").product)
    return create_order(basket=basket, user=None, guest_email=email)


def sign_up(client, email):
    client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_guest_orders_join_the_account_when_its_address_is_verified(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    mine, upper, someone_elses = (
        guest_order(address) for address in ("new@example.com", "NEW@example.com", "other@example.com")
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "new@example.com")
    [verification] = mails_to(mailoutbox, "new@example.com")
    confirm = link_in(verification, "/accounts/confirm-email/")

    client.get(confirm)  # opening the link verifies nothing, so attaches nothing
    mine.refresh_from_db()
    assert mine.user is None

    client.post(confirm)
    for order in (mine, upper, someone_elses):
        order.refresh_from_db()
    assert mine.user.email == "new@example.com" and upper.user == mine.user
    assert someone_elses.user is None and someone_elses.guest_email == "other@example.com"
    client.post(reverse("account_login"), {"login": "new@example.com", "password": PASSWORD})
    history = client.get(reverse("customer:order-list")).content.decode()
    assert mine.number in history and upper.number in history and someone_elses.number not in history


def test_an_unverified_address_sees_no_guest_orders(client, mailoutbox, django_capture_on_commit_callbacks):
    order = guest_order("new@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "new@example.com")
    order.refresh_from_db()
    assert order.user is None and order.guest_email == "new@example.com"
