"""Purging the nginx page cache when content, prices or stock change (docs/design.md §4.5).

Purges go through Wagtail's frontend cache backends, `WAGTAILFRONTENDCACHE`: one entry per nginx
node, each pointing at that node's loopback purge listener. Which URLs a change touches is said by
the reactions to it: edgecache/reactions.py for any page (the page, its variants, its listings,
its old URLs after a move or slug change), catalogue/reactions.py for the book pages behind
Oscar's stock records, products and categories. URLs are collected per transaction and sent once
it commits, so a rolled-back edit purges nothing and a purge never races the write.

A purge is a short HTTP request with a timeout. A node that fails to answer is skipped for
`EDGE_CACHE_NODE_RETRY_AFTER` seconds, so a dead or black-holed nginx costs one timeout per
publish at most and never blocks an editor; the TTLs bound what it keeps serving.
"""

import logging
import threading
import time
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.backends.http import PurgeRequest
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

logger = logging.getLogger("bookshop.edge_cache")

RECENTLY_PURGED_KEY = "edge-cache:recently-purged"
_unreachable_until = {}
_unreachable_lock = threading.Lock()


class NginxPurgeBackend(HTTPBackend):
    """Wagtail's HTTP backend with a timeout, and a short memory of nodes that did not answer."""

    def __init__(self, params):
        self.location = params["LOCATION"]
        super().__init__(params)

    def purge(self, url):
        with _unreachable_lock:
            if _unreachable_until.get(self.location, 0) > time.monotonic():
                logger.debug("skipping purge of %s: %s did not answer recently", url, self.location)
                return
        parts = urlsplit(url)
        # Host as the visitor sends it: nginx keys entries on $host, which drops the port.
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        target = urlunsplit([self.cache_scheme, self.cache_netloc, parts.path, parts.query, ""])
        request = PurgeRequest(url=target, headers={"Host": host, "User-Agent": "bookshop-purge"})
        try:
            with urlopen(request, timeout=settings.EDGE_CACHE_PURGE_TIMEOUT):  # noqa: S310 (configured LOCATION)
                logger.info("purged %s on %s", url, self.location)
        except HTTPError as error:
            if error.code != 404:  # 404: nothing was cached under that key
                logger.error("purge of %s on %s answered %s", url, self.location, error.code)
        except (URLError, TimeoutError, ConnectionError) as error:
            logger.error("purge of %s on %s failed: %s", url, self.location, error)
            with _unreachable_lock:
                _unreachable_until[self.location] = time.monotonic() + settings.EDGE_CACHE_NODE_RETRY_AFTER


def purge_on_commit(urls):
    """Purge these absolute URLs on every node once the current transaction commits.

    All calls within one transaction share one batch, so a publish that touches the page, its
    product and its stock record purges each URL once.
    """
    urls = {url for url in urls if url}
    if not urls or not settings.WAGTAILFRONTENDCACHE:
        return
    connection = transaction.get_connection()
    batch = getattr(connection, "edge_cache_purge_batch", None)
    # A rolled-back transaction drops its on_commit callbacks, and with them our batch.
    if batch is not None and any(callback is batch.send for _, callback, _ in connection.run_on_commit):
        batch.urls.update(urls)
        return
    batch = connection.edge_cache_purge_batch = PurgeOnCommit(urls)
    transaction.on_commit(batch.send)  # outside a transaction this sends at once


class PurgeOnCommit:
    def __init__(self, urls):
        self.urls = set(urls)

    def send(self):
        batch = sorted(self.urls)
        purge_urls_from_cache(batch)
        remember_purged(batch)


def remember_purged(urls):
    """Keep the purged URLs for the warmer (`warm_cache`), which refreshes them on every node."""
    try:
        known = cache.get(RECENTLY_PURGED_KEY) or []
        cache.set(RECENTLY_PURGED_KEY, list(dict.fromkeys(known + list(urls)))[-1000:], timeout=24 * 3600)
    except Exception:  # a cache outage must not fail a publish; the TTLs still bound staleness
        logger.exception("could not record purged URLs for the warmer")


def take_recently_purged():
    urls = cache.get(RECENTLY_PURGED_KEY) or []
    cache.delete(RECENTLY_PURGED_KEY)
    return urls


_other_representations = []


def also_purge_with_pages(source):
    """Register `source(page)`, which returns the absolute URLs of other resources that show the
    page (the API's, api/caching.py). They are purged whenever the page's listings are: on
    publish, unpublish, move, and any stock, price or filing change of its book."""
    if source not in _other_representations:
        _other_representations.append(source)
    return source


def listing_urls(page):
    """The pages that show this one in a listing: its live ancestors, the home page included;
    plus the registered other representations of the page (`also_purge_with_pages`)."""
    urls = [ancestor.get_full_url() for ancestor in page.get_ancestors().live().filter(depth__gt=1)]
    return urls + [url for source in _other_representations for url in source(page)]


def page_and_variant_urls(page):
    """The page's URL plus the variants its model lists in `get_cached_paths` (as Wagtail does)."""
    base_url = page.get_full_url()
    if base_url is None:
        return []
    return [base_url + path.lstrip("/") for path in page.specific_deferred.get_cached_paths()]


def subtree_urls(page):
    """Current URLs of a live page and its live descendants, before a move or slug change."""
    return [page.get_full_url()] + [child.get_full_url() for child in page.get_descendants().live()]
