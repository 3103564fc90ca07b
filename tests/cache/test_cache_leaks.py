"""Issue 6, group 2: the leak canary. Many visitors, each with a unique marker in their name,
basket and orders, hammer shared and personal URLs through nginx; nobody may ever see another
visitor's marker, and no Set-Cookie may ever be stored in the cache."""

import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.contrib.auth import get_user_model
from oscar.test.factories import create_order

from testing.factories import make_book, make_category
from tests.cache.shoppers import add_to_basket, signed_in_session

pytestmark = [pytest.mark.services]

SIGNED_IN_USERS = 20
BASKET_ONLY_VISITORS = 10
COOKIE_LESS_VISITORS = 10
REQUESTS = 2100


class Visitor:
    def __init__(self, kind, marker, session):
        self.kind, self.marker, self.session = kind, marker, session


@pytest.fixture
def crowd(fresh_edge, postgres):
    """A public shelf every visitor browses, and a canary shelf of one marker book per visitor
    with a basket (nobody browses it: its titles are the markers)."""
    shelf = make_category(title="Leak Shelf", slug="leak-shelf")
    public_books = [make_book(shelf, title=f"Public Book {n}", author="Ann Author", price="5.00") for n in range(3)]
    canary_shelf = make_category(title="Canary Shelf", slug="canary-shelf")
    visitors = []
    for number in range(SIGNED_IN_USERS):
        marker = f"Canary{number:02d}x{uuid.uuid4().hex[:6]}"
        email = f"{marker.lower()}@example.test"
        user = get_user_model().objects.create_user(email, email, "pw", first_name=marker, last_name="Reader")
        create_order(number=f"{marker}-order", user=user)
        session = signed_in_session(user)
        book = make_book(canary_shelf, title=f"{marker} Book", author="Canary Author", price="3.00", stock=50)
        assert add_to_basket(fresh_edge, session, book).status_code == 302
        visitors.append(Visitor("signed in", marker, session))
    for number in range(BASKET_ONLY_VISITORS):
        marker = f"Basket{number:02d}x{uuid.uuid4().hex[:6]}"
        session = requests.Session()
        book = make_book(canary_shelf, title=f"{marker} Book", author="Canary Author", price="3.00", stock=50)
        assert add_to_basket(fresh_edge, session, book).status_code == 302
        visitors.append(Visitor("basket only", marker, session))
    visitors += [Visitor("cookie-less", None, requests.Session()) for _ in range(COOKIE_LESS_VISITORS)]
    shared_urls = ["/", shelf.url, *(book.url for book in public_books), "/search/?q=public", "/no-such-page/"]
    # The API's listings of the public shelf only: the canary shelf's titles are the markers.
    shared_urls += [
        f"/api/v1/books/?category={shelf.pk}",
        f"/api/v1/books/{public_books[0].pk}/",
        "/api/v1/search/?q=public",
    ]
    personal_urls = ["/basket/", "/accounts/", "/accounts/orders/", "/_/me/"]
    personal_urls += ["/api/v1/basket/", "/api/v1/me/", "/api/v1/orders/"]
    return visitors, shared_urls, personal_urls


def test_no_visitor_ever_sees_another_visitors_marker(fresh_edge, crowd):
    visitors, shared_urls, personal_urls = crowd
    markers = {visitor.marker for visitor in visitors if visitor.marker}
    schedule = random.Random(6)
    urls = shared_urls * 3 + personal_urls  # mostly shared pages, as in real traffic
    plan = [(schedule.choice(visitors), schedule.choice(urls)) for _ in range(REQUESTS)]
    leaks, statuses, own_marker_seen = [], {}, set()
    lock = threading.Lock()
    # requests.Session is not thread-safe: each worker takes whole visitors.
    by_visitor = {}
    for visitor, url in plan:
        by_visitor.setdefault(id(visitor), (visitor, []))[1].append(url)

    def browse(visitor, paths):
        for path in paths:
            response = fresh_edge.get(path, session=visitor.session)
            foreign = [marker for marker in markers - {visitor.marker} if marker in response.text]
            with lock:
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if foreign:
                    leaks.append((visitor.kind, path, response.headers.get("X-Cache-Status"), foreign[:3]))
                if visitor.marker and visitor.marker in response.text:
                    own_marker_seen.add(visitor.marker)

    with ThreadPoolExecutor(max_workers=6) as pool:
        for future in [pool.submit(browse, visitor, paths) for visitor, paths in by_visitor.values()]:
            future.result()

    assert sum(statuses.values()) == REQUESTS
    assert leaks == []
    assert 500 not in statuses and 502 not in statuses, statuses
    # The canary works: visitors do see their own markers on their basket and account pages.
    assert len(own_marker_seen) >= (SIGNED_IN_USERS + BASKET_ONLY_VISITORS) * 0.8
    cached = fresh_edge.cache_files()
    assert cached, "the shared pages should have been cached"
    stored = b"".join(path.read_bytes() for path in cached)
    assert b"set-cookie" not in stored.lower()
    assert not [marker for marker in markers if marker.encode() in stored]
