"""The public archive and newsletter pages on the web."""

import pytest

from testing.factories import make_archive, make_book, make_category, make_newsletter

pytestmark = pytest.mark.django_db


def test_archive_lists_published_newsletters_and_shows_them(client):
    category = make_category(title="Essays")
    for number in range(3):
        make_book(category, title=f"Essay {number}", price="5.00")
    book = make_book(category, title="Walden", author="Henry David Thoreau", price="9.90")
    make_newsletter(
        "March",
        body=[
            ("heading", "In the woods"),
            ("book", {"book": book, "note": "Simplify."}),
            ("new_in_category", {"category": category, "count": 2, "heading": ""}),
            ("call_to_action", {"text": "Browse essays", "page": category, "url": ""}),
        ],
    )
    make_newsletter("February").unpublish()

    archive = client.get(make_archive().url).content.decode()
    assert "March" in archive and "February" not in archive

    html = client.get("/newsletter-archive/march/").content.decode()
    assert "In the woods" in html and "Walden" in html and "€9.90" in html and "Simplify." in html
    assert "New in Essays" in html
    assert html.count('class="nl-book"') == 3  # Walden, then the two newest in Essays
    assert f'href="{category.full_url}">Browse essays' in html
    assert 'name="csrfmiddlewaretoken" value=""' in html  # cacheable sign-up form


def test_empty_archive_says_so(client):
    assert "No newsletters yet" in client.get(make_archive().url).content.decode()


def test_the_web_version_is_styled_like_the_email(client):
    from django.template.loader import render_to_string

    category = make_category(title="Essays")
    make_newsletter("April", body=[("call_to_action", {"text": "Browse essays", "page": category, "url": ""})])
    html = client.get("/newsletter-archive/april/").content.decode()
    stylesheet = render_to_string("newsletters/includes/newsletter_styles.css")
    assert ".nl-button {" in stylesheet and stylesheet in html  # the email's own rules
    assert 'class="nl-container"' in html and 'class="nl-masthead"' in html
