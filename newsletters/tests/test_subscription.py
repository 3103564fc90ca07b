"""Double opt-in, neutral answers, the no-JS sign-up, and the preferences page."""

import re
import time

import pytest
from django.core import mail
from django.test import Client

from newsletters.models import Consent, Subscriber, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribe(django_capture_on_commit_callbacks):
    """Post the sign-up form; the confirmation mail leaves once the transaction commits."""

    def post(client, email, source="footer"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/newsletters/subscribe/", {"email": email, "source": source, "csrfmiddlewaretoken": ""})

    return post


def confirm_link(message):
    return re.search(r"https?://\S+(/newsletters/confirm/\S+/)", message.body).group(1)


def test_subscribing_sends_a_confirmation_link_that_works_once(client, subscribe):
    response = subscribe(client, "Ada@Example.com")

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("ada@example.com", Subscriber.Status.PENDING)
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    link = confirm_link(mail.outbox[0])

    # Visiting the link (as a mail scanner would) shows a button and confirms nothing.
    assert "Confirm my subscription" in client.get(link).content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    response = client.post(link, REMOTE_ADDR="203.0.113.7")
    assert "You’re subscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert set(subscriber.topics.all()) == set(Topic.objects.all())
    consent = subscriber.consents.get(action=Consent.Action.CONFIRMED)
    assert (consent.ip_address, consent.method) == ("203.0.113.7", "confirmation link")
    assert subscriber.consents.get(action=Consent.Action.REQUESTED).source == "footer"

    # The same link a second time is refused and changes nothing.
    again = client.post(link)
    assert again.status_code == 400
    assert "already been used" in again.content.decode()


def test_confirmation_link_expires(client, settings, subscribe):
    settings.NEWSLETTER_CONFIRM_MAX_AGE = 1
    subscribe(client, "late@example.com")
    link = confirm_link(mail.outbox[0])
    time.sleep(2.1)

    response = client.post(link)

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_tampered_confirmation_link_is_rejected(client, subscribe):
    subscribe(client, "eve@example.com")
    link = confirm_link(mail.outbox[0])
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    response = client.post(tampered)

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_answer_is_the_same_whether_the_address_is_known_or_not(client, subscribe):
    Subscriber.objects.create(email="known@example.com", status=Subscriber.Status.CONFIRMED)

    known = subscribe(client, "known@example.com")
    unknown = subscribe(client, "unknown@example.com")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # The known address gets a pointer to its preferences, not a second confirmation.
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "/newsletters/preferences/" in by_recipient["known@example.com"].body
    assert "/newsletters/confirm/" not in by_recipient["known@example.com"].body
    assert "/newsletters/confirm/" in by_recipient["unknown@example.com"].body
    assert Subscriber.objects.get(email="known@example.com").status == Subscriber.Status.CONFIRMED


def test_invalid_address_gets_a_clear_message_and_changes_nothing(client, subscribe):
    response = subscribe(client, "not an address")

    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert not Subscriber.objects.exists() and not mail.outbox


def test_without_javascript_the_empty_csrf_field_leads_to_a_confirm_button(
    subscribe, django_capture_on_commit_callbacks
):
    browser = Client(enforce_csrf_checks=True)

    first = subscribe(browser, "nojs@example.com")

    assert first.status_code == 200
    assert not mail.outbox and not Subscriber.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        second = browser.post(
            "/newsletters/subscribe/", {"email": "nojs@example.com", "source": "footer", "csrfmiddlewaretoken": token}
        )
    assert second.status_code == 302
    assert [m.to for m in mail.outbox] == [["nojs@example.com"]]


def test_footer_form_carries_no_csrf_token(client):
    from testing.factories import make_home

    make_home()
    html = client.get("/").content.decode()

    form = re.search(r'<form class="newsletter-signup".*?</form>', html, re.S).group(0)
    assert 'action="/newsletters/subscribe/"' in form
    assert re.search(r'name="csrfmiddlewaretoken" value=""', form)


def test_preferences_page_picks_topics_and_can_leave(client):
    news, offers = Topic.objects.create(name="New books"), Topic.objects.create(name="Offers")
    subscriber = Subscriber.objects.create(email="pref@example.com", status=Subscriber.Status.CONFIRMED)
    subscriber.topics.set([news, offers])
    from newsletters.rendering import personal_links

    _, preferences_url = personal_links(subscriber.pk)
    path = preferences_url.split("://", 1)[1].split("/", 1)[1]

    response = client.post("/" + path, {"name": "Pat", "topics": [offers.pk], "save": "1"})
    assert "Your preferences are saved" in response.content.decode()
    assert list(subscriber.topics.all()) == [offers]
    assert Subscriber.objects.get(pk=subscriber.pk).name == "Pat"

    client.post("/" + path, {"unsubscribe": "1"})
    assert Subscriber.objects.get(pk=subscriber.pk).status == Subscriber.Status.UNSUBSCRIBED
