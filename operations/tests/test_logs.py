"""Quiet, structured logs: repeats of an error are counted, not written; request ids follow the work."""

import io
import json
import logging
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from bookshop.celery_app import app as celery_app
from operations.logs import JsonFormatter, RepeatedErrorFilter, RequestIdFilter, request_id
from testing.celery_workers import running_workers, wait_until, worker_environment
from testing.ports import unused_port


def logger_writing_to(stream, interval):
    logger = logging.getLogger(f"test.repeats.{time.monotonic_ns()}")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RepeatedErrorFilter(interval=interval))
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    return logger


def failing_call(logger, port):
    try:
        raise ConnectionRefusedError(f"Error 111 connecting to 127.0.0.1:{port}")
    except ConnectionRefusedError:
        logger.exception("cache unavailable at %s", port)


def test_a_thousand_identical_errors_are_one_line_then_one_line_with_the_count():
    stream = io.StringIO()
    logger = logger_writing_to(stream, interval=0.5)
    for attempt in range(1000):
        failing_call(logger, 6379 + attempt % 3)  # arguments differ, the failure is the same
    logger.info("an info line always passes")
    time.sleep(0.6)
    failing_call(logger, 6379)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["level"] for line in lines] == ["ERROR", "INFO", "ERROR"]
    assert "Traceback" in lines[0]["exception"]
    assert lines[2]["message"].endswith("[999 similar records suppressed in the last 0.5 s]")


def test_different_failures_are_each_logged():
    stream = io.StringIO()
    logger = logger_writing_to(stream, interval=60)
    failing_call(logger, 1)
    logger.error("smtp refused the message")
    assert len(stream.getvalue().splitlines()) == 2


def test_the_request_id_from_nginx_is_answered_and_a_bad_one_replaced(client):
    response = client.get("/_/live", headers={"X-Request-ID": "4f1c2a9be0d84c7f9a0e1b2c3d4e5f60"})
    assert response["X-Request-ID"] == "4f1c2a9be0d84c7f9a0e1b2c3d4e5f60"
    forged = client.get("/_/live", headers={"X-Request-ID": "x\n" + "a" * 200})
    assert len(forged["X-Request-ID"]) == 32 and "\n" not in forged["X-Request-ID"]
    assert client.get("/_/live")["X-Request-ID"] != client.get("/_/live")["X-Request-ID"]


@pytest.mark.services
def test_a_task_queued_during_a_request_logs_that_request_id_in_json(
    transactional_db, postgres, broker, redis_url, tmp_path
):
    Session.objects.create(session_key="e" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1))
    environment = worker_environment(broker, redis_url, unused_port(), LOG_FORMAT="json")
    token = request_id.set("req-from-nginx-42")
    try:
        celery_app.send_task("operations.tasks.clear_expired_sessions", queue=broker)
    finally:
        request_id.reset(token)
    log = tmp_path / "worker-0.log"
    with running_workers(environment, tmp_path, loglevel="INFO"):
        wait_until(lambda: "cleared 1 expired session" in log.read_text(errors="replace"), 90, "the task's log line")
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    cleared = next(entry for entry in entries if entry["message"].startswith("cleared"))
    assert cleared["request_id"] == "req-from-nginx-42" and cleared["logger"] == "bookshop.jobs"
