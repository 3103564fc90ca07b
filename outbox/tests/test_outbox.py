"""The outbox in one process: stored with the transaction, delivered once, survives SMTP down.

Delivery goes to a real SMTP server (aiosmtpd); the real sign-up and password-reset views (allauth's)
are driven through the Django test client. Celery is eager here: delivery runs after the commit,
in the same process; test_outbox_processes.py has the real worker, broker and kills.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives, send_mail
from django.db import transaction
from django.urls import reverse

from bookshop.celery_app import app as celery_app
from outbox.backends import OutboxRefused
from outbox.models import OutboxEmail
from outbox.tasks import relay_outbox
from testing.factories import make_home
from testing.smtp import SmtpSink, use_sink

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    """A real SMTP server behind the outbox; created stopped, so a test can start it late."""
    server = SmtpSink()
    use_sink(settings, server)
    yield server
    try:
        server.stop()
    except AssertionError:
        pass  # never started: aiosmtpd refuses to stop it


@pytest.fixture
def run_relay(django_capture_on_commit_callbacks):
    """One run of the beat relay, with the enqueued deliveries (eager) run after its commit."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return relay_outbox()

    return run


def test_mail_in_a_rolled_back_transaction_is_never_stored_or_sent(sink, django_capture_on_commit_callbacks):
    sink.start()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            send_mail("Your order", "Thanks!", None, ["ada@example.com"])
            raise RuntimeError("the order was not placed")

    assert not OutboxEmail.objects.exists()
    assert sink.accepted == []


def test_committed_mail_is_stored_then_delivered_once_with_its_message_id(
    sink, run_relay, django_capture_on_commit_callbacks
):
    sink.start()
    message = EmailMultiAlternatives(
        "Your order", "Thanks!", "Folio Books <shop@folio-books.example>", ["ada@example.com"], cc=["cc@example.com"]
    )
    message.attach_alternative("<p>Thanks!</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            message.send()
            email = OutboxEmail.objects.get()
            assert sink.accepted == []  # nothing leaves before the commit
            assert callbacks == []

    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboxEmail.State.SENT, 1)
    assert email.message_id.endswith("@testserver>")
    assert sorted(recipient for recipient, _, _ in sink.accepted) == ["ada@example.com", "cc@example.com"]
    [received] = sink.messages_to("ada@example.com")
    assert received["Message-ID"] == email.message_id
    assert received.get_body(("html",)).get_content().strip() == "<p>Thanks!</p>"

    assert run_relay() == 0  # a sent row is never sent again
    assert len(sink.accepted) == 2


def test_attachments_are_refused_and_nothing_is_stored():
    message = EmailMessage("Invoice", "Attached.", None, ["ada@example.com"])
    message.attach("invoice.pdf", b"%PDF-1.4", "application/pdf")

    with pytest.raises(OutboxRefused, match="no attachments"):
        message.send()
    assert not OutboxEmail.objects.exists()


def register(client):
    return client.post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )


@pytest.mark.parametrize("action", ["register", "password reset"])
def test_smtp_down_the_account_pages_answer_and_the_mail_follows_once(
    action, client, sink, settings, run_relay, django_capture_on_commit_callbacks
):
    """Registration and password reset with the mail server down: the page answers as usual;
    the mail waits in the outbox and arrives exactly once after the server is back."""
    make_home()
    settings.OUTBOX_RETRY_BASE_SECONDS = settings.OUTBOX_LEASE_SECONDS = 0  # due again at once
    if action == "password reset":
        get_user_model().objects.create_user("reader", "new@example.com", "a-long-enough-passphrase")
    with django_capture_on_commit_callbacks(execute=True):  # the sink is not started: SMTP is down
        if action == "register":
            response = register(client)
        else:
            response = client.post(reverse("account_reset_password"), {"email": "new@example.com"})

    assert response.status_code == 302
    email = OutboxEmail.objects.get(to=["new@example.com"])
    assert (email.state, email.attempts) == (OutboxEmail.State.PENDING, 1)
    assert "Connection refused" in email.last_error

    sink.start()
    assert run_relay() == 1
    assert run_relay() == 0
    assert [recipient for recipient, _, _ in sink.accepted] == ["new@example.com"]
    assert sink.accepted[0][1] == email.message_id
    email.refresh_from_db()
    assert email.state == OutboxEmail.State.SENT


def test_permanent_refusal_fails_the_row_at_once(sink, django_capture_on_commit_callbacks):
    sink.answer = lambda envelope: "550 5.1.1 No such mailbox"
    sink.start()
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Hello", "Hi", None, ["nobody@example.com"])

    email = OutboxEmail.objects.get()
    assert (email.state, email.attempts) == (OutboxEmail.State.FAILED, 1)
    assert "550" in email.last_error


def test_retries_stop_after_the_configured_attempts(sink, settings, run_relay, django_capture_on_commit_callbacks):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = settings.OUTBOX_LEASE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):  # SMTP down throughout
        send_mail("Hello", "Hi", None, ["ada@example.com"])
    run_relay()
    run_relay()

    email = OutboxEmail.objects.get()
    assert (email.state, email.attempts) == (OutboxEmail.State.FAILED, 3)
    assert run_relay() == 0


def test_admin_lists_the_outbox_read_only_and_retries_failed_mail(
    admin_client, sink, django_capture_on_commit_callbacks
):
    failed = OutboxEmail.objects.create(
        message_id="<1@testserver>",
        from_email="shop@folio-books.example",
        to=["ada@example.com"],
        subject="Your order",
        body="Thanks!",
        state=OutboxEmail.State.FAILED,
        attempts=20,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    changelist = admin_client.get("/django-admin/outbox/outboxemail/").content.decode()
    for text in ("Your order", "ada@example.com", "Failed", "Connection unexpectedly closed", "Retry now"):
        assert text in changelist
    detail = f"/django-admin/outbox/outboxemail/{failed.pk}/change/"
    assert 'name="_save"' not in admin_client.get(detail).content.decode()
    admin_client.post(detail, {"subject": "Edited"})
    failed.refresh_from_db()
    assert failed.subject == "Your order"

    sink.start()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/django-admin/outbox/outboxemail/", {"action": "retry_now", "_selected_action": [failed.pk]}, follow=True
        )
    assert "1 email(s) queued for delivery." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (OutboxEmail.State.SENT, 1)
    assert [message_id for _, message_id, _ in sink.accepted] == ["<1@testserver>"]


def test_mail_reaches_djangos_test_outbox_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Hello", "Hi", None, ["ada@example.com"])
    assert [message.subject for message in mail.outbox] == ["Hello"]


def test_the_relay_runs_every_30_seconds_and_a_worker_knows_it(settings):
    celery_app.loader.import_default_modules()
    [entry] = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == relay_outbox.name]
    assert entry["schedule"] <= 30
    assert relay_outbox.name in celery_app.tasks
