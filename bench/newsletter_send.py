"""Newsletter send rate to a local SMTP sink, in messages per second (not a test).

Real pieces: PostgreSQL (DATABASE_URL), Redis as the Celery broker (REDIS_URL), 1 or 2 Celery
worker processes, and an SMTP sink on loopback, on the same 2 cores as the workers:
- `--sink postfix` (default): Postfix's smtp-sink, written in C, so the sink is not what is
  measured. When it is not installed, it is unpacked from Debian's postfix package into
  var/postfix/ (apt-get download + dpkg -x: no mail system is installed or started);
- `--sink aiosmtpd`: the tests' Python sink (testing/smtp.py), in this process;
  it tops out near the target by itself.
The rate is taken from the delivery log itself: subscribers / (last sent_at - first sent_at),
unthrottled (NEWSLETTER_SEND_RATE=0); the sink's own count must equal the subscribers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bookshop_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/newsletter_send.py --subscribers 10000 100000 --workers 1 2

The bench adds subscribers at bench-*@bench.invalid and a newsletter per run, and removes them after.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR / "site"), str(PROJECT_DIR)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookshop.settings.test_worker")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per run")
    parser.add_argument("--sink", choices=["postfix", "aiosmtpd"], default="postfix")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL=postgres://... and REDIS_URL=redis://... (real services are measured).")

    import django

    django.setup()
    from django.db.models import Max, Min

    from newsletters.models import Delivery, NewsletterPage, NewsletterSend, Subscriber
    from newsletters.sending import take_audience
    from testing.celery_workers import running_workers, worker_environment
    from testing.factories import make_newsletter, schedule_send
    from testing.smtp import SmtpSink, free_port

    log_dir = Path(tempfile.mkdtemp(prefix="newsletter-bench-"))
    results = []
    if args.sink == "postfix":
        sink = PostfixSmtpSink(free_port())
    else:
        sink = CountingAiosmtpdSink(SmtpSink(keep_content=False))
    with sink:
        baseline = bare_smtp_rate(sink.port)
        print(f"Sink: {args.sink}. A bare smtplib loop to it (no database, no Celery): {baseline:,.0f} messages/s")
        for count in args.subscribers:
            Subscriber.objects.filter(email__endswith="@bench.invalid").delete()
            Subscriber.objects.bulk_create(
                [Subscriber(email=f"bench-{n}@bench.invalid", status="confirmed") for n in range(count)],
                batch_size=5000,
            )
            for workers in args.workers:
                received_before = sink.received()
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
                time.sleep(0.5)  # the sink's counter is printed a moment later
                received = sink.received() - received_before
                results.append((count, workers, sent, seconds, sent / seconds, snapshot_seconds))
                print(
                    f"{count:>7} subscribers, {workers} worker(s): {sent} sent in {seconds:.1f} s = "
                    f"{sent / seconds:,.0f} messages/s (audience snapshot {snapshot_seconds:.1f} s, "
                    f"{received} received by the sink)",
                    flush=True,
                )
                NewsletterPage.objects.filter(pk=newsletter.pk).delete()
        Subscriber.objects.filter(email__endswith="@bench.invalid").delete()

    print("\nsubscribers  workers  messages/s  vs 1 worker  vs bare smtplib loop")
    for count, workers, _, _, rate, _ in results:
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


class CountingAiosmtpdSink:
    def __init__(self, sink):
        self.sink = sink
        self.port = sink.port

    def received(self):
        return len(self.sink.accepted)

    def __enter__(self):
        self.sink.start()
        return self

    def __exit__(self, *exc_info):
        self.sink.stop()


class PostfixSmtpSink:
    """Postfix's smtp-sink on loopback, counting the messages it accepts (its `-c` counter)."""

    def __init__(self, port):
        self.port = port
        self.count = 0

    def __enter__(self):
        command, environment = postfix_smtp_sink()
        if os.geteuid() == 0:
            command += ["-u", "nobody"]  # it refuses to run as root
        self.process = subprocess.Popen(
            [*command, "-c", f"127.0.0.1:{self.port}", "256"],
            env={**os.environ, **environment},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        threading.Thread(target=self._read_counter, daemon=True).start()
        time.sleep(0.5)
        if self.process.poll() is not None:
            sys.exit("smtp-sink did not start")
        return self

    def _read_counter(self):
        # It rewrites one status line ("sess=1 quit=0 mesg=42") with carriage returns.
        while chunk := self.process.stdout.read1(4096):
            counts = re.findall(rb"mesg=(\d+)", chunk)
            if counts:
                self.count = int(counts[-1])

    def received(self):
        return self.count

    def __exit__(self, *exc_info):
        self.process.terminate()
        self.process.wait()


def postfix_smtp_sink():
    """(command, extra environment) for smtp-sink: the installed one, else unpacked into var/."""
    installed = shutil.which("smtp-sink", path=f"{os.environ.get('PATH', '')}{os.pathsep}/usr/sbin")
    if installed:
        return [installed], {}
    root = PROJECT_DIR / "var" / "postfix"
    binary = root / "usr" / "sbin" / "smtp-sink"
    if not binary.exists():
        with tempfile.TemporaryDirectory() as download:
            subprocess.run(["apt-get", "download", "postfix"], cwd=download, check=True, capture_output=True)
            package = next(Path(download).glob("postfix_*.deb"))
            subprocess.run(["dpkg", "-x", str(package), str(root)], check=True)
    return [str(binary)], {"LD_LIBRARY_PATH": str(root / "usr" / "lib" / "postfix")}


def bare_smtp_rate(port, count=3000):
    """What the sink takes from one client process doing nothing but SMTP: the ceiling to compare with."""
    result = subprocess.run(
        [sys.executable, "-c", BARE_SMTP_CLIENT, str(port), str(count)], capture_output=True, text=True, check=True
    )
    return float(result.stdout)


if __name__ == "__main__":
    main()
