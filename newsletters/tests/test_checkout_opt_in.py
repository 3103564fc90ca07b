"""The newsletter tick box on the order preview (unticked), sent with "Pay with PayPal"."""

import pytest
from django.urls import reverse

from checkout.tests.steps import ADDRESS, add_to_basket
from newsletters.models import Subscriber
from testing.factories import make_book, make_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("paypal_simulator")]


def to_preview(client, email):
    add_to_basket(client, make_book(make_category(title="Poetry"), title="Odes", price="7.00"))
    for url, data in [
        (reverse("checkout:index"), {"username": email, "options": "anonymous"}),
        (reverse("checkout:shipping-address"), ADDRESS),
        (reverse("checkout:shipping-method"), {"method_code": "standard"}),
    ]:
        assert client.post(url, data).status_code == 302
    preview = client.get(reverse("checkout:preview"))
    assert preview.status_code == 200
    return preview.content.decode()


def pay(client, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("checkout:preview"), {"action": "place_order", **extra})
    assert response.status_code == 302  # on to PayPal
    return response


def test_box_is_unticked_and_leaving_it_subscribes_nobody(client, mailoutbox, django_capture_on_commit_callbacks):
    preview = to_preview(client, "guest@example.com")
    box = preview[preview.index('name="newsletter_opt_in"') - 80 : preview.index('name="newsletter_opt_in"') + 80]
    assert 'type="checkbox"' in box and "checked" not in box

    pay(client, django_capture_on_commit_callbacks)

    assert not Subscriber.objects.exists()
    assert not [m for m in mailoutbox if "/newsletters/confirm/" in m.body]


def test_ticking_the_box_sends_the_guest_a_confirmation(client, mailoutbox, django_capture_on_commit_callbacks):
    to_preview(client, "keen.guest@example.com")

    pay(client, django_capture_on_commit_callbacks, newsletter_opt_in="1")

    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("keen.guest@example.com", Subscriber.Status.PENDING)
    assert subscriber.consents.get().source == "checkout"
    assert [m.to for m in mailoutbox if "/newsletters/confirm/" in m.body] == [["keen.guest@example.com"]]
