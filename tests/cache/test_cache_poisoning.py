"""Issue 6, group 5: cache poisoning and deception. Odd hosts, odd paths and odd encodings
never serve or store someone else's page."""

import http.client

import pytest
import requests
from django.contrib.auth import get_user_model

from testing.factories import make_book, make_category
from tests.cache.shoppers import signed_in_session

pytestmark = [pytest.mark.services]


@pytest.fixture
def shelf(fresh_edge, postgres):
    category = make_category(title="Poison Shelf", slug="poison-shelf")
    book = make_book(category, title="Poisoned Collins", author="Wilkie Collins", price="4.50")
    return category, book


def test_an_unknown_host_gets_400_and_nothing_is_cached(fresh_edge, shelf):
    category, _ = shelf
    for _ in range(2):
        response = fresh_edge.get(category.url, headers={"Host": "evil.example"})
        assert response.status_code == 400
        assert "X-Cache-Status" not in response.headers
    assert not [path for path in fresh_edge.cache_files() if b"evil.example" in path.read_bytes()]


def test_a_forged_port_in_host_never_reaches_cached_urls(fresh_edge, shelf):
    category, _ = shelf
    forged = fresh_edge.get(category.url, headers={"Host": "127.0.0.1:6666"})
    assert forged.status_code == 200
    assert "127.0.0.1:6666" not in forged.text
    assert f"127.0.0.1:{fresh_edge.port}" in forged.text  # absolute URLs use the port nginx listens on
    assert "127.0.0.1:6666" not in fresh_edge.get(category.url).text


def test_account_urls_dressed_as_static_files_are_never_shared(fresh_edge, shelf):
    reader = get_user_model().objects.create_user(
        "deceived@example.test", "deceived@example.test", "pw", first_name="Deceived", last_name="Reader"
    )
    signed_in = signed_in_session(reader)
    for path in ("/accounts/x.css", "/accounts/profile/x.css", "/accounts/", "/accounts/profile/"):
        for _ in range(2):
            personal = fresh_edge.get(path, session=signed_in)
            assert "X-Cache-Status" not in personal.headers, path
        anonymous = fresh_edge.get(path)
        assert "deceived@example.test" not in anonymous.text, path
        assert "Deceived" not in anonymous.text, path
        assert anonymous.status_code in (302, 404), path
    assert not [path for path in fresh_edge.cache_files() if b"deceived@example.test" in path.read_bytes()]


def raw_get(edge, raw_path):
    """GET with the request target exactly as given (requests would normalise `%70` to `p`)."""
    connection = http.client.HTTPConnection("127.0.0.1", edge.port, timeout=30)
    try:
        connection.request("GET", raw_path)
        response = connection.getresponse()
        return response.status, response.getheader("X-Cache-Status"), response.read().decode()
    finally:
        connection.close()


def test_double_slashes_and_percent_encoding_get_entries_of_their_own(fresh_edge, shelf):
    category, book = shelf
    canonical = fresh_edge.get(category.url)
    assert fresh_edge.get(category.url).headers["X-Cache-Status"] == "HIT"
    variants = [
        "/" + category.url,  # //poison-shelf/
        category.url.replace("/poison", "/%70oison"),
        category.url.replace("/poison", "/%70%6Fison"),
        category.url + "/",
        category.url.rstrip("/"),
    ]
    for variant in variants:
        _, cache_status, _ = raw_get(fresh_edge, variant)
        assert cache_status != "HIT", variant
    # A variant fetched first never becomes the canonical page's entry either.
    _, cache_status, _ = raw_get(fresh_edge, book.url.replace("/poison", "/%70oison"))
    assert cache_status == "MISS"
    assert fresh_edge.get(book.url).headers["X-Cache-Status"] == "MISS"
    assert fresh_edge.get(category.url).text == canonical.text


def test_authorization_header_bypasses_the_cache(fresh_edge, shelf):
    _, book = shelf
    fresh_edge.get(book.url)
    response = requests.get(fresh_edge.url(book.url), headers={"Authorization": "Basic eDp5"}, timeout=10)
    assert response.headers["X-Cache-Status"] == "BYPASS"
