"""Oscar's thumbnails (basket, checkout, dashboard) show the book page's cover, or a placeholder."""

import pytest
from django.templatetags.static import static

from catalogue.thumbnails import PLACEHOLDER
from checkout.tests.steps import add_to_basket
from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db


def test_the_basket_shows_each_books_cover_or_a_placeholder(client, settings):
    settings.OSCAR_THUMBNAIL_DEBUG = True  # a broken thumbnailer raises instead of rendering nothing
    shelf = make_category(title="Classics")
    with_cover = make_book(shelf, title="Middlemarch", cover=True)
    without_cover = make_book(shelf, title="Villette")
    add_to_basket(client, with_cover)
    add_to_basket(client, without_cover)

    html = client.get("/basket/").content.decode()

    assert with_cover.cover.get_rendition("max-100x100").url in html
    assert static(PLACEHOLDER) in html
    assert f'href="{with_cover.url}"' in html
