"""Content pages and images through Wagtail's own API v2, mounted under /api/v1/cms/.

Wagtail's viewsets answer their errors as {"message": ...}; here they answer problem details like
the rest of the API (api/errors.py), and the schema describes their listing and detail views
(Wagtail's own field selection, `?fields=`, is documented at docs.wagtail.org).
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.views import APIView
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from api.policy import ApiPolicy

LISTING_PARAMETERS = [
    OpenApiParameter("limit", OpenApiTypes.INT, description="Items per page (at most 20)."),
    OpenApiParameter("offset", OpenApiTypes.INT, description="Items to skip."),
]
PAGES_EXAMPLE = {
    "meta": {"total_count": 1},
    "items": [
        {
            "id": 3,
            "meta": {
                "type": "catalogue.CategoryPage",
                "detail_url": "https://shop.example/api/v1/cms/pages/3/",
                "html_url": "https://shop.example/fiction/",
                "slug": "fiction",
                "first_published_at": "2026-11-01T09:00:00Z",
            },
            "title": "Fiction",
        }
    ],
}
PAGE_EXAMPLE = {
    "id": 3,
    "meta": {"type": "catalogue.CategoryPage", "html_url": "https://shop.example/fiction/", "slug": "fiction"},
    "title": "Fiction",
}
IMAGES_EXAMPLE = {
    "meta": {"total_count": 1},
    "items": [
        {
            "id": 9,
            "meta": {"type": "wagtailimages.Image", "detail_url": "https://shop.example/api/v1/cms/images/9/"},
            "title": "Cover of Emma",
        }
    ],
}
IMAGE_EXAMPLE = {
    "id": 9,
    "meta": {"type": "wagtailimages.Image"},
    "title": "Cover of Emma",
    "width": 400,
    "height": 600,
}


class ProblemErrorsMixin:
    """Wagtail's 400 and 404 as the API's problem details."""

    def handle_exception(self, exc):
        if isinstance(exc, BadRequestError):
            exc = exceptions.ParseError(str(exc))
        elif isinstance(exc, Http404):
            exc = exceptions.NotFound(str(exc) or None)
        return APIView.handle_exception(self, exc)


def listing_schema(name, example):
    return extend_schema(
        operation_id=f"cms_{name}_list",
        tags=["cms"],
        parameters=LISTING_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
        examples=[OpenApiExample("A page of results", value=example)],
    )


def detail_schema(name, example):
    return extend_schema(
        operation_id=f"cms_{name}_retrieve",
        tags=["cms"],
        responses=OpenApiTypes.OBJECT,
        examples=[OpenApiExample("One item", value=example)],
    )


class ContentPagesViewSet(ProblemErrorsMixin, ApiPolicy, PagesAPIViewSet):
    # Overridden only to carry their schema: Wagtail's views take no @extend_schema_view.
    @listing_schema("pages", PAGES_EXAMPLE)
    def listing_view(self, request):
        return super().listing_view(request)

    @detail_schema("pages", PAGE_EXAMPLE)
    def detail_view(self, request, pk):
        return super().detail_view(request, pk)

    @extend_schema(exclude=True)  # a redirect to the detail view, by html_path
    def find_view(self, request):
        return super().find_view(request)


class ContentImagesViewSet(ProblemErrorsMixin, ApiPolicy, ImagesAPIViewSet):
    @listing_schema("images", IMAGES_EXAMPLE)
    def listing_view(self, request):
        return super().listing_view(request)

    @detail_schema("images", IMAGE_EXAMPLE)
    def detail_view(self, request, pk):
        return super().detail_view(request, pk)

    @extend_schema(exclude=True)
    def find_view(self, request):
        return super().find_view(request)


def cms_router(namespace):
    """Wagtail's router for one API version; it reverses its own URLs inside that namespace."""
    router = WagtailAPIRouter(f"{namespace}:cms")
    router.register_endpoint("pages", ContentPagesViewSet)
    router.register_endpoint("images", ContentImagesViewSet)
    return router
