"""Every beat entry runs through a real Celery worker; scheduled publishing through worker and beat."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from bookshop.celery_app import app as celery_app
from catalogue.pages import BookPage
from testing.celery_workers import running_workers, start_beat, stop_worker, wait_until, worker_environment
from testing.factories import make_category
from testing.ports import unused_port

pytestmark = [pytest.mark.services]


class PurgeRecorder(BaseHTTPRequestHandler):
    """Stands in for an nginx purge listener: records the paths it is asked to purge."""

    purged = []

    def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
        self.purged.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_listener():
    PurgeRecorder.purged = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, PurgeRecorder.purged
    server.shutdown()


def test_every_scheduled_job_runs_to_success_on_a_real_worker(transactional_db, postgres, broker, redis_url, tmp_path):
    expired = Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    environment = worker_environment(broker, redis_url, unused_port())
    log = tmp_path / "worker-0.log"
    with running_workers(environment, tmp_path, loglevel="INFO"):
        sent = {
            name: celery_app.send_task(entry["task"], queue=broker, expires=300)
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        for name, result in sent.items():
            line = f"{settings.CELERY_BEAT_SCHEDULE[name]['task']}[{result.id}] succeeded"
            wait_until(lambda: line in log.read_text(errors="replace"), 120, f"{name} to succeed")  # noqa: B023
    assert "Traceback" not in log.read_text(errors="replace")
    assert not Session.objects.filter(pk=expired.pk).exists()  # clear-expired-sessions did its job


def test_a_scheduled_book_goes_live_within_90_seconds_with_worker_and_beat(
    transactional_db, postgres, broker, redis_url, tmp_path, purge_listener
):
    server, purged = purge_listener
    category = make_category(title="Scheduled Shelf", slug="scheduled-shelf")
    go_live_at = timezone.now() + timedelta(seconds=3)
    book = category.add_child(
        instance=BookPage(title="Tomorrow's Book", slug="tomorrows-book", isbn="9780000000019", live=False)
    )
    book.go_live_at = go_live_at
    book.save_revision().publish()  # with go_live_at in the future this schedules, as the editor's Publish does
    assert not BookPage.objects.get(pk=book.pk).live

    environment = worker_environment(
        broker, redis_url, unused_port(), EDGE_CACHE_PURGE_URLS=f"http://127.0.0.1:{server.server_port}"
    )
    beat = start_beat(environment, tmp_path)
    try:
        with running_workers(environment, tmp_path):
            wait_until(lambda: BookPage.objects.get(pk=book.pk).live, timeout=95, what="the book going live")
            live_after = (timezone.now() - go_live_at).total_seconds()
            path = BookPage.objects.get(pk=book.pk).url
            wait_until(lambda: path in purged, timeout=10, what=f"a purge of {path}")
    finally:
        stop_worker(beat)
    assert live_after <= 90, live_after
    book = BookPage.objects.get(pk=book.pk)
    assert book.product is not None and book.product.title == "Tomorrow's Book"  # mirrored into Oscar
    print(f"live {live_after:.1f} s after its go-live time")
