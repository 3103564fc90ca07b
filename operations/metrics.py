"""Prometheus metrics (docs/operations.md, "Metrics").

Counters and histograms are kept per process by prometheus-client. Under gunicorn and Celery's
prefork pool a process only sees its own, so PROMETHEUS_MULTIPROC_DIR must name a directory of the
node (wiped when the node starts, deploy/gunicorn/gunicorn.conf.py) and the exposition adds up every
process's files. Without it (runserver, tests) the process registry is exposed as it is.

Figures that live in the database (payment attempts per state, the outbox, newsletter deliveries)
are read when Prometheus scrapes, so every node reports the same value: alert on max() of them.
"""

import logging
import os
import time

import redis
from django.apps import apps
from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from edgecache.page_cache import HIT_HEADER
from operations.health import broker_client

logger = logging.getLogger("bookshop.metrics")

REQUESTS = Counter(
    "bookshop_http_requests", "HTTP requests answered, by view, method and status", ["view", "method", "status"]
)
LATENCY = Histogram(
    "bookshop_http_request_duration_seconds",
    "Time from the first middleware to the response, by view",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAGE_CACHE = Counter("bookshop_page_cache_lookups", "Anonymous GETs the shared page cache answered or not", ["result"])
ORDERS_PLACED = Counter("bookshop_orders_placed", "Orders placed")
TASKS = Counter("bookshop_celery_tasks", "Celery tasks finished, by task and outcome", ["task", "state"])
TASK_RUNTIME = Histogram(
    "bookshop_celery_task_duration_seconds",
    "Celery task run time, by task",
    ["task"],
    buckets=(0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900),
)


class MetricsMiddleware:
    """Counts and times every request (second middleware, after the request id)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if response.get(HIT_HEADER) == "HIT":
            view = "shared-page-cache"
        else:
            view = (match.view_name or match._func_path) if match else "unresolved"
        REQUESTS.labels(
            view, request.method if request.method in KNOWN_METHODS else "other", response.status_code
        ).inc()
        LATENCY.labels(view).observe(time.perf_counter() - started)
        if request.method == "GET":
            if view == "shared-page-cache":
                PAGE_CACHE.labels("hit").inc()
            elif "s-maxage" in response.get("Cache-Control", ""):  # a shareable page Django had to render
                PAGE_CACHE.labels("miss").inc()
        return response


KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def count_by(queryset, field, name, documentation, values):
    """A gauge with one series per value of `field` (zero for values no row has)."""
    counts = dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
    gauge = GaugeMetricFamily(name, documentation, labels=[field])
    for key in values:
        gauge.add_metric([key], counts.get(key, 0))
    return gauge


class DatabaseCollector:
    """Gauges read from the database at scrape time."""

    def collect(self):
        now = timezone.now()
        PaymentAttempt = apps.get_model("checkout", "PaymentAttempt")
        yield count_by(
            PaymentAttempt.objects.all(),
            "state",
            "bookshop_payment_attempts",
            "PayPal payment attempts by state (placed = captured)",
            PaymentAttempt.State.values,
        )
        cutoff = now - timezone.timedelta(seconds=settings.PAYPAL_RECONCILE_AFTER_SECONDS)
        yield count_by(
            PaymentAttempt.objects.filter(state__in=PaymentAttempt.LIVE_STATES, updated_at__lt=cutoff),
            "state",
            "bookshop_payment_attempts_stuck",
            "Attempts still open after the reconciliation delay (PAYPAL_RECONCILE_AFTER_SECONDS)",
            sorted(PaymentAttempt.LIVE_STATES),
        )

        OutboxEmail = apps.get_model("outbox", "OutboxEmail")
        pending = OutboxEmail.objects.filter(state=OutboxEmail.State.PENDING).aggregate(
            n=Count("pk"), oldest=Min("created_at")
        )
        yield GaugeMetricFamily("bookshop_outbox_pending", "Emails waiting in the outbox", value=pending["n"])
        oldest = (now - pending["oldest"]).total_seconds() if pending["oldest"] else 0
        yield GaugeMetricFamily(
            "bookshop_outbox_oldest_pending_seconds", "Age of the oldest pending email", value=oldest
        )
        failed = OutboxEmail.objects.filter(state=OutboxEmail.State.FAILED).count()
        yield GaugeMetricFamily("bookshop_outbox_failed", "Emails the outbox gave up on", value=failed)

        Delivery = apps.get_model("newsletters", "Delivery")
        yield count_by(
            Delivery.objects.all(),
            "status",
            "bookshop_newsletter_deliveries",
            "Newsletter deliveries by status (sent: a counter in effect)",
            Delivery.Status.values,
        )


class BrokerCollector:
    """Tasks waiting in the Celery broker's default queue (Redis brokers: the list's length)."""

    def collect(self):
        from bookshop.celery_app import app

        client = broker_client(app.conf.broker_url)
        if client is None or app.conf.task_always_eager:
            return
        try:
            waiting = client.llen(app.conf.task_default_queue)
        except redis.RedisError:
            return  # no series: the broker's absence shows in /_/ready and the logs
        yield GaugeMetricFamily("bookshop_celery_queue_length", "Tasks waiting in the default queue", value=waiting)


DATABASE_REGISTRY = CollectorRegistry(auto_describe=False)
DATABASE_REGISTRY.register(DatabaseCollector())
DATABASE_REGISTRY.register(BrokerCollector())


def exposition():
    """Every process of this node (multiprocess mode) or this process, then the database gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    return generate_latest(processes) + generate_latest(DATABASE_REGISTRY)


def metrics_view(request):
    """The exposition, for Prometheus on the operator network only.

    A request that came through nginx carries X-Forwarded-For: it is refused, whatever nginx's own
    rule (the public server answers 404 for this path too, deploy/nginx/bookshop.conf.tmpl).
    """
    if "HTTP_X_FORWARDED_FOR" in request.META or not settings.METRICS_ENABLED:
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


# Signal receivers (connected in apps.py) ---------------------------------------------------


def count_order_placed(**kwargs):
    ORDERS_PLACED.inc()


def start_task_timer(task=None, **kwargs):
    task.request.metrics_started = time.perf_counter()


def count_task(task=None, state=None, **kwargs):
    TASKS.labels(task.name, state or "UNKNOWN").inc()
    started = getattr(task.request, "metrics_started", None)
    if started is not None:
        TASK_RUNTIME.labels(task.name).observe(time.perf_counter() - started)


def serve_worker_metrics(**kwargs):
    """worker_ready: a Celery worker has no HTTP server of its own; CELERY_METRICS_PORT gives it one
    (loopback or the operator network, CELERY_METRICS_ADDRESS), with every pool process's counters."""
    port = os.environ.get("CELERY_METRICS_PORT")
    if not port:
        return
    worker_registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(worker_registry)
    else:
        worker_registry = REGISTRY
    address = os.environ.get("CELERY_METRICS_ADDRESS", "127.0.0.1")
    try:
        start_http_server(int(port), addr=address, registry=worker_registry)
    except OSError:  # the port is taken: the worker still works, unmeasured
        logger.exception("cannot serve worker metrics on %s:%s", address, port)
