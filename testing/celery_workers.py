"""pytest plugin: real Celery worker processes on a test's own queue.

The `broker` fixture sends this test's tasks through Redis to a queue of its own; the worker
processes started here (settings bookshop.settings.test_worker) listen on that queue only. Used
by the newsletter crash and retry tests, the SMTP-outage test, the scheduled-job tests (with
`start_beat`) and the newsletter benchmarks.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from bookshop.celery_app import app as celery_app

PROJECT_DIR = Path(__file__).resolve().parents[1]
CELERY = Path(sys.executable).with_name("celery")


@pytest.fixture
def broker(redis_url):
    """Tasks from this test go through Redis (not eager) to this test's own queue."""
    queue = f"newsletter-test-{uuid.uuid4().hex[:8]}"
    saved = {name: celery_app.conf[name] for name in ("task_always_eager", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    yield queue
    celery_app.conf.update(saved)


def database_url():
    """The URL of the database this process uses (the test database, under pytest)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_environment(queue, redis_url, smtp_port, **extra):
    return {
        **os.environ,
        "PYTHONPATH": f"{PROJECT_DIR / 'site'}{os.pathsep}{PROJECT_DIR}",
        "DJANGO_SETTINGS_MODULE": "bookshop.settings.test_worker",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "NEWSLETTER_WORKER_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        **{name: str(value) for name, value in extra.items()},
    }


def start_worker(environment, log_path, loglevel="WARNING"):
    """One worker process (solo pool: the process that sends is the process we may kill).

    At loglevel INFO the log has a "Task name[id] succeeded" line for every task that succeeded.
    """
    return _start_celery(
        [
            "-A",
            "bookshop",
            "worker",
            "--pool=solo",
            f"--loglevel={loglevel}",
            "-Q",
            environment["NEWSLETTER_WORKER_QUEUE"],
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"newsletter-{log_path.stem}@%h",
        ],
        environment,
        log_path,
    )


def start_beat(environment, folder):
    """Celery beat with the project's schedule, sending to the worker queue of `environment`."""
    beat = ["-A", "bookshop", "beat", "--loglevel=INFO", "-s", str(folder / "beat-schedule")]
    return _start_celery(beat, environment, folder / "beat.log")


def _start_celery(arguments, environment, log_path):
    """A celery process in a session of its own (stop_worker kills its group), logging to log_path."""
    log = open(log_path, "ab")  # noqa: SIM115 (closed by stop_worker)
    process = subprocess.Popen(
        [str(CELERY), *arguments],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log = log
    return process


def stop_worker(process, sig=signal.SIGTERM):
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    process.log.close()


@contextmanager
def running_workers(environment, log_dir, count=1, loglevel="WARNING"):
    workers = [start_worker(environment, log_dir / f"worker-{number}.log", loglevel) for number in range(count)]
    try:
        yield workers
    finally:
        for worker in workers:
            stop_worker(worker)


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)
