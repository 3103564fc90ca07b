"""Adverts editors place on the home, category and book pages: shown where placed, only while
scheduled, and never kept in a cached page past their schedule or after an edit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalogue.adverts import Advert
from edgecache.purge import take_recently_purged
from testing.factories import make_book, make_category, make_home
from testing.ports import unused_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(settings):
    settings.SHARED_PAGE_CACHE = True
    home = make_home()
    fiction = make_category(title="Fiction")
    crime = make_category(title="Crime")
    return {
        "home": home,
        "fiction": fiction,
        "crime": crime,
        "novel": make_book(fiction, title="Middlemarch", author="George Eliot"),
        "mystery": make_book(crime, title="The Moonstone", author="Wilkie Collins"),
    }


def advert(**fields):
    defaults = {"name": "Spring sale", "text": "A third off every classic this week.", "link_url": "https://x.test/"}
    return Advert.objects.create(**{**defaults, **fields})


def shown(client, url, text="A third off every classic"):
    return text in client.get(url).content.decode()


def s_maxage(response):
    return int(response["Cache-Control"].split("s-maxage=")[1])


def test_an_advert_shows_where_editors_placed_it(client, shop):
    advert(on_home=True, on_books=True, shelf=shop["fiction"])
    assert shown(client, "/")
    assert shown(client, shop["novel"].url)
    assert not shown(client, shop["mystery"].url)  # another shelf
    assert not shown(client, shop["fiction"].url)  # not placed on category pages


def test_a_scheduled_advert_starts_and_ends_on_time_even_on_cached_pages(client, shop, monkeypatch):
    now = timezone.now()
    advert(on_categories=True, starts_at=now + timedelta(seconds=90), ends_at=now + timedelta(seconds=300))
    url = shop["crime"].url

    before = client.get(url)
    assert "A third off" not in before.content.decode()
    assert 0 < s_maxage(before) <= 90  # nginx and the shared page cache keep it no longer than that

    def later(seconds):
        moment = now + timedelta(seconds=seconds)
        monkeypatch.setattr("catalogue.adverts.timezone.now", lambda: moment)
        monkeypatch.setattr("edgecache.page_cache._now", lambda: moment.timestamp())

    later(91)
    running = client.get(url)
    assert "A third off" in running.content.decode() and 0 < s_maxage(running) <= 209
    later(301)
    assert not shown(client, url)


def test_editing_an_advert_refreshes_and_purges_the_pages_that_show_it(
    client, shop, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {
        "nginx-1": {"BACKEND": "edgecache.purge.NginxPurgeBackend", "LOCATION": f"http://127.0.0.1:{unused_port()}"}
    }
    settings.EDGE_CACHE_PURGE_TIMEOUT = 0.2
    with django_capture_on_commit_callbacks(execute=True):
        sale = advert(on_home=True, on_categories=True, shelf=shop["crime"])
    assert shown(client, "/") and shown(client, shop["crime"].url)
    take_recently_purged()

    sale.text = "Half price on crime this weekend."
    with django_capture_on_commit_callbacks(execute=True):
        sale.save()

    assert shown(client, "/", "Half price on crime") and shown(client, shop["crime"].url, "Half price on crime")
    purged = set(take_recently_purged())
    assert {shop["home"].get_full_url(), shop["crime"].get_full_url()} <= purged
    assert shop["fiction"].get_full_url() not in purged


def test_an_advert_needs_a_place_and_an_end_after_its_start(client, shop):
    from django.core.exceptions import ValidationError

    now = timezone.now()
    with pytest.raises(ValidationError, match="Tick at least one place"):
        Advert(name="x", text="y").full_clean()
    with pytest.raises(ValidationError, match="end must come after the start"):
        Advert(name="x", text="y", on_home=True, starts_at=now, ends_at=now - timedelta(days=1)).full_clean()
