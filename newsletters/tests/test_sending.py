"""Sending through a real SMTP server (aiosmtpd): headers, one-click unsubscribe, failures, throttle."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.test import Client

from newsletters.models import Consent, Delivery, NewsletterSend, Subscriber
from newsletters.sending import deliver_pending, take_audience
from newsletters.tasks import start_newsletter_send
from newsletters.transport import ConnectionFailure
from testing.factories import make_book, make_category, make_newsletter, make_subscribers, schedule_send
from testing.smtp import SmtpSink, use_sink

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    settings.NEWSLETTER_SEND_RATE = 0
    settings.NEWSLETTER_SITE_URL = "http://shop.test"
    with SmtpSink() as running:
        use_sink(settings, running)
        yield running


def send_now(newsletter):
    schedule_send(newsletter)
    start_newsletter_send(newsletter.pk)


def test_newsletter_mail_has_book_unsubscribe_headers_and_inlined_css(sink):
    book = make_book(make_category(title="Poetry"), title="Leaves of Grass", author="Walt Whitman", price="12.40")
    newsletter = make_newsletter(
        "April",
        body=[("heading", "Spring poems"), ("book", {"book": book, "note": "Our pick."})],
        subject="April books",
    )
    [reader] = make_subscribers(1)

    send_now(newsletter)

    [message] = sink.messages_to(reader.email)
    assert message["Subject"] == "April books"
    assert message["Message-ID"] == f"<newsletter-{newsletter.pk}.subscriber-{reader.pk}@folio-books.example>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.fullmatch(
        r"<(http://shop\.test/newsletters/unsubscribe/[^>]+/)>", message["List-Unsubscribe"]
    ).group(1)
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "Leaves of Grass" in html and "€12.40" in html and "Walt Whitman" in html
    assert f'href="{book.full_url}"' in html
    assert "<style" not in html and 'style="' in html  # CSS inlined for mail programs
    assert "Leaves of Grass, by Walt Whitman, €12.40" in text
    assert unsubscribe_url in html and unsubscribe_url in text
    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert NewsletterSend.objects.get().state == NewsletterSend.State.DONE


def test_one_click_unsubscribe_by_post_without_cookies_and_never_sent_again(sink):
    stays, leaves = make_subscribers(2)
    send_now(make_newsletter("May"))
    [message] = sink.messages_to(leaves.email)
    path = urlsplit(message["List-Unsubscribe"].strip("<>")).path

    # What a mail program does (RFC 8058): a POST with this body, no cookies, no CSRF token.
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not response.cookies
    leaves.refresh_from_db()
    assert leaves.status == Subscriber.Status.UNSUBSCRIBED
    assert leaves.consents.get().method == "one-click header"

    send_now(make_newsletter("June"))
    assert sink.recipients() == {stays.email: 2, leaves.email: 1}


def test_unsubscribe_link_get_shows_a_confirm_page_and_changes_nothing(sink):
    [reader] = make_subscribers(1)
    send_now(make_newsletter("July"))
    path = urlsplit(sink.messages_to(reader.email)[0]["List-Unsubscribe"].strip("<>")).path

    page = Client().get(path)

    assert page.status_code == 200
    assert "Stop sending the newsletter to" in page.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    Client().post(path)  # the page's button
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    assert Subscriber.objects.get().consents.get().action == Consent.Action.WITHDRAWN


def test_unconfirmed_and_unsubscribed_addresses_receive_nothing(sink):
    [confirmed] = make_subscribers(1, "yes")
    make_subscribers(1, "pending", status=Subscriber.Status.PENDING)
    make_subscribers(1, "gone", status=Subscriber.Status.UNSUBSCRIBED)

    send_now(make_newsletter("August"))

    assert sink.recipients() == {confirmed.email: 1}


def test_leaving_after_the_audience_was_taken_still_stops_the_mail(sink):
    stays, leaves = make_subscribers(2)
    newsletter = make_newsletter("September")
    take_audience(schedule_send(newsletter))
    Subscriber.objects.filter(pk=leaves.pk).update(status=Subscriber.Status.UNSUBSCRIBED)

    deliver_pending(newsletter.pk)

    assert sink.recipients() == {stays.email: 1}
    assert Delivery.objects.get(subscriber=leaves).status == Delivery.Status.SKIPPED


def test_smtp_server_down_leaves_every_row_pending_then_resumes(settings):
    settings.NEWSLETTER_SEND_RATE = 0
    readers = make_subscribers(5)
    newsletter = make_newsletter("October")
    take_audience(schedule_send(newsletter))
    sink = SmtpSink()
    use_sink(settings, sink)  # the port is chosen, but nothing listens on it yet

    with pytest.raises(ConnectionFailure):
        deliver_pending(newsletter.pk)

    rows = Delivery.objects.all()
    assert {row.status for row in rows} == {Delivery.Status.PENDING}
    assert all(row.claimed_by is None and row.sent_at is None for row in rows)

    with sink:
        deliver_pending(newsletter.pk)
    assert sink.recipients() == {reader.email: 1 for reader in readers}
    assert NewsletterSend.objects.get().state == NewsletterSend.State.DONE


def test_4xx_answers_are_retried_with_backoff_and_never_marked_sent(settings):
    settings.NEWSLETTER_SEND_RATE = 0
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 30
    ok, busy = make_subscribers(2)
    newsletter = make_newsletter("November")
    take_audience(schedule_send(newsletter))
    refusing = SmtpSink(
        answer=lambda envelope: "451 4.3.0 Mailbox busy, try later" if busy.email in envelope.rcpt_tos else None
    )

    with refusing:
        use_sink(settings, refusing)
        retry_in = deliver_pending(newsletter.pk)

    assert refusing.recipients() == {ok.email: 1}
    row = Delivery.objects.get(subscriber=busy)
    assert (row.status, row.attempts) == (Delivery.Status.PENDING, 1)
    assert "451" in row.error and row.sent_at is None
    assert 25 < retry_in <= 30  # the next try waits for the backoff
    assert NewsletterSend.objects.get().state == NewsletterSend.State.SENDING


def test_a_recipient_that_keeps_answering_4xx_ends_failed_and_one_that_recovers_is_sent_once(settings):
    settings.NEWSLETTER_SEND_RATE = 0
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 0  # retry at once, so one call runs every try
    settings.NEWSLETTER_MAX_ATTEMPTS = 3
    stubborn, flaky, refused = make_subscribers(3)
    flaky_refusals = iter([True, True])

    def answer(envelope):
        if stubborn.email in envelope.rcpt_tos:
            return "452 4.2.2 Mailbox full"
        if flaky.email in envelope.rcpt_tos and next(flaky_refusals, False):
            return "421 4.7.0 Try again later"
        if refused.email in envelope.rcpt_tos:
            return "550 5.1.1 No such user"
        return None

    newsletter = make_newsletter("December")
    take_audience(schedule_send(newsletter))
    with SmtpSink(answer=answer) as sink:
        use_sink(settings, sink)
        deliver_pending(newsletter.pk)

    assert sink.recipients() == {flaky.email: 1}
    rows = {row.subscriber_id: row for row in Delivery.objects.all()}
    assert (rows[flaky.pk].status, rows[flaky.pk].attempts) == (Delivery.Status.SENT, 3)
    assert (rows[stubborn.pk].status, rows[stubborn.pk].attempts) == (Delivery.Status.FAILED, 3)
    assert "452" in rows[stubborn.pk].error
    assert (rows[refused.pk].status, rows[refused.pk].attempts) == (Delivery.Status.FAILED, 1)
    assert "550" in rows[refused.pk].error
    assert NewsletterSend.objects.get().state == NewsletterSend.State.DONE


def test_send_rate_setting_throttles(sink, settings):
    settings.NEWSLETTER_SEND_RATE = 10
    make_subscribers(25)
    newsletter = make_newsletter("Slow")
    take_audience(schedule_send(newsletter))

    started = time.monotonic()
    deliver_pending(newsletter.pk)

    # 25 messages at 10 per second span at least two second boundaries.
    assert time.monotonic() - started >= 1.0
    assert len(sink.accepted) == 25


def test_without_an_smtp_server_the_django_mail_backend_gets_the_same_messages(settings, mailoutbox):
    """The embedded site (console or locmem backend) sends newsletters too."""
    settings.NEWSLETTER_SEND_RATE = 0
    [reader] = make_subscribers(1)

    send_now(make_newsletter("Offline"))

    [message] = mailoutbox
    assert message.to == [reader.email]
    parsed = message.message()
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Offline" in parsed["Subject"]
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_non_ascii_subject_and_name_arrive_intact(sink):
    [reader] = make_subscribers(1)
    Subscriber.objects.filter(pk=reader.pk).update(name="Zoë <Brontë>")

    send_now(make_newsletter("Lettres", subject="Lettres d’été – « spécial »"))

    [message] = sink.messages_to(reader.email)
    assert message["Subject"] == "Lettres d’été – « spécial »"
    assert "Hello Zoë &lt;Brontë&gt;," in message.get_body(("html",)).get_content()
    assert "Hello Zoë <Brontë>," in message.get_body(("plain",)).get_content()
