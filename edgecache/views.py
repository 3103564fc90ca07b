"""Small uncached endpoints that let cached pages stay anonymous (docs/design.md §4)."""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from edgecache.caching import PERSONAL_MARKER_COOKIE


@require_GET
@never_cache
@ensure_csrf_cookie
def csrf_token(request):
    """A CSRF token for forms on cached pages, which carry none; also sets the csrftoken cookie."""
    return JsonResponse({"token": get_token(request)})


def display_name(user):
    """Name, else email: shop accounts get a random username (Oscar's), never meant to be read."""
    return user.get_full_name() or user.email or user.get_username()


@require_GET
@never_cache
def personal_header(request):
    """The header's personal bits for personal.js: cached pages carry none of them."""
    user = request.user
    response = JsonResponse(
        {
            "authenticated": user.is_authenticated,
            "name": display_name(user) if user.is_authenticated else "",
            "is_staff": user.is_authenticated and user.is_staff,
            "basket_count": request.basket.num_items if request.basket.id else 0,
        }
    )
    if not any(name in request.COOKIES for name in (settings.SESSION_COOKIE_NAME, settings.OSCAR_BASKET_COOKIE_OPEN)):
        # Nothing personal left (session expired, basket merged away): stop asking.
        response.delete_cookie(PERSONAL_MARKER_COOKIE, samesite="Lax")
    return response


@require_GET
@never_cache
def health(request):
    """Liveness of what a page needs: the database, the cache and the task broker. 503 if one fails."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    results = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as error:  # report every failing dependency, whatever it raised
            results[name] = f"error: {error.__class__.__name__}: {error}"
    healthy = all(result == "ok" or result.startswith("skipped") for result in results.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **results}, status=200 if healthy else 503)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_cache():
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":  # django-redis swallows errors (IGNORE_EXCEPTIONS): a miss means down
        return "error: value written was not read back"
    cache.delete(key)
    return "ok"


def _check_broker():
    from bookshop.celery_app import app

    if app.conf.task_always_eager:
        return "skipped: tasks run inline (no broker configured)"
    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
    return "ok"
