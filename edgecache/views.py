"""Small uncached endpoints that let cached pages stay anonymous (docs/design.md §4)."""

from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from edgecache.caching import PERSONAL_MARKER_COOKIE


@require_GET
@never_cache
@ensure_csrf_cookie
def csrf_token(request):
    """A CSRF token for forms on cached pages, which carry none; also sets the csrftoken cookie."""
    return JsonResponse({"token": get_token(request)})


def display_name(user):
    """Name, else email: shop accounts get a random username (Oscar's), never meant to be read."""
    return user.get_full_name() or user.email or user.get_username()


@require_GET
@never_cache
def personal_header(request):
    """The header's personal bits for personal.js: cached pages carry none of them."""
    user = request.user
    response = JsonResponse(
        {
            "authenticated": user.is_authenticated,
            "name": display_name(user) if user.is_authenticated else "",
            "is_staff": user.is_authenticated and user.is_staff,
            "basket_count": request.basket.num_items if request.basket.id else 0,
        }
    )
    if not any(name in request.COOKIES for name in (settings.SESSION_COOKIE_NAME, settings.OSCAR_BASKET_COOKIE_OPEN)):
        # Nothing personal left (session expired, basket merged away): stop asking.
        response.delete_cookie(PERSONAL_MARKER_COOKIE, samesite="Lax")
    return response
