"""The API's frame: schema, offline docs, versions as namespaces, one error shape."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import include, path

from api.urls import version_patterns
from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_a_single_warning(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn`, as CI runs it."""
    call_command("spectacular", "--api-version", "v1", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")
    assert "/api/v1/books/" in (tmp_path / "s.yaml").read_text()


def test_every_operation_has_an_example_of_its_success_answer(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    missing = []
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, (method, route)
            for code in success:
                content = operation["responses"][code].get("content", {"": {}})
                if not all("examples" in media or "example" in media for media in content.values()):
                    missing.append(f"{method.upper()} {route} {code}")
    assert missing == []
    assert len(schema["paths"]) >= 10


def test_swagger_ui_and_redoc_are_served_from_our_own_static_files(client):
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        html = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html, url
        assert "cdn" not in html.lower() and "unpkg" not in html.lower(), url
    swagger = client.get("/api/v1/docs/").content.decode()
    assert "/api/v1/schema/" in swagger
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200


urlpatterns_v1_and_v2 = [
    path("api/v1/", include((version_patterns("v1"), "v1"), namespace="v1")),
    path("api/v2/", include((version_patterns("v2"), "v2"), namespace="v2")),
]


@override_settings(ROOT_URLCONF=__name__ + "_urls", API_VERSIONS=["v1", "v2"])
def test_a_second_version_lives_beside_the_first_from_the_same_patterns(client, monkeypatch):
    import sys
    import types

    module = types.ModuleType(__name__ + "_urls")
    module.urlpatterns = urlpatterns_v1_and_v2
    monkeypatch.setitem(sys.modules, module.__name__, module)
    book = make_book(make_category())
    for version in ("v1", "v2"):
        listing = client.get(f"/api/{version}/books/").json()
        # Links are reversed inside the caller's version.
        assert listing["results"][0]["api_url"] == f"http://testserver/api/{version}/books/{book.pk}/"
        schema = client.get(f"/api/{version}/schema/", HTTP_ACCEPT="application/json").json()
        assert f"/api/{version}/books/" in schema["paths"]
        assert not any(route.startswith("/api/v1/" if version == "v2" else "/api/v2/") for route in schema["paths"])


def test_a_version_not_served_is_a_problem_404(client):
    response = client.get("/api/v9/books/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/books/99999999999999999999/",
        "/api/v1/books/2147483648/",
        "/api/v1/books/0/",
        "/api/v1/books/12345/",
        "/api/v1/books/abc/",
        "/api/v1/authors/nobody/",
        "/api/v1/nothing-here/",
        "/api/",
        "/api/v1/cms/pages/99999/",
    ],
)
def test_unknown_things_are_problem_404s(client, url):
    assert_problem(client.get(url), 404)


@pytest.mark.parametrize(
    "query",
    [
        {"category": "x"},
        {"category": "99999999999999999999"},
        {"price_min": "lots"},
        {"price_min": "1e400"},
        {"sort": "random"},
        {"format": "scroll"},
        {"page": "0"},
        {"page": "101"},
        {"page_size": "1000"},
        {"author": "a" * 5000},
        {"in_stock": "maybe"},
        {"cursor": "not-a-cursor"},
    ],
)
def test_bad_filters_are_problem_400s_naming_the_parameter(client, query):
    make_book(make_category())
    body = assert_problem(client.get("/api/v1/books/", query), 400 if "cursor" not in query else 404)
    if "cursor" not in query:
        assert set(body["errors"]) == set(query)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/books/?author=ab%00c",
        "/api/v1/search/?q=%00",
        "/api/v1/cms/pages/?search=%00",
        "/api/v1/authors/a%00b/",
    ],
)
def test_nul_bytes_are_refused_with_400_not_a_database_error(client, url):
    assert_problem(client.get(url), 400)


def test_a_huge_search_is_a_400_and_a_huge_cms_query_is_not_a_5xx(client):
    assert_problem(client.get("/api/v1/search/", {"q": "x" * 100_000}), 400)
    assert client.get("/api/v1/cms/pages/", {"search": "x" * 100_000}).status_code < 500
    assert_problem(client.get("/api/v1/cms/pages/", {"limit": "many"}), 400)


def test_a_wrong_method_is_a_problem_405(client):
    assert_problem(client.post("/api/v1/books/", {}, content_type="application/json"), 405)


def test_unknown_paths_answer_any_method_with_a_problem_not_a_csrf_page(client):
    assert_problem(client.patch("/api/v1/basket/lines/%C2%84/", "{}", content_type="application/json"), 404)
    assert_problem(client.get("/api/v1/books/E%08%0A%C2%B5/"), 404)
    assert_problem(client.options("/api/v1/newsletter/preferences/0/"), 405)
