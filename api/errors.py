"""One error shape for the whole API: RFC 9457 problem details (docs/api.md, "Errors").

Every error under /api/ is `application/problem+json` with `type`, `title`, `status` and
`detail`; validation errors add `errors`, a map from field name to messages. DRF's own errors go
through `problem_exception_handler`; what DRF does not catch (an unknown /api/ path, a request
Django refuses, a bug) is answered by `ProblemDetailsMiddleware` and the `not_found` view, so no
HTML error page is ever sent under /api/.
"""

import logging
from http import HTTPStatus

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

logger = logging.getLogger("bookshop.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"


class Unprocessable(exceptions.APIException):
    """Well-formed, but the shop cannot do it (more copies than in stock, an unknown voucher)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request is well-formed but cannot be carried out."
    default_code = "unprocessable"


class Conflict(exceptions.APIException):
    """The resource is in a state that forbids the change (a basket frozen for a payment)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource is in a state that does not allow this change."
    default_code = "conflict"


def problem_body(status_code, detail, errors=None):
    body = {"type": "about:blank", "title": HTTPStatus(status_code).phrase, "status": status_code, "detail": detail}
    if errors:
        body["errors"] = errors
    return body


def problem_response(status_code, detail, errors=None, headers=None):
    """A problem outside DRF (middleware, URL fallbacks)."""
    response = JsonResponse(problem_body(status_code, detail, errors), status=status_code)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _validation_errors(data):
    """DRF's error detail as {"field": ["message", ...]}; errors not tied to a field go under "non_field_errors"."""
    if isinstance(data, dict):
        return {str(name): _messages(value) for name, value in data.items()}
    return {"non_field_errors": _messages(data)}


def _messages(value):
    if isinstance(value, dict):
        return [f"{name}: {message}" for name, messages in value.items() for message in _messages(messages)]
    if isinstance(value, list):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def _is_html(response):
    return response.get("Content-Type", "").startswith("text/html")


def _carries_nul(request):
    return "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "").lower()


def problem_exception_handler(exc, context):
    """DRF's handler, reshaped into problem details. Anything DRF does not know stays an exception
    for ProblemDetailsMiddleware."""
    if isinstance(exc, Http404) and not isinstance(exc, exceptions.NotFound):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = problem_body(
            response.status_code, "The request has invalid fields.", _validation_errors(exc.detail)
        )
    else:
        detail = exc.detail if isinstance(exc.detail, str) else " ".join(_messages(exc.detail))
        response.data = problem_body(response.status_code, str(detail))
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(max(int(exc.wait), 1))
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class ProblemDetailsMiddleware:
    """Under /api/: what a view raised past DRF becomes a problem, never Django's HTML error page.

    A request Django calls suspicious (too large, malformed) is the caller's fault: 400. Anything
    else is our bug: logged with its traceback and answered 500 as a problem."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX) and _carries_nul(request):
            # PostgreSQL refuses NUL in text; refused here, every filter and form is safe from it.
            return problem_response(400, "The request contains a NUL character.")
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and response.status_code >= 400 and _is_html(response):
            # An error page rendered by Django or another app (CSRF failure, a page handler): same
            # status, our shape.
            return problem_response(response.status_code, HTTPStatus(response.status_code).phrase + ".")
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, SuspiciousOperation):
            return problem_response(400, str(exception) or "The request was refused.")
        if isinstance(exception, Http404):
            return problem_response(404, "Not found.")
        logger.exception("API error on %s %s", request.method, request.path)
        return problem_response(500, "Something went wrong on our side; it has been logged.")


@csrf_exempt  # any method on any unknown path is a 404, not a CSRF failure
def not_found(request, unmatched=""):
    """Any /api/ path that names no endpoint."""
    return problem_response(404, f"No API endpoint at {request.path}. The documentation is at /api/v1/docs/.")
