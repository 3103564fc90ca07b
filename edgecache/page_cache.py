"""Rendered anonymous pages, shared by every gunicorn node through the cache (Redis in production).

nginx keeps pages per node and learns of a change only through a purge; this cache sits under it,
in front of the views, and sees every change at once: its keys carry the versions that page
changes bump (`PAGES_VERSION`, edgecache/reactions.py) and those the apps declare with
`pages_depend_on` (the catalogue's, catalogue/apps.py), so a stored page is never found again once
anything it shows may have changed.

It stores exactly what the edge contract lets nginx share (edgecache/caching.py): a GET answered 200
and marked shared by EdgeCacheMiddleware, for a request without personal cookies or an
Authorization header, and for no longer than the page's `s-maxage`. A hit skips sessions, CSRF,
authentication, the basket and the view, so it costs two cache reads.

Only query strings made of `SHARED_PAGE_CACHE_QUERY_PARAMS` are stored: the parameters the shop's
pages read. Any other parameter cannot change the page, and caching it would let made-up query
strings fill the cache.

A page older than its `s-maxage` is rendered again by one request while the others still get the
stored copy for up to another `s-maxage` (as nginx does with `proxy_cache_use_stale updating`):
otherwise every page stored in one burst expires in one burst, and each is rendered by every
request that arrives before the first rendering is stored. A stored copy is never one a known
change made stale (its key would have changed), only older than the page asked for.
"""

import hashlib
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from edgecache.caching import has_personal_cookie, private_path_prefixes, shared_ttl
from edgecache.versions import current_versions

PAGES_VERSION = "pages-version"
_version_keys = [PAGES_VERSION]
HIT_HEADER = "X-Page-Cache"
# Longer than any rendering takes; only a crashed rendering leaves it to expire.
RENDER_LOCK_SECONDS = 30


def pages_depend_on(*version_keys):
    """Declare versions that any stored page may show (an app's, from its AppConfig.ready): a
    bump of one of them makes every stored page a miss."""
    _version_keys.extend(key for key in version_keys if key not in _version_keys)


def _may_share(request):
    if request.method != "GET" or has_personal_cookie(request) or "HTTP_AUTHORIZATION" in request.META:
        return False
    if request.path.startswith(tuple(private_path_prefixes())):
        return False
    names = [name for name, _ in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)]
    return set(names) <= settings.SHARED_PAGE_CACHE_QUERY_PARAMS and len(names) == len(set(names))


def _key(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha1(repr((address, current_versions(_version_keys))).encode()).hexdigest()
    return f"shared-page:{digest}"


def _now():
    return time.time()


def _render_lock(key):
    return f"{key}:rendering"


def _claim_rendering(key):
    """True for the one request that renders a stale page again, False for the others."""
    return cache.add(_render_lock(key), 1, RENDER_LOCK_SECONDS)


@dataclass(frozen=True)
class StoredPage:
    status: int
    headers: list
    content: bytes
    fresh_until: float

    @classmethod
    def of(cls, response, ttl):
        headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
        return cls(response.status_code, headers, response.content, _now() + ttl)

    def response(self):
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        response[HIT_HEADER] = "HIT"
        return response


class SharedPageCacheMiddleware:
    """Sits right above EdgeCacheMiddleware, so it stores responses as that middleware marked them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.SHARED_PAGE_CACHE or not _may_share(request):
            return self.get_response(request)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None and (stored.fresh_until > _now() or not _claim_rendering(key)):
            return stored.response()
        try:
            response = self.get_response(request)
            ttl = shared_ttl(response)
            if ttl and response.status_code == 200 and not response.streaming:
                cache.set(key, StoredPage.of(response, ttl), 2 * ttl)
        finally:
            if stored is not None:
                cache.delete(_render_lock(key))
        return response
