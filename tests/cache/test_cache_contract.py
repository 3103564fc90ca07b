"""The Django side of the page-cache contract, without nginx: which responses are marked
shareable, which purges a change collects, and that the rendered nginx config matches settings."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from wagtail.contrib.frontend_cache.backends import BaseBackend

from catalogue.stock import write_stockrecord
from testing.factories import make_book, make_category

pytestmark = [pytest.mark.django_db]

purged = []


class RecordingBackend(BaseBackend):
    def purge(self, url):
        purged.append(url)


@pytest.fixture
def recorded_purges():
    purged.clear()
    nodes = {"recording": {"BACKEND": f"{__name__}.RecordingBackend"}}
    with override_settings(WAGTAILFRONTENDCACHE=nodes):
        yield purged


@pytest.fixture
def shelf():
    category = make_category(title="Contract Shelf", slug="contract-shelf")
    book = make_book(category, title="Contract Eliot", author="George Eliot", price="6.00")
    return category, book


def test_publish_purges_page_parents_and_home_only_after_commit(
    shelf, recorded_purges, django_capture_on_commit_callbacks
):
    category, book = shelf
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        book.title = "Contract Eliot, Second Edition"
        book.save_revision().publish()
    assert recorded_purges == []
    for callback in callbacks:
        callback()
    assert {book.get_full_url(), category.get_full_url(), category.get_parent().get_full_url()} <= set(recorded_purges)
    assert all(url.startswith("http") for url in recorded_purges)


def test_slug_change_purges_old_and_new_urls(shelf, recorded_purges, django_capture_on_commit_callbacks):
    _, book = shelf
    old_url = book.get_full_url()
    with django_capture_on_commit_callbacks(execute=True):
        book.slug = "contract-eliot-renamed"
        book.save_revision().publish()
    book.refresh_from_db()
    assert old_url in recorded_purges
    assert book.get_full_url() in recorded_purges


def test_price_change_purges_book_and_categories(shelf, recorded_purges, django_capture_on_commit_callbacks):
    category, book = shelf
    with django_capture_on_commit_callbacks(execute=True):
        write_stockrecord(book.product, price=7)
    assert {book.get_full_url(), category.get_full_url()} <= set(recorded_purges)


def test_rendered_nginx_config_uses_the_settings(tmp_path, settings):
    settings.SESSION_COOKIE_NAME = "shop_session"
    settings.OSCAR_BASKET_COOKIE_OPEN = "shop_basket"
    output = tmp_path / "site.conf"
    call_command("render_nginx_config", output=str(output), server_name=["shop.example"], upstream=["10.0.0.5:8000"])
    text = output.read_text()
    assert "(shop_session|shop_basket|messages|django_language)=" in text
    assert 'proxy_cache_key "$host$cache_uri";' in text
    assert 'proxy_cache_purge pages "$host$cache_uri";' in text
    assert "server 10.0.0.5:8000 max_fails" in text
    assert "server_name shop.example;" in text
    assert "/basket/|/checkout/|/accounts/|/dashboard/|/admin/|/django\\-admin/|/_/" in text
    assert "load_module" not in text  # Debian's modules-enabled/ loads them for a site include


def test_anonymous_pages_are_marked_shared_and_personal_ones_private(shelf, client, django_user_model):
    category, book = shelf
    for url in ("/", category.url, book.url):
        response = client.get(url)
        assert response["Cache-Control"].startswith("max-age=0, s-maxage="), url
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", "")
    client.force_login(django_user_model.objects.create_user("signed-in", "in@example.test", "pw"))
    signed_in = client.get(book.url)
    assert "s-maxage" not in signed_in["Cache-Control"] and "private" in signed_in["Cache-Control"]
    assert client.get("/basket/")["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "spoil, reason",
    [
        (lambda response: response.set_cookie("oscar_history", "1"), "sets cookies: oscar_history"),
        (lambda response: setattr(response, "content", b'<input name="csrfmiddlewaretoken" value="abc">'), "CSRF"),
        (lambda response: response.__setitem__("Vary", "Accept-Language"), "Vary on accept-language"),
        (lambda response: response.__setitem__("Cache-Control", "private"), "Cache-Control private"),
    ],
)
def test_a_page_that_would_leak_is_refused_with_the_reason(rf, spoil, reason):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from edgecache.caching import refusal_reason

    request = rf.get("/some-book/")
    request.user = AnonymousUser()
    response = HttpResponse(b"<p>A book</p>")
    assert refusal_reason(request, response) is None
    spoil(response)
    assert reason in refusal_reason(request, response)
