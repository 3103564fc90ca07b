"""The newsletter tick box on the sign-up form: unticked by default, then double opt-in."""

import pytest

from newsletters.models import Subscriber
from testing.factories import make_home

pytestmark = pytest.mark.django_db


def register(client, email, **extra):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            **extra,
        },
    )


def confirmation_mails(mailoutbox):
    return [message for message in mailoutbox if "/newsletters/confirm/" in message.body]


def test_opt_in_box_is_there_and_unticked(client):
    make_home()
    html = client.get("/accounts/signup/").content.decode()

    box = html[html.index('name="newsletter_opt_in"') - 80 : html.index('name="newsletter_opt_in"') + 80]
    assert 'type="checkbox"' in box and "checked" not in box
    assert '<label class="form-check-label" for="id_newsletter_opt_in">' in html


def test_registering_without_the_box_subscribes_nobody(client, mailoutbox, django_capture_on_commit_callbacks):
    make_home()
    with django_capture_on_commit_callbacks(execute=True):
        assert register(client, "plain@example.com").status_code == 302

    assert not Subscriber.objects.exists()
    assert not confirmation_mails(mailoutbox)


def test_ticking_the_box_sends_a_confirmation_and_records_where(client, mailoutbox, django_capture_on_commit_callbacks):
    make_home()
    with django_capture_on_commit_callbacks(execute=True):
        assert register(client, "keen@example.com", newsletter_opt_in="1").status_code == 302

    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status, subscriber.user.email) == (
        "keen@example.com",
        Subscriber.Status.PENDING,
        "keen@example.com",
    )
    assert subscriber.consents.get().source == "registration"
    assert [message.to for message in confirmation_mails(mailoutbox)] == [["keen@example.com"]]
