"""Cached HTML fragments for merchandising blocks and the shelf menu (Redis in production).

Fragment keys are built from what the fragment shows and the versions it depends on
(edgecache.versions), so they never need to be found and deleted:
- a featured-books block: its heading, its book ids and each book's *version*;
- a "new in category" block or a page of a category's books: what it shows and the catalogue's
  version;
- the shelf menu: the shelves' version;
- a book card of search results (`catalogue.search.book_cards`) and a book page's reviews: the
  book's version.
A book's version changes when the book is published, unpublished, moved or deleted, when its
stock record, one of its authors or one of its reviews changes (catalogue/reactions.py); editing the home page
changes the block's content.
"""

from edgecache.versions import bump, cached_fragment

CATALOGUE_VERSION = "catalogue-version"
SHELVES_VERSION = "shelves-version"


def book_version_key(book_id):
    return f"book-version:{book_id}"


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


def reviews_fragment(book_id, render):
    """A book page's rating and approved reviews: moderating a review bumps the book's version."""
    return cached_fragment("reviews", (book_id,), [book_version_key(book_id)], render)


def shelves_fragment(render):
    """The shelf menu (any picklable value `render()` returns)."""
    return cached_fragment("shelves", (), [SHELVES_VERSION], render)


def books_changed(book_ids):
    bump(CATALOGUE_VERSION, *(book_version_key(book_id) for book_id in book_ids))


def shelves_changed():
    bump(SHELVES_VERSION, CATALOGUE_VERSION)
