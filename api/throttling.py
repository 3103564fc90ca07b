"""Request rates for the API (settings: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], docs/api.md).

Counts live in the default cache, Redis in production, so every gunicorn node shares them.
Anonymous callers are counted per client address: REMOTE_ADDR, which
accounts.middleware.TrustedProxyMiddleware has set to the visitor's address when nginx (a trusted
proxy) forwarded the request. An X-Forwarded-For from anyone else is ignored, so no caller escapes
the count by writing one. Signed-in callers are counted per user, however many addresses they use.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


def client_address(request):
    return request.META.get("REMOTE_ADDR") or "unknown"


class RatesFromSettings:
    def get_rate(self):
        # Read per request: DRF's own class attribute is a copy taken at import time.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class AnonAddressThrottle(RatesFromSettings, AnonRateThrottle):
    def get_ident(self, request):
        return client_address(request)


class SignedInUserThrottle(RatesFromSettings, UserRateThrottle):
    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # AnonAddressThrottle counts these
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
