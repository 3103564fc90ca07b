"""Throttles, CORS and the page-cache contract for the API (docs/api.md)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from api.caching import api_urls_of
from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def book():
    return make_book(make_category(make_category(title="Fiction"), title="Classics"), title="Emma")


@pytest.fixture
def low_rates(settings):
    # Stored anonymous answers are served before any view (and its throttles) runs; counted here
    # are the requests that reach the view.
    settings.SHARED_PAGE_CACHE = False
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"}}


def test_anonymous_callers_are_throttled_per_address_with_retry_after(client, book, low_rates):
    for _ in range(3):
        assert client.get("/api/v1/books/", REMOTE_ADDR="203.0.113.5").status_code == 200
    refused = client.get("/api/v1/books/", REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json" and refused.json()["status"] == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # A made-up X-Forwarded-For is not a new address.
    spoofed = client.get("/api/v1/books/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert spoofed.status_code == 429
    assert client.get("/api/v1/books/", REMOTE_ADDR="203.0.113.6").status_code == 200


def test_signed_in_callers_are_counted_per_user_not_per_address(book, low_rates):
    user = get_user_model().objects.create_user("ada", "ada@example.com", "pw-ada-123")
    app = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    for _ in range(3):
        Client().get("/api/v1/books/", REMOTE_ADDR="203.0.113.7")
    for number in range(5):
        assert app.get("/api/v1/books/", REMOTE_ADDR=f"203.0.113.{7 + number}").status_code == 200
    assert app.get("/api/v1/books/", REMOTE_ADDR="203.0.113.99").status_code == 429


def test_cors_allows_listed_origins_only(client, book, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    allowed = client.get("/api/v1/books/", HTTP_ORIGIN="https://app.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example"
    refused = client.get("/api/v1/books/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in refused
    preflight = client.options(
        "/api/v1/basket/lines/",
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight.status_code == 200 and preflight["Access-Control-Allow-Origin"] == "https://app.example"
    # Pages stay out of CORS.
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN="https://app.example")


def test_no_origin_is_allowed_by_default(client, book):
    response = client.get("/api/v1/books/", HTTP_ORIGIN="https://app.example")
    assert "Access-Control-Allow-Origin" not in response


def test_anonymous_catalogue_answers_may_be_shared_and_personal_ones_never(client, book):
    listing = client.get("/api/v1/books/")
    assert listing["Cache-Control"] == "max-age=0, s-maxage=60"
    assert not listing.cookies and "Accept" not in listing.get("Vary", "")
    assert client.get(f"/api/v1/books/{book.pk}/")["Cache-Control"] == "max-age=0, s-maxage=600"
    assert client.get("/api/v1/categories/")["Cache-Control"] == "max-age=0, s-maxage=300"
    for path in ("/api/v1/basket/", "/api/v1/me/", "/api/v1/orders/"):
        assert client.get(path)["Cache-Control"] == "private, no-store", path
    client.post("/api/v1/basket/lines/", json.dumps({"book": book.pk}), content_type="application/json")
    # The caller now has a basket cookie: nothing they get is shared.
    assert "s-maxage" not in client.get("/api/v1/books/")["Cache-Control"]
    user = get_user_model().objects.create_user("ada", "ada@example.com", "pw-ada-123")
    app = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert "s-maxage" not in app.get("/api/v1/books/")["Cache-Control"]


def test_a_books_api_answers_are_purged_with_it(book):
    classics = book.get_parent()
    fiction = classics.get_parent()
    urls = set(api_urls_of(book))
    assert {
        f"http://localhost/api/v1/books/{book.pk}/",
        "http://localhost/api/v1/books/",
        "http://localhost/api/v1/categories/",
        f"http://localhost/api/v1/books/?category={classics.pk}",
        f"http://localhost/api/v1/books/?category={fiction.pk}",
    } == urls
