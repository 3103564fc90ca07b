"""The API's URLs: one list of endpoints, mounted per version as a URL namespace (docs/api.md).

`/api/v1/` is `version_patterns("v1")` under the namespace "v1"; DRF's NamespaceVersioning reads
the version from it, and every link the API writes is reversed inside the caller's namespace. A
v2 would be `version_patterns("v2")` beside it, with views that differ where v2 differs
(`request.version`), not a copy of the module. Any other /api/ path answers a problem 404.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api import catalogue, converters, shop  # noqa: F401  (converters registers "row_id")
from api.cms import cms_router
from api.errors import not_found
from api.policy import ApiVersioning


class SchemaView(SpectacularAPIView):
    versioning_class = ApiVersioning


class SwaggerView(SpectacularSwaggerView):
    versioning_class = ApiVersioning  # links the schema of the caller's version


class RedocView(SpectacularRedocView):
    versioning_class = ApiVersioning


def version_patterns(version):
    return [
        path("schema/", SchemaView.as_view(api_version=version), name="schema"),
        path("docs/", SwaggerView.as_view(url_name="schema"), name="docs"),
        path("redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
        path("categories/", catalogue.CategoryTreeView.as_view(), name="category-list"),
        path("books/", catalogue.BookListView.as_view(), name="book-list"),
        path("books/<row_id:pk>/", catalogue.BookDetailView.as_view(), name="book-detail"),
        path("authors/", catalogue.AuthorListView.as_view(), name="author-list"),
        path("authors/<slug:slug>/", catalogue.AuthorDetailView.as_view(), name="author-detail"),
        path("search/", catalogue.SearchView.as_view(), name="search"),
        path("cms/", include((cms_router(version).get_urlpatterns(), "cms"), namespace="cms")),
        *shop.urlpatterns,
    ]


urlpatterns = [
    path("v1/", include((version_patterns("v1"), "v1"), namespace="v1")),
    re_path(r"", not_found, name="api-not-found"),  # any other path, newlines included
]
