"""Versions: cache entries that change whenever what they stand for changes.

Whatever is cached from the database (a fragment, a whole page) is stored under a key made of
what it shows and the current versions it depends on, so it never needs to be found and deleted:
a change bumps the versions, and the old entry is never asked for again. A version missing from
the cache (evicted, flushed) is replaced by a fresh one, so an old entry is never served again;
fragments also expire after FRAGMENT_SECONDS. The apps say which versions their changes bump
(e.g. catalogue/reactions.py).
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction

FRAGMENT_SECONDS = 600


def current_versions(keys):
    """The versions stored under `keys`, minting fresh ones for any that are missing."""
    versions = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in versions}
    if missing:
        cache.set_many(missing, timeout=None)
        versions.update(missing)
    return [versions[key] for key in keys]


def bump(*keys):
    """New versions now, and again after commit: a fragment rendered from the old rows in between
    would otherwise be stored under the new version and served until it expires."""

    def new_versions():
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)

    new_versions()
    transaction.on_commit(new_versions)


def cached_fragment(name, parts, version_keys, render):
    """`render()`'s output, cached under a key made of `parts` and the versions of `version_keys`."""
    digest = hashlib.sha1(repr((parts, current_versions(version_keys))).encode()).hexdigest()
    key = f"fragment:{name}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FRAGMENT_SECONDS)
    return html
