"""The address step: the shop's home country first chosen, countries by name, and the address
kept in a signed-in buyer's address book once the order is placed (issue 15, item 3)."""

import pytest
from django.apps import apps
from django.urls import reverse

from checkout.defaults import create_all
from checkout.tests.steps import ADDRESS, add_to_basket, local_path
from testing.factories import make_book, make_category
from testing.paypal import approve_at_paypal

pytestmark = pytest.mark.django_db


@pytest.fixture
def book():
    create_all(apps)  # countries and shipping methods, which an earlier transactional test may have flushed
    return make_book(make_category(), title="Middlemarch", price="11.50", stock=5)


def test_the_address_form_starts_at_the_configured_country_and_lists_countries_by_name(client, book, settings):
    settings.DEFAULT_SHIPPING_COUNTRY = "NL"
    add_to_basket(client, book)
    client.post(reverse("checkout:index"), {"username": "ada@example.com", "options": "anonymous"})

    form = client.get(reverse("checkout:shipping-address")).context["form"]

    assert form["country"].value() == "NL"
    names = [str(country) for country in form.fields["country"].queryset]
    assert names == sorted(names) and "Ireland" in names


def test_a_signed_in_buyer_finds_the_address_in_the_address_book(client, book, paypal_simulator, django_user_model):
    reader = django_user_model.objects.create_user("reader", "reader@example.com", "reader-pass-123")
    client.force_login(reader)
    for _ in range(2):  # the same address twice is one entry, used for two orders
        add_to_basket(client, book)
        client.post(reverse("checkout:shipping-address"), ADDRESS)
        client.post(reverse("checkout:shipping-method"), {"method_code": "standard"})
        approve_url = client.post(reverse("checkout:preview"), {"action": "place_order"})["Location"]
        assert client.get(local_path(approve_at_paypal(approve_url))).status_code == 302

    address_book = client.get(reverse("customer:address-list")).content.decode()
    assert "1 Example Street" in address_book
    [saved] = reader.addresses.all()
    assert saved.num_orders_as_shipping_address == 2
    add_to_basket(client, book)  # the next checkout offers it
    assert client.get(reverse("checkout:shipping-address")).context["addresses"].get() == saved


def test_the_payment_step_leads_to_review_and_pay(client, book):
    add_to_basket(client, book)
    client.post(reverse("checkout:index"), {"username": "ada@example.com", "options": "anonymous"})
    client.post(reverse("checkout:shipping-address"), ADDRESS)

    response = client.post(reverse("checkout:shipping-method"), {"method_code": "standard"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("checkout:preview")
    assert client.get(reverse("checkout:payment-details"))["Location"] == reverse("checkout:preview")
