"""What every API view shares: versioning, authentication, formats, errors and throttles.

Set on the views (through `ApiPolicy`) rather than in REST_FRAMEWORK, so Wagtail's admin API,
which also runs on DRF, keeps its own defaults.
"""

from django.conf import settings
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.versioning import NamespaceVersioning

from api.errors import problem_exception_handler
from api.throttling import AnonAddressThrottle, SignedInUserThrottle


class ApiVersioning(NamespaceVersioning):
    """The version is the URL namespace (`/api/v1/` is "v1"); the versions served are `API_VERSIONS`."""

    @property
    def allowed_versions(self):
        return settings.API_VERSIONS


class JsonOnly(DefaultContentNegotiation):
    """Every answer is JSON, whatever the Accept header; and `?format=` is the books' filter,
    not DRF's renderer switch."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiPolicy:
    versioning_class = ApiVersioning
    # Tokens for apps, the session (with DRF's CSRF check) for the shop's own pages. The token
    # comes first so that a caller who is neither gets 401 with `WWW-Authenticate: Token`.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    content_negotiation_class = JsonOnly
    # No OPTIONS self-description: the schema describes every endpoint, and DRF's would need a
    # model queryset. CORS preflights are answered by django-cors-headers before any view.
    metadata_class = None
    throttle_classes = [AnonAddressThrottle, SignedInUserThrottle]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Every answer is JSON whatever the Accept header (JsonOnly), so DRF's `Vary: Accept`
        # would only split nginx's cache and make the edge contract refuse to share the answer.
        remaining = [value.strip() for value in response.get("Vary", "").split(",") if value.strip()]
        remaining = [value for value in remaining if value.lower() != "accept"]
        if remaining:
            response["Vary"] = ", ".join(remaining)
        elif response.has_header("Vary"):
            del response["Vary"]
        return response

    def get_exception_handler(self):
        return problem_exception_handler
