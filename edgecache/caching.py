"""The cacheability contract between Django and the nginx page cache (docs/design.md §4).

nginx stores a page only when Django marks it `Cache-Control: max-age=0, s-maxage=N`, and it
bypasses its cache whenever a request carries one of `personal_cookie_names()`. This module
decides which responses get that mark:

* Wagtail pages opt in by page type (`EDGE_CACHE_TTLS`, set by the `before_serve_page` hook in
  edgecache/wagtail_hooks.py); other views opt in with `@cache_at_edge("search")`.
* An opted-in response is marked only when it is provably anonymous: a GET or HEAD without
  personal cookies, status 200, no cookie set, no CSRF token used, no `private`/`no-store` from
  the view, and no `Vary` beyond Cookie and Accept-Encoding. Otherwise the reason is logged.
* Basket, checkout, account, dashboard, admin and `/_/` are always `private, no-store`.

The same cookie names and private prefixes are rendered into the nginx config
(`render_nginx_config`), so the two sides cannot drift.
"""

import logging
import re
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.cache import cc_delim_re, patch_cache_control

logger = logging.getLogger("bookshop.edge_cache")

# A non-HttpOnly cookie that tells personal.js this browser has a session or a basket, because
# those two cookies are HttpOnly and invisible to JavaScript. It never changes page content, so
# nginx ignores it; /_/me/ removes it once neither cookie is left.
PERSONAL_MARKER_COOKIE = "bookshop_personal"

_FILLED_CSRF_FIELD = re.compile(rb'name=["\']csrfmiddlewaretoken["\'][^>]*value=["\'][^"\']+["\']')
_SHARED_MAX_AGE = re.compile(r"\bs-maxage=(\d+)")
_ALLOWED_VARY = {"cookie", "accept-encoding"}
_REFUSING_DIRECTIVES = {"private", "no-cache", "no-store"}


def personal_cookie_names():
    """Cookies whose presence means the page may depend on who is asking."""
    names = [
        settings.SESSION_COOKIE_NAME,
        settings.OSCAR_BASKET_COOKIE_OPEN,
        CookieStorage.cookie_name,
        settings.LANGUAGE_COOKIE_NAME,
    ]
    return list(dict.fromkeys(names))


def private_path_prefixes():
    return list(settings.EDGE_CACHE_PRIVATE_PREFIXES)


def edge_ttl(page_type):
    """Seconds nginx may keep a page of this type (`EDGE_CACHE_TTLS`, keyed by model label or
    view name), or None."""
    return settings.EDGE_CACHE_TTLS.get(page_type)


def opt_in(request, page_type):
    """Ask for this request's response to be cached at the edge with the page type's TTL."""
    ttl = edge_ttl(page_type) or edge_ttl("default")
    if ttl:
        request.edge_cache_ttl = ttl
        request.edge_cache_page_type = page_type


def cache_at_edge(page_type):
    """Decorator for non-Wagtail views whose anonymous responses may be shared (e.g. search)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            opt_in(request, page_type)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def has_personal_cookie(request):
    return any(name in request.COOKIES for name in personal_cookie_names())


def _cache_control_directives(response):
    header = response.get("Cache-Control", "")
    return {part.split("=", 1)[0].strip().lower() for part in cc_delim_re.split(header) if part.strip()}


def refusal_reason(request, response):
    """Why this opted-in response must not be shared, or None when it may be."""
    if request.method not in ("GET", "HEAD"):
        return f"method {request.method}"
    if getattr(request, "is_preview", False):
        return "preview"
    if has_personal_cookie(request):
        return "request carries a personal cookie"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return "authenticated user"
    if response.status_code != 200:
        return f"status {response.status_code}"
    if response.streaming:
        return "streaming response"
    if response.cookies:
        return "sets cookies: " + ", ".join(sorted(response.cookies))
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return "the CSRF token was used while rendering"
    if _REFUSING_DIRECTIVES & _cache_control_directives(response):
        return "view sent Cache-Control " + response["Cache-Control"]
    vary = {value.strip().lower() for value in cc_delim_re.split(response.get("Vary", "")) if value.strip()}
    if vary - _ALLOWED_VARY:
        return "Vary on " + ", ".join(sorted(vary - _ALLOWED_VARY))
    if _FILLED_CSRF_FIELD.search(response.content):
        return "body contains a CSRF token"
    return None


def mark_private(response):
    response["Cache-Control"] = "private, no-store"


def mark_shared(response, ttl):
    response["Cache-Control"] = f"max-age=0, s-maxage={ttl}"
    # Proven anonymous: the session was read but empty, so Cookie does not change this page.
    # Keeping it would make nginx store one variant per Cookie header (docs/nginx-cache.md §1).
    remaining = [value.strip() for value in cc_delim_re.split(response.get("Vary", "")) if value.strip()]
    remaining = [value for value in remaining if value.lower() != "cookie"]
    if remaining:
        response["Vary"] = ", ".join(remaining)
    elif response.has_header("Vary"):
        del response["Vary"]


def shared_ttl(response):
    """The seconds `mark_shared` gave this response, or None when it is not shared."""
    match = _SHARED_MAX_AGE.search(response.get("Cache-Control", ""))
    return int(match.group(1)) if match else None


def _sets_personal_cookie(response):
    names = (settings.SESSION_COOKIE_NAME, settings.OSCAR_BASKET_COOKIE_OPEN)
    return any(name in response.cookies and response.cookies[name].value for name in names)


class EdgeCacheMiddleware:
    """Marks responses shared or private for nginx. Sits right under WhiteNoise, so it sees
    the cookies and Vary headers that session, CSRF, messages, auth and basket middleware add."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _sets_personal_cookie(response):
            response.set_cookie(
                PERSONAL_MARKER_COOKIE,
                "1",
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        if request.path.startswith(tuple(private_path_prefixes())):
            mark_private(response)
            return response
        ttl = getattr(request, "edge_cache_ttl", None)
        if not ttl:
            return response
        reason = refusal_reason(request, response)
        if reason is None:
            mark_shared(response, ttl)
        else:
            patch_cache_control(response, private=True)
            if response.status_code == 200 and not has_personal_cookie(request):
                # A cookie-less visitor should have been served from the cache: a bug to look at.
                logger.warning("not caching %s (%s): %s", request.path, request.edge_cache_page_type, reason)
        return response
