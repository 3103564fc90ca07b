"""Newsletter send rate to a local SMTP sink, in messages per second (not a test).

Real pieces: PostgreSQL (DATABASE_URL), Redis as the Celery broker (REDIS_URL), 1 or 2 Celery
worker processes, and an aiosmtpd SMTP sink on loopback (in this process). The rate is taken from
the delivery log itself: subscribers / (last sent_at - first sent_at), unthrottled
(NEWSLETTER_SEND_RATE=0). The sink runs on the same cores as the workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bookshop_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/newsletter_send.py --subscribers 10000 100000 --workers 1 2

The bench adds subscribers at bench-*@bench.invalid and a newsletter per run, and removes them after.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR / "site"), str(PROJECT_DIR)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletters.tests.worker_settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per run")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL=postgres://... and REDIS_URL=redis://... (real services are measured).")

    import django

    django.setup()
    from django.db.models import Max, Min

    from newsletters.models import Delivery, NewsletterPage, NewsletterSend, Subscriber
    from newsletters.sending import take_audience
    from newsletters.tests.factories import make_newsletter, schedule_send
    from newsletters.tests.smtp_sink import SmtpSink
    from newsletters.tests.workers import running_workers, worker_environment

    log_dir = Path(tempfile.mkdtemp(prefix="newsletter-bench-"))
    results = []
    with SmtpSink(keep_content=False) as sink:
        baseline = bare_smtp_rate(sink.port)
        print(f"Reference: a bare smtplib loop to the same sink (no database, no Celery): {baseline:,.0f} messages/s")
        for count in args.subscribers:
            Subscriber.objects.filter(email__endswith="@bench.invalid").delete()
            Subscriber.objects.bulk_create(
                [Subscriber(email=f"bench-{n}@bench.invalid", status="confirmed") for n in range(count)],
                batch_size=5000,
            )
            for workers in args.workers:
                sink.accepted.clear()  # also drops the baseline's messages
                newsletter = make_newsletter(f"Bench {count} x{workers} {uuid.uuid4().hex[:6]}")
                started = time.monotonic()
                take_audience(schedule_send(newsletter))
                snapshot_seconds = time.monotonic() - started
                queue = f"newsletter-bench-{uuid.uuid4().hex[:8]}"
                environment = worker_environment(
                    queue,
                    os.environ["REDIS_URL"],
                    sink.port,
                    DATABASE_URL=os.environ["DATABASE_URL"],
                    NEWSLETTER_SEND_RATE=0,
                    NEWSLETTER_BATCH_SIZE=args.batch_size,
                    NEWSLETTER_SEND_PARALLELISM=workers,
                )
                # Each worker resumes the send when it starts (newsletters.receivers).
                with running_workers(environment, log_dir, workers):
                    deadline = time.monotonic() + args.timeout
                    send = NewsletterSend.objects.get(newsletter=newsletter)
                    while send.state != NewsletterSend.State.DONE and time.monotonic() < deadline:
                        time.sleep(0.5)
                        send.refresh_from_db()
                deliveries = Delivery.objects.filter(newsletter=newsletter)
                span = deliveries.aggregate(first=Min("sent_at"), last=Max("sent_at"))
                sent = deliveries.filter(status="sent").count()
                seconds = (span["last"] - span["first"]).total_seconds() if sent > 1 else float("nan")
                duplicates = len(sink.accepted) - len(set(recipient for recipient, _, _ in sink.accepted))
                results.append((count, workers, sent, seconds, sent / seconds, snapshot_seconds, duplicates))
                print(
                    f"{count:>7} subscribers, {workers} worker(s): {sent} sent in {seconds:.1f} s = "
                    f"{sent / seconds:,.0f} messages/s (audience snapshot {snapshot_seconds:.1f} s, "
                    f"{len(sink.accepted)} received, {duplicates} duplicates)",
                    flush=True,
                )
                NewsletterPage.objects.filter(pk=newsletter.pk).delete()
        Subscriber.objects.filter(email__endswith="@bench.invalid").delete()

    print("\nsubscribers  workers  messages/s  vs 1 worker  vs bare smtplib loop")
    for count, workers, _, _, rate, _, _ in results:
        single = next((r[4] for r in results if r[0] == count and r[1] == 1), None)
        ratio = f"{rate / single:.2f}x" if single else "-"
        print(f"{count:>11}  {workers:>7}  {rate:>10,.0f}  {ratio:>11}  {rate / baseline:>19.2f}x")
    print(f"\nWorker logs: {log_dir}")


BARE_SMTP_CLIENT = """
import smtplib, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
body = (b"x" * 76 + b"\\r\\n") * 80  # about the size of a newsletter's MIME body
message = b"From: bench@bench.invalid\\r\\nSubject: bench\\r\\n\\r\\n" + body
client = smtplib.SMTP("127.0.0.1", port)
started = time.monotonic()
for number in range(count):
    client.sendmail("bench@bench.invalid", [f"baseline-{number}@bench.invalid"], message)
print(count / (time.monotonic() - started))
client.quit()
"""


def bare_smtp_rate(port, count=3000):
    """What the sink takes from one client process doing nothing but SMTP: the ceiling to compare with."""
    result = subprocess.run(
        [sys.executable, "-c", BARE_SMTP_CLIENT, str(port), str(count)], capture_output=True, text=True, check=True
    )
    return float(result.stdout)


if __name__ == "__main__":
    main()
