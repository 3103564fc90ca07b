"""Rendered anonymous pages, shared by every gunicorn node through the cache (Redis in production).

nginx keeps pages per node and learns of a change only through a purge; this cache sits under it,
in front of the views, and sees every change at once: its keys carry the versions that catalogue
and page changes bump (catalogue/fragments.py, plus `PAGES_VERSION` here), so a stored page is
never found again once anything it shows may have changed.

It stores exactly what the edge contract lets nginx share (home/caching.py): a GET answered 200
and marked shared by EdgeCacheMiddleware, for a request without personal cookies or an
Authorization header, and for no longer than the page's `s-maxage`. A hit skips sessions, CSRF,
authentication, the basket and the view, so it costs two cache reads.

Only query strings made of `SHARED_PAGE_CACHE_QUERY_PARAMS` are stored: the parameters the shop's
pages read. Any other parameter cannot change the page, and caching it would let made-up query
strings fill the cache.
"""

import hashlib
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import HttpResponse
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalogue.fragments import CATALOGUE_VERSION, SHELVES_VERSION, bump, current_versions
from home.caching import has_personal_cookie, private_path_prefixes, shared_ttl

PAGES_VERSION = "pages-version"
VERSION_KEYS = [CATALOGUE_VERSION, SHELVES_VERSION, PAGES_VERSION]
HIT_HEADER = "X-Page-Cache"


def _may_share(request):
    if request.method != "GET" or has_personal_cookie(request) or "HTTP_AUTHORIZATION" in request.META:
        return False
    if request.path.startswith(tuple(private_path_prefixes())):
        return False
    names = [name for name, _ in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)]
    return set(names) <= settings.SHARED_PAGE_CACHE_QUERY_PARAMS and len(names) == len(set(names))


def _key(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha1(repr((address, current_versions(VERSION_KEYS))).encode()).hexdigest()
    return f"page:{digest}"


def _stored(response):
    headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
    return response.status_code, headers, response.content


def _response_from(stored):
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
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
        if stored is not None:
            return _response_from(stored)
        response = self.get_response(request)
        ttl = shared_ttl(response)
        if ttl and response.status_code == 200 and not response.streaming:
            cache.set(key, _stored(response), ttl)
        return response


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def page_changed(sender, **kwargs):
    bump(PAGES_VERSION)


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        bump(PAGES_VERSION)
