"""Cached HTML fragments for merchandising blocks and the shelf menu (Redis in production).

Fragment keys are built from what the fragment shows, so they never need to be found and deleted:
- a featured-books block: its heading, its book ids and each book's *version*;
- a "new in category" block or a page of a category's books: what it shows and the catalogue's
  version;
- the shelf menu: the shelves' version;
- a book card of search results (`BookCard`, values rather than HTML, since the page highlights
  the query in them): the book's version.
A book's version changes when the book is published, unpublished, moved or deleted, when its
stock record or one of its authors changes; editing the home page changes the block's content.
A version missing from the cache (evicted, flushed) is replaced by a fresh one, so an old
fragment is never served again; fragments also expire after FRAGMENT_SECONDS.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalogue.pages import Author, BookPage, CategoryPage

StockRecord = get_model("partner", "StockRecord")

FRAGMENT_SECONDS = 600
CATALOGUE_VERSION = "catalogue-version"
SHELVES_VERSION = "shelves-version"


def book_version_key(book_id):
    return f"book-version:{book_id}"


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


def featured_books_fragment(heading, book_ids, render):
    keys = [book_version_key(book_id) for book_id in book_ids]
    return cached_fragment("featured", (heading, book_ids), keys, render)


def new_in_category_fragment(parts, render):
    return cached_fragment("new-in", parts, [CATALOGUE_VERSION], render)


def shelf_fragment(parts, render):
    """One page of a category's books: any book change may move it, so the catalogue version."""
    return cached_fragment("shelf", parts, [CATALOGUE_VERSION], render)


def related_books_fragment(book_id, render):
    """A book page's related books: any book's change may change them."""
    return cached_fragment("related", (book_id,), [CATALOGUE_VERSION], render)


def shelves_fragment(render):
    """The shelf menu (any picklable value `render()` returns)."""
    return cached_fragment("shelves", (), [SHELVES_VERSION], render)


def book_cards(ids, request):
    """The cards of the live books among `ids`, in that order: from the cache where it holds the
    book's current version, otherwise loaded in one go (`BookPage.objects.cards`) and stored."""
    versions = current_versions([book_version_key(book_id) for book_id in ids])
    keys = {book_id: f"card:{book_id}:{version}" for book_id, version in zip(ids, versions, strict=True)}
    stored = cache.get_many(list(keys.values()))
    cards = {book_id: stored[key] for book_id, key in keys.items() if key in stored}
    missing = [book_id for book_id in ids if book_id not in cards]
    if missing:
        loaded = {book.pk: book.card(request) for book in BookPage.objects.cards(missing)}
        cache.set_many({keys[book_id]: card for book_id, card in loaded.items()}, FRAGMENT_SECONDS)
        cards.update(loaded)
    return [cards[book_id] for book_id in ids if book_id in cards]


def books_changed(book_ids):
    bump(CATALOGUE_VERSION, *(book_version_key(book_id) for book_id in book_ids))


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver(post_delete, sender=BookPage)
@receiver(post_delete, sender=CategoryPage)
def page_changed(sender, instance, **kwargs):
    # The sender is the page's specific class, even when `instance` is a plain Page (moves).
    if issubclass(sender, CategoryPage):
        bump(SHELVES_VERSION, CATALOGUE_VERSION)
    elif issubclass(sender, BookPage):
        books_changed([instance.pk])


@receiver(post_save, sender=StockRecord)
@receiver(post_delete, sender=StockRecord)
def stock_changed(sender, instance, **kwargs):
    books_changed(BookPage.objects.filter(product_id=instance.product_id).values_list("pk", flat=True))


@receiver(post_save, sender=Author)
def author_changed(sender, instance, **kwargs):
    books_changed(instance.book_links.values_list("book_id", flat=True))
