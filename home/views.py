"""Small uncached endpoints that let cached pages stay anonymous (DESIGN.md §4)."""
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET


@require_GET
@never_cache
@ensure_csrf_cookie
def csrf_token(request):
    """A CSRF token for forms on cached pages, which carry none; also sets the csrftoken cookie."""
    return JsonResponse({"token": get_token(request)})
