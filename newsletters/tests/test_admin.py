"""The marketer's admin: rights, audience size, test send, confirmed send, schedule, progress."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from newsletters.models import Delivery, NewsletterIndexPage, NewsletterSend
from testing.factories import make_book, make_category, make_home, make_newsletter, make_subscribers
from testing.smtp import SmtpSink, use_sink

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketer(client):
    make_home()
    call_command("setup_newsletters", verbosity=0)
    user = get_user_model().objects.create_user("mara", "mara@example.com", "pass", first_name="Mara")
    user.groups.add(Group.objects.get(name="Marketers"))
    client.force_login(user)
    return user


@pytest.fixture
def sink(settings):
    settings.NEWSLETTER_SEND_RATE = 0
    with SmtpSink() as running:
        use_sink(settings, running)
        yield running


def send_url(newsletter):
    return f"/admin/newsletters/{newsletter.pk}/send/"


def test_marketers_write_newsletters_but_cannot_edit_books_or_the_home_page(client, marketer):
    book = make_book(make_category(title="Poetry"), title="Odes")
    archive = NewsletterIndexPage.objects.get()

    assert client.get(f"/admin/pages/add/newsletters/newsletterpage/{archive.pk}/").status_code == 200
    for page in (book, make_home()):
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code in (302, 403), page
        assert not page.permissions_for_user(marketer).can_edit()
    assert client.get("/admin/newsletters/").status_code == 200


def test_people_without_the_send_permission_cannot_send(client):
    make_home()
    editor = get_user_model().objects.create_user("ed", "ed@example.com", "pass", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    assert client.get(send_url(make_newsletter("Secret"))).status_code in (302, 403)


def send_confirmed(client, newsletter, capture):
    """Press “Yes, send”; the send starts once the request's transaction commits."""
    with capture(execute=True):
        client.post(send_url(newsletter), {"action": "send_now", "confirmed": "yes"})
    return client.get(send_url(newsletter)).content.decode()


def test_audience_size_test_send_and_confirmed_send(client, marketer, sink, django_capture_on_commit_callbacks):
    readers = make_subscribers(3)
    newsletter = make_newsletter("Autumn", subject="Autumn reading")

    page = client.get(send_url(newsletter)).content.decode()
    assert "data-audience-size>3</strong>" in page

    response = client.post(send_url(newsletter), {"action": "test"}, follow=True)
    assert "Test sent to mara@example.com." in response.content.decode()
    [test_mail] = sink.messages_to("mara@example.com")
    assert test_mail["Subject"] == "[Test] Autumn reading"
    assert not NewsletterSend.objects.exists()

    # “Send now” first asks, showing the audience size; nothing goes out yet.
    confirm = client.post(send_url(newsletter), {"action": "send_now"}).content.decode()
    assert "Send “Autumn” to 3 subscribers now?" in confirm
    assert not NewsletterSend.objects.exists() and len(sink.accepted) == 1

    html = send_confirmed(client, newsletter, django_capture_on_commit_callbacks)
    assert "Final report" in html
    assert 'data-count="sent">3<' in html and 'data-count="remaining">0<' in html
    assert 'value="100"' in html  # the progress bar
    assert set(sink.recipients()) == {"mara@example.com"} | {reader.email for reader in readers}

    again = client.post(send_url(newsletter), {"action": "send_now", "confirmed": "yes"}, follow=True)
    assert "already been sent or scheduled" in again.content.decode()
    assert Delivery.objects.count() == 3


def test_failures_are_listed_in_the_report(client, marketer, settings, django_capture_on_commit_callbacks):
    settings.NEWSLETTER_SEND_RATE = 0
    make_subscribers(2)
    newsletter = make_newsletter("Bounces")
    with SmtpSink(
        answer=lambda envelope: "550 5.1.1 No such user" if "reader1@" in envelope.rcpt_tos[0] else None
    ) as sink:
        use_sink(settings, sink)
        html = send_confirmed(client, newsletter, django_capture_on_commit_callbacks)

    assert 'data-count="sent">1<' in html and 'data-count="failed">1<' in html
    assert "reader1@example.com" in html and "550 5.1.1 No such user" in html


def test_schedule_for_later_then_cancel(client, marketer, sink):
    make_subscribers(2)
    newsletter = make_newsletter("Winter")
    when = timezone.now() + timedelta(days=1)

    past = client.post(send_url(newsletter), {"action": "schedule", "send_at": "2001-01-01T10:00"})
    assert past.status_code == 400
    assert "Pick a time in the future" in past.content.decode()
    assert not NewsletterSend.objects.exists()

    response = client.post(
        send_url(newsletter), {"action": "schedule", "send_at": when.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    assert f"Scheduled for {when:%Y-%m-%d %H:%M} UTC." in response.content.decode()
    send = NewsletterSend.objects.get()
    assert send.state == NewsletterSend.State.SCHEDULED
    assert not sink.accepted and not Delivery.objects.exists()

    client.post(send_url(newsletter), {"action": "cancel"})
    assert not NewsletterSend.objects.exists()


def test_drafts_cannot_be_sent(client, marketer, sink):
    make_subscribers(1)
    newsletter = make_newsletter("Draft")
    newsletter.unpublish()

    response = client.post(send_url(newsletter), {"action": "send_now", "confirmed": "yes"}, follow=True)

    assert "Publish the newsletter first" in response.content.decode()
    assert not NewsletterSend.objects.exists() and not sink.accepted


def test_email_preview_mode_shows_the_mail(marketer):
    book = make_book(make_category(title="Drama"), title="Hamlet", author="William Shakespeare", price="6.50")
    newsletter = make_newsletter("Preview", body=[("book", {"book": book, "note": ""})])
    request = RequestFactory().get("/")
    request.user = marketer

    html = newsletter.serve_preview(request, "email").content.decode()

    assert "Hamlet" in html and "€6.50" in html and "Hello Reader," in html
    assert 'style="' in html and "<style" not in html


def test_newsletter_editor_has_a_send_button(client, marketer):
    newsletter = make_newsletter("Buttons")

    html = client.get(f"/admin/pages/{newsletter.pk}/edit/").content.decode()

    assert f'href="/admin/newsletters/{newsletter.pk}/send/"' in html
    assert "Send newsletter" in html


def test_subscriber_inspect_page_shows_the_consent_history(client, marketer):
    from newsletters.models import Consent, Subscriber

    subscriber = Subscriber.objects.create(email="shown@example.com", status=Subscriber.Status.CONFIRMED)
    Consent.objects.create(
        subscriber=subscriber, action="requested", source="footer", method="web form", ip_address="198.51.100.4"
    )
    Consent.objects.create(subscriber=subscriber, action="confirmed", source="email", method="confirmation link")

    listing = client.get("/admin/snippets/newsletters/subscriber/").content.decode()
    assert "shown@example.com" in listing
    html = client.get(f"/admin/snippets/newsletters/subscriber/inspect/{subscriber.pk}/").content.decode()
    assert "Asked to subscribe · footer, web form, IP 198.51.100.4" in html
    assert "Confirmed by email link · email, confirmation link, IP unknown" in html
