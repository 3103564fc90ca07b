"""Query budgets: the home page, a category page of 24 books, a book page and a search results
page each run a fixed number of SQL queries (at most 15), the same with 10 or 1,000 books.

Rendering is measured with the shared page cache off; with it on, a stored page costs none."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from catalogue.covers import create_cover_image
from catalogue.fragments import books_changed
from catalogue.pages import Author, BookPage
from testing.bulk_books import BulkBookWriter, NewBook, isbn13
from testing.factories import make_book, make_category, make_home

pytestmark = pytest.mark.django_db

BUDGET = 15


@pytest.fixture
def shop():
    home = make_home()
    fiction = make_category(title="Fiction")
    classics = make_category(fiction, title="Classics")
    crime = make_category(fiction, title="Crime")
    books = [
        make_book(classics if n % 2 else crime, title=f"Ocean Tale {n}", author=f"Writer {n % 3}", cover=True)
        for n in range(10)
    ]
    home.body = [
        (
            "hero",
            {"heading": "Stories worth keeping", "text": "", "image": None, "link_page": fiction, "link_text": ""},
        ),
        ("featured_books", {"heading": "Featured", "books": books[:6]}),
        ("new_in_category", {"category": fiction, "heading": "", "count": 8}),
        ("category_highlight", {"category": crime, "text": "Whodunnits.", "image": None}),
        ("text", "<p>Open every day.</p>"),
        ("newsletter_signup", {"heading": "Newsletter", "text": "Monthly."}),
    ]
    home.save_revision().publish()
    return {"home": home, "category": classics, "book": books[1], "shelves": [classics, crime]}


def grow_catalogue_to_1000_books(shop):
    covers = [create_cover_image(f"Cover {n}", "Bulk", isbn13(f"97987000000{n}")).pk for n in range(2)]
    author_ids = [Author.objects.create(name=f"Bulk Author {n}", slug=f"bulk-author-{n}").pk for n in range(20)]
    writer = BulkBookWriter(batch_size=500)
    for index, shelf in enumerate(shop["shelves"]):
        books = [
            NewBook(
                title=f"Ocean Story {index}-{n}",
                isbn=isbn13(f"9798{index}{n:07d}"),
                author_ids=[author_ids[n % 20]],
                price=Decimal("4.99") + n % 7,
                num_in_stock=n % 4,
                cover_id=covers[n % 2],
            )
            for n in range(495)
        ]
        writer.add(shelf, books)
    writer.finish()
    assert BookPage.objects.live().count() == 1000


def query_counts(client, url, params, settings, django_assert_max_num_queries):
    """Queries of a rendering just after the catalogue changed (its fragments are rendered
    again), of the next rendering (fragments cached), and of a request the shared page cache
    answers."""
    settings.SHARED_PAGE_CACHE = False
    cache.clear()
    assert client.get(url, params).status_code == 200  # creates renditions, fills site-wide caches
    books_changed(BookPage.objects.values_list("pk", flat=True))
    counts = []
    for _ in ("after a change", "fragments cached"):
        with django_assert_max_num_queries(BUDGET) as captured:
            response = client.get(url, params)
        assert response.status_code == 200 and "X-Page-Cache" not in response
        counts.append(len(captured.captured_queries))
    settings.SHARED_PAGE_CACHE = True
    stored = client.get(url, params)
    with django_assert_max_num_queries(0):
        served = client.get(url, params)
    assert served["X-Page-Cache"] == "HIT" and served.content == stored.content
    return counts


def test_query_counts_stay_within_budget_and_do_not_grow_with_the_catalogue(
    client, shop, settings, django_assert_max_num_queries
):
    pages = {
        "home": ("/", {}),
        "category": (shop["category"].url, {"sort": "price-asc"}),
        "book": (shop["book"].url, {}),
        "search": ("/search/", {"q": "ocean"}),
    }

    def measure():
        return {
            name: query_counts(client, url, params, settings, django_assert_max_num_queries)
            for name, (url, params) in pages.items()
        }

    with_10 = measure()

    grow_catalogue_to_1000_books(shop)
    with_1000 = measure()

    print("queries (after a change, fragments cached):", with_10)
    assert with_1000 == with_10
    # The budget was measured on full pages of books.
    settings.SHARED_PAGE_CACHE = False
    assert client.get(shop["category"].url).content.decode().count('class="book-card"') == 24
    assert len(client.get("/search/", {"q": "ocean"}).context["books"]) == 20


def test_cards_look_up_the_sites_root_paths_once_per_request_not_once_per_book(client, shop, settings, monkeypatch):
    """Outside the database budget: each lookup is a cache read (Redis in production)."""
    from wagtail.models import Site

    settings.SHARED_PAGE_CACHE = False
    lookups = []
    look_up = Site.get_site_root_paths
    monkeypatch.setattr(Site, "get_site_root_paths", staticmethod(lambda: lookups.append(1) or look_up()))
    for url, params in [(shop["category"].url, {}), ("/search/", {"q": "ocean"})]:
        books_changed(BookPage.objects.values_list("pk", flat=True))
        lookups.clear()
        cards = client.get(url, params).content.decode().count('class="book-card"')
        assert cards >= 5
        assert len(lookups) < cards, f"{url}: {len(lookups)} lookups for {cards} cards"
