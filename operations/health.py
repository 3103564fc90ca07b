"""Liveness and readiness for load balancers and process managers (docs/operations.md, "Health").

`/_/live` answers while the process does. `/_/ready` answers 503 only when the database is
unreachable, since no page works without it; the cache and the Celery broker only degrade the shop
(pages render uncached, mail waits in the outbox), so they turn the status to "degraded" and keep
the node in the pool. The public answer carries fixed words only; what went wrong goes to the log.
"""

import logging
import uuid
from urllib.parse import urlsplit

import redis
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("bookshop.health")

OK, DOWN, SKIPPED = "ok", "down", "skipped"
# Seconds a readiness probe may wait for Redis: a probe that hangs is as bad as one that fails.
PROBE_TIMEOUT = 1.0

# One client (one connection pool) per broker URL for the life of the process, not one per probe.
_broker_clients = {}


@require_GET
@never_cache
def live(request):
    """The process runs and answers requests; checks nothing else on purpose."""
    return JsonResponse({"status": OK})


@require_GET
@never_cache
def ready(request):
    """200 "ok" or "degraded" while the database answers; 503 "unavailable" when it does not."""
    results = {"database": _probe("database", _check_database)}
    results["cache"] = _probe("cache", _check_cache)
    results["broker"] = _probe("broker", _check_broker)
    if results["database"] != OK:
        status, code = "unavailable", 503
    elif all(result in (OK, SKIPPED) for result in results.values()):
        status, code = OK, 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, **results}, status=code)


def _probe(name, check):
    try:
        return check()
    except Exception:  # any failure of a dependency is "down"; its text belongs in the log only
        logger.warning("readiness: %s is down", name, exc_info=True)
        return DOWN


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def _check_cache():
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        # django-redis swallows errors (IGNORE_EXCEPTIONS) and logs them itself: a miss means down.
        logger.warning("readiness: cache is down (a value written was not read back)")
        return DOWN
    cache.delete(key)
    return OK


def broker_client(url):
    """The process's pooled Redis client for a Redis broker URL; None for other transports."""
    if urlsplit(url).scheme not in ("redis", "rediss"):
        return None
    client = _broker_clients.get(url)
    if client is None:
        client = _broker_clients[url] = redis.Redis.from_url(
            url, socket_connect_timeout=PROBE_TIMEOUT, socket_timeout=PROBE_TIMEOUT
        )
    return client


def _check_broker():
    from bookshop.celery_app import app

    if app.conf.task_always_eager:
        return SKIPPED
    client = broker_client(app.conf.broker_url)
    if client is not None:
        client.ping()
        return OK
    # Other transports (AMQP): kombu's pool of the Celery app keeps the connection between probes.
    with app.pool.acquire(block=True, timeout=PROBE_TIMEOUT) as broker:
        broker.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT)
    return OK
