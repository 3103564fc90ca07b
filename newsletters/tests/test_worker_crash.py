"""Kill -9 mid-send: a real Celery worker, a real SMTP server, 2,000 subscribers.

The worker is killed with SIGKILL part-way; a new worker resumes the send on start. Every
subscriber must receive the newsletter exactly once: the rows the dead worker had claimed but not
sent go out once, and the message in flight at the kill is neither lost nor sent again (its row
is marked as its last byte is written; see newsletters/sending.py). bench/newsletter_crash.py
repeats this with kills at random moments.
"""

import signal

import pytest

from newsletters.models import Delivery, NewsletterSend
from newsletters.tasks import start_newsletter_send
from testing.celery_workers import start_worker, stop_worker, wait_until, worker_environment
from testing.factories import make_newsletter, make_subscribers, schedule_send
from testing.smtp import SmtpSink

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SUBSCRIBERS = 2000


def sent_count(newsletter):
    return Delivery.objects.filter(newsletter=newsletter, status=Delivery.Status.SENT).count()


def test_killed_worker_resumes_without_duplicates_or_losses(postgres, redis_url, broker, tmp_path):
    subscribers = make_subscribers(SUBSCRIBERS)
    newsletter = make_newsletter("Crash test")
    schedule_send(newsletter)

    with SmtpSink(keep_content=False) as sink:
        # Throttled so the kill lands mid-send whatever the machine's speed.
        environment = worker_environment(
            broker, redis_url, sink.port, NEWSLETTER_SEND_RATE=400, NEWSLETTER_BATCH_SIZE=50
        )
        first = start_worker(environment, tmp_path / "first.log")
        try:
            start_newsletter_send.apply_async((newsletter.pk,), queue=broker)
            wait_until(lambda: sent_count(newsletter) >= 300, 90, "the first worker to send 300 messages")
        finally:
            stop_worker(first, signal.SIGKILL)
        sent_before_restart = sent_count(newsletter)
        assert sent_before_restart < SUBSCRIBERS, "the worker finished before it was killed"
        print(f"killed the first worker after {sent_before_restart} messages were marked sent")

        second = start_worker(environment, tmp_path / "second.log")
        try:
            wait_until(
                lambda: NewsletterSend.objects.get(newsletter=newsletter).state == NewsletterSend.State.DONE,
                120,
                "the second worker to finish the send",
            )
        finally:
            stop_worker(second)

        received = sink.recipients()
    duplicates = {email: count for email, count in received.items() if count > 1}
    lost = {subscriber.email for subscriber in subscribers} - set(received)
    assert not lost, f"{len(lost)} subscribers never received the newsletter"
    assert not duplicates, f"received more than once: {duplicates}"
    assert sent_count(newsletter) == SUBSCRIBERS
    assert len({message_id for _, message_id, _ in sink.accepted}) == SUBSCRIBERS
