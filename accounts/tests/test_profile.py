"""The profile page: the name, the default address, and the way to newsletters, connections, export and delete."""

import pytest
from django.urls import reverse
from oscar.test.factories import UserAddressFactory

from accounts.tests.helpers import sign_in
from newsletters.models import Subscriber
from testing.factories import make_shopper

pytestmark = pytest.mark.django_db


def test_profile_shows_the_account_and_saves_the_name(client):
    ada = make_shopper("ada@example.com", username="ada")
    UserAddressFactory(user=ada, line1="12 St James Square", is_default_for_shipping=True)
    sign_in(client, "ada@example.com")

    page = client.get("/accounts/profile/").content.decode()
    assert "12 St James Square" in page
    for link in (
        reverse("customer:address-list"),
        reverse("newsletters:my-preferences"),
        reverse("socialaccount_connections"),
        reverse("account-export"),
        reverse("account-close"),
    ):
        assert f'href="{link}"' in page
    assert 'for="id_first_name"' in page

    saved = client.post(reverse("account-profile"), {"first_name": "Ada", "last_name": "Lovelace"}, follow=True)
    assert "Your name is saved." in saved.content.decode()
    ada.refresh_from_db()
    assert (ada.first_name, ada.last_name) == ("Ada", "Lovelace")


def test_bad_names_change_nothing(client):
    ada = make_shopper("ada@example.com", username="ada", first_name="Ada")
    sign_in(client, "ada@example.com")
    for bad in ("A\x00da", "x" * 5000):
        answer = client.post(reverse("account-profile"), {"first_name": bad, "last_name": ""})
        assert answer.status_code == 400
    ada.refresh_from_db()
    assert ada.first_name == "Ada"


def test_the_newsletter_link_opens_my_own_preferences(client):
    make_shopper("ada@example.com", username="ada")
    Subscriber.objects.create(email="bob@example.com", status=Subscriber.Status.CONFIRMED)
    mine = Subscriber.objects.create(email="ada@example.com", status=Subscriber.Status.CONFIRMED)
    sign_in(client, "ada@example.com")
    page = client.get(reverse("newsletters:my-preferences"), follow=True)
    assert page.context["subscriber"] == mine and "ada@example.com" in page.content.decode()


def test_without_a_subscription_the_newsletter_link_offers_the_sign_up(client):
    make_shopper("ada@example.com", username="ada")
    sign_in(client, "ada@example.com")
    assert client.get(reverse("newsletters:my-preferences")).url == reverse("newsletters:subscribe")


def test_the_profile_needs_a_signed_in_customer(client):
    assert client.get("/accounts/profile/").status_code == 302


def test_oscars_edit_form_which_skipped_email_verification_is_gone(client):
    make_shopper("ada@example.com", username="ada")
    sign_in(client, "ada@example.com")
    assert client.get("/accounts/profile/edit/").url == reverse("account-profile")
