"""Home page merchandising blocks, their cached fragments, and cacheable shop pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from testing.factories import make_book, make_category, make_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    cache.clear()
    home = make_home()
    fiction = make_category(title="Fiction")
    emma = make_book(fiction, title="Emma", price="9.50")
    persuasion = make_book(fiction, title="Persuasion", price="7.00")
    home.body = [
        (
            "hero",
            {
                "heading": "Stories worth keeping",
                "text": "Next-day delivery.",
                "link_page": fiction,
                "link_text": "Browse fiction",
            },
        ),
        ("featured_books", {"heading": "Staff picks", "books": [emma, persuasion]}),
        ("new_in_category", {"category": fiction, "heading": "", "count": 4}),
        ("category_highlight", {"category": fiction, "text": "", "image": None}),
        ("text", "<p>Open every day.</p>"),
        ("newsletter_signup", {"heading": "Join our newsletter", "text": "Monthly."}),
    ]
    home.save_revision().publish()
    return {"home": home, "fiction": fiction, "emma": emma, "persuasion": persuasion}


def featured_section(html):
    return re.search(r'<section class="featured" aria-label="Staff picks">(.*?)</section>', html, re.S).group(1)


def test_home_page_renders_every_block(client, home):
    html = client.get("/").content.decode()
    assert "Stories worth keeping" in html and 'href="/fiction/">Browse fiction</a>' in html
    assert "Emma" in featured_section(html) and "€9.50" in featured_section(html)
    assert "<h2>New in Fiction</h2>" in html
    assert "Browse Fiction</a>" in html
    assert "<p>Open every day.</p>" in html
    form = re.search(r'<form method="post" action="([^"]+)" class="newsletter-signup__form">(.*?)</form>', html, re.S)
    assert form.group(1).endswith("/subscribe/")
    assert '<label for="newsletter-email-home">Email address</label>' in form.group(2)
    assert 'name="email"' in form.group(2)
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="" data-csrf-field>' in form.group(2)


def test_featured_books_come_from_the_cache(client, home):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    assert "€9.50" in featured_section(html)
    assert not [q for q in queries.captured_queries if "partner_stockrecord" in q["sql"]]


def test_a_price_change_of_a_featured_book_refreshes_the_fragment(client, home):
    client.get("/")
    record = home["emma"].stockrecord
    record.price = "11.25"
    record.save()
    assert "€11.25" in featured_section(client.get("/").content.decode())


def test_unpublishing_a_featured_book_removes_it(client, home):
    client.get("/")
    home["persuasion"].unpublish()
    assert "Persuasion" not in featured_section(client.get("/").content.decode())


def test_editing_the_home_page_refreshes_the_fragment(client, home):
    client.get("/")
    page = home["home"]
    page.body[1].value["books"] = [home["persuasion"]]
    page.save_revision().publish()
    assert "Emma" not in featured_section(client.get("/").content.decode())


def test_renaming_an_author_refreshes_the_fragment(client, home):
    client.get("/")
    author = home["emma"].authors[0]
    author.name = "J. Austen"
    author.save()
    assert "J. Austen" in featured_section(client.get("/").content.decode())


def test_shop_pages_are_cacheable(client, home):
    """No cookie, no CSRF token, no per-visitor content: nginx may store them (docs/design.md §4)."""
    book = home["emma"]
    for url in [
        "/",
        home["fiction"].url,
        book.url,
        "/search/?q=emma",
        "/search/suggest/?q=emm",
        "/authors/jane-austen/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        html = response.content.decode()
        assert not re.search(r'name="csrfmiddlewaretoken" value="[^"]', html), url
    assert "oscar_history" not in client.cookies


def test_book_page_carries_what_the_recently_viewed_script_stores(client, home):
    html = client.get(home["emma"].url).content.decode()
    assert 'data-recently-viewed-book="{&quot;id&quot;: ' in html
    assert "&quot;price&quot;: &quot;€9.50&quot;" in html
    assert "data-recently-viewed hidden" in html


def test_the_home_page_editor_opens_with_every_block(client, home):
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@example.com", "pass"))
    response = client.get(f"/admin/pages/{home['home'].pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Featured books", "New in category", "Category highlight", "Newsletter sign-up"):
        assert label in html
