"""The checkout's first page: a guest gives an email address; a returning customer signs in on the
shop's one sign-in page (rate-limited, second factor: docs/accounts.md) and comes back here."""

import pytest
from django.apps import apps
from django.urls import reverse

from checkout.defaults import create_all
from checkout.tests.steps import add_to_basket
from testing.factories import make_book, make_category, make_shopper

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def basket_client(client):
    create_all(apps)
    add_to_basket(client, make_book(make_category(), title="Middlemarch", price="11.50", stock=5))
    return client


def test_a_returning_customer_is_sent_to_the_sign_in_page_and_back_to_the_checkout(basket_client):
    page = basket_client.get(reverse("checkout:index")).content.decode()
    sign_in = f"{reverse('account_login')}?next={reverse('checkout:index')}"
    assert f'href="{sign_in}"' in page
    assert 'type="password"' not in page  # no second, unthrottled password box

    make_shopper("reader@example.com", PASSWORD)
    response = basket_client.post(sign_in, {"login": "reader@example.com", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("checkout:index")
    # Signed in, the checkout skips the gateway and asks for the address.
    assert basket_client.get(reverse("checkout:index"))["Location"] == reverse("checkout:shipping-address")


def test_a_guest_using_an_accounts_address_is_asked_to_sign_in_and_nothing_moves_on(basket_client):
    make_shopper("reader@example.com", PASSWORD)

    response = basket_client.post(reverse("checkout:index"), {"username": "reader@example.com", "options": "anonymous"})

    assert response.status_code == 200
    assert "This address has an account" in response.content.decode()
    assert basket_client.get(reverse("checkout:shipping-address")).status_code == 302  # still at the gateway


def test_a_posted_password_never_signs_anyone_in(basket_client):
    make_shopper("reader@example.com", PASSWORD)

    response = basket_client.post(
        reverse("checkout:index"), {"username": "reader@example.com", "options": "existing", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in basket_client.session


def test_a_guest_goes_on_to_the_address(basket_client):
    response = basket_client.post(reverse("checkout:index"), {"username": "new@example.com", "options": "anonymous"})
    assert response.status_code == 302 and response["Location"] == reverse("checkout:shipping-address")
