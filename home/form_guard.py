"""Spam protection for form pages: a honeypot field and a per-address submission limit.

The limit counts submissions per client address in the cache (Redis in production, so every
node shares the count) over a fixed window. The address is REMOTE_ADDR, as for newsletter
consent records: the visitor's, set from nginx's headers by accounts.middleware.TrustedProxyMiddleware.
"""

from django.conf import settings
from django.core.cache import cache

# A text field people never see (hidden by CSS and from screen readers); bots fill every field.
HONEYPOT_FIELD = "website"


def too_many_submissions(request):
    """Count this submission; True once the address has sent more than the window allows."""
    window = settings.FORM_PAGE_WINDOW_SECONDS
    key = f"form-page-submissions:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > settings.FORM_PAGE_SUBMISSIONS_PER_WINDOW
