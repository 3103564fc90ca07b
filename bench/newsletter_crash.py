"""How often does a SIGKILL at a random moment cause a duplicate? (not a test)

Repeats the crash test's scenario with the sending unthrottled and the kill at a random moment
(a random wait after the first worker has marked a random number of rows sent), then prints the
kills, duplicates and losses seen at the SMTP sink. Both must be 0. The only place left for a
duplicate is the few microseconds between writing a message's final "." to the mail server and
writing its "sent" mark to PostgreSQL (newsletters/sending.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bookshop_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/newsletter_crash.py --runs 10
"""

import argparse
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR / "site"), str(PROJECT_DIR)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookshop.settings.test_worker")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--subscribers", type=int, default=2000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL=postgres://... and REDIS_URL=redis://... (real services are measured).")

    import django

    django.setup()
    from newsletters.models import Delivery, NewsletterPage, NewsletterSend, Subscriber
    from newsletters.sending import take_audience
    from testing.celery_workers import start_worker, stop_worker, wait_until, worker_environment
    from testing.factories import make_newsletter, schedule_send
    from testing.smtp import SmtpSink

    log_dir = Path(tempfile.mkdtemp(prefix="newsletter-crash-"))
    Subscriber.objects.filter(email__endswith="@crash.invalid").delete()
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"crash-{n}@crash.invalid", status="confirmed") for n in range(args.subscribers)]
    )
    expected = set(Subscriber.objects.filter(email__endswith="@crash.invalid").values_list("email", flat=True))
    totals = {"duplicates": 0, "lost": 0, "runs with a duplicate": 0}
    with SmtpSink(keep_content=False) as sink:
        for run in range(args.runs):
            sink.accepted.clear()
            newsletter = make_newsletter(f"Crash {run} {uuid.uuid4().hex[:6]}")
            take_audience(schedule_send(newsletter))
            sent = Delivery.objects.filter(newsletter=newsletter, status="sent")
            environment = worker_environment(
                f"newsletter-crash-{uuid.uuid4().hex[:8]}",
                os.environ["REDIS_URL"],
                sink.port,
                DATABASE_URL=os.environ["DATABASE_URL"],
                NEWSLETTER_SEND_RATE=0,
                NEWSLETTER_SEND_PARALLELISM=1,
            )
            threshold = random.randint(args.subscribers // 10, args.subscribers // 2)
            first = start_worker(environment, log_dir / f"run{run}-first.log")
            try:
                wait_until(lambda sent=sent, threshold=threshold: sent.count() >= threshold, 120, "the first worker")
                time.sleep(random.uniform(0, 0.05))
            finally:
                stop_worker(first, signal.SIGKILL)
            second = start_worker(environment, log_dir / f"run{run}-second.log")
            try:
                wait_until(
                    lambda newsletter=newsletter: NewsletterSend.objects.get(newsletter=newsletter).state == "done",
                    300,
                    "the second worker",
                )
            finally:
                stop_worker(second)
            received = [recipient for recipient, _, _ in sink.accepted]
            duplicates = len(received) - len(set(received))
            lost = len(expected - set(received))
            totals["duplicates"] += duplicates
            totals["lost"] += lost
            totals["runs with a duplicate"] += bool(duplicates)
            print(f"run {run + 1}: killed after ≥{threshold} sent; {duplicates} duplicates, {lost} lost", flush=True)
            NewsletterPage.objects.filter(pk=newsletter.pk).delete()
    Subscriber.objects.filter(email__endswith="@crash.invalid").delete()
    print(f"\n{args.runs} kills: {totals}")


if __name__ == "__main__":
    main()
