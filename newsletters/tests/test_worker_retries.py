"""A real Celery worker facing an SMTP server that is down, then answering 4xx, then fine."""

import pytest

from newsletters.models import Delivery, NewsletterSend
from newsletters.tasks import start_newsletter_send
from testing.celery_workers import start_worker, stop_worker, wait_until, worker_environment
from testing.factories import make_newsletter, make_subscribers, schedule_send
from testing.smtp import SmtpSink

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_worker_waits_for_the_server_and_retries_4xx_with_backoff(postgres, redis_url, broker, tmp_path):
    readers = make_subscribers(20)
    busy = readers[0].email
    refusals = iter(["451 4.3.0 Mailbox busy, try later"] * 2)
    newsletter = make_newsletter("Patience")
    schedule_send(newsletter)
    sink = SmtpSink(answer=lambda envelope: next(refusals, None) if busy in envelope.rcpt_tos else None)
    environment = worker_environment(broker, redis_url, sink.port, NEWSLETTER_RETRY_BASE_SECONDS=1)
    worker = start_worker(environment, tmp_path / "worker.log")
    try:
        # Nothing listens yet: the worker takes the audience, fails to connect, and keeps retrying.
        start_newsletter_send.apply_async((newsletter.pk,), queue=broker)
        wait_until(
            lambda: Delivery.objects.filter(newsletter=newsletter, error__contains="Will retry").exists(),
            60,
            "a failed connection",
        )
        assert not Delivery.objects.filter(newsletter=newsletter).exclude(status="pending").exists()

        with sink:
            wait_until(
                lambda: NewsletterSend.objects.get(newsletter=newsletter).state == NewsletterSend.State.DONE,
                90,
                "the send to finish",
            )
    finally:
        stop_worker(worker)

    assert sink.recipients() == {reader.email: 1 for reader in readers}
    assert sink.refused == 2
    row = Delivery.objects.get(newsletter=newsletter, subscriber=readers[0])
    assert (row.status, row.attempts) == (Delivery.Status.SENT, 3)
