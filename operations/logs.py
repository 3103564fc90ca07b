"""Structured, quiet logs (docs/operations.md, "Logs").

* Every record carries the request id: nginx's $request_id arrives as X-Request-ID, the middleware
  keeps it for the request, and Celery tasks published during that request carry it in a message
  header, so a worker's lines name the request that queued them.
* JsonFormatter writes one JSON object per line.
* RepeatedErrorFilter lets the first of a run of identical warnings or errors through, drops the
  repeats for DEPENDENCY_LOG_INTERVAL seconds and then lets one through with the count dropped:
  a dependency that is down (Redis, the broker, SMTP) fails on every request, and a traceback per
  request filled 27 MB of log in 30 s.
"""

import contextvars
import json
import logging
import re
import threading
import time
import uuid

from django.conf import settings

request_id = contextvars.ContextVar("request_id", default="-")

REQUEST_ID_HEADER = "X-Request-ID"
# nginx's $request_id is 32 hex digits; accept any short token, never an arbitrary string.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def new_request_id():
    return uuid.uuid4().hex


def accept_request_id(value):
    """The id a proxy sent, or a new one when it sent none or something that is not an id."""
    return value if value and VALID_REQUEST_ID.fullmatch(value) else new_request_id()


class RequestIdMiddleware:
    """First middleware: binds the request id for every log line of the request, and answers it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_id.set(accept_request_id(request.headers.get(REQUEST_ID_HEADER)))
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id.get()
            return response
        finally:
            request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds record.request_id (the request or task being served, "-" outside of one)."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True


class RepeatedErrorFilter(logging.Filter):
    """Passes the first WARNING-or-worse record of each kind per interval, counting the rest.

    A kind is the logger, the level, the message template and the exception's class: the same
    failure from every request is one kind, whatever its arguments. The record that ends a quiet
    interval says how many were dropped ("[N similar records suppressed in the last S s]").
    """

    def __init__(self, interval=None):
        super().__init__()
        self.interval = interval
        self._lock = threading.Lock()
        self._kinds = {}  # kind -> [time the last passed record was let through, records dropped]

    def filter(self, record):
        if record.levelno < logging.WARNING:
            return True
        interval = self.interval if self.interval is not None else settings.DEPENDENCY_LOG_INTERVAL
        error_class = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        kind = (record.name, record.levelno, str(record.msg), error_class)
        now = time.monotonic()
        with self._lock:
            seen = self._kinds.get(kind)
            if seen is not None and now - seen[0] < interval:
                seen[1] += 1
                return False
            dropped = seen[1] if seen is not None else 0
            self._kinds[kind] = [now, 0]
            if len(self._kinds) > 10_000:  # a message template that varies: forget, stay bounded
                self._kinds = {kind: self._kinds[kind]}
        if dropped:
            record.msg = f"{record.msg} [{dropped} similar records suppressed in the last {interval:g} s]"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, process, exception."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


JsonFormatter.converter = time.gmtime


# Celery: the request id travels with the task ---------------------------------------------


def add_request_id_header(headers=None, **kwargs):
    """before_task_publish: tasks queued while serving a request carry its id."""
    if headers is not None and request_id.get() != "-":
        headers.setdefault("request_id", request_id.get())


def bind_task_request_id(task=None, **kwargs):
    """task_prerun: the task's lines carry the id of the request that queued it (or a new one)."""
    task.request.log_request_id_token = request_id.set(
        accept_request_id(getattr(task.request, "request_id", None) or task.request.id)
    )


def unbind_task_request_id(task=None, **kwargs):
    token = getattr(task.request, "log_request_id_token", None)
    if token is not None:
        request_id.reset(token)
