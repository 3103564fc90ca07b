"""Rate limits for the rest of the shop, on allauth's limiter (settings.ACCOUNT_RATE_LIMITS).

One limiter for sign-in, sign-up, reset and the newsletter form: the same cache, the same
visitor address (accounts.network.client_ip), the same "count/period/per" rates.
"""

from allauth.core import ratelimit


def allow(request, action, key=None):
    """Counts one use of `action` by this visitor (and `key`, e.g. an email); False once over a
    rate. An action without a rate in ACCOUNT_RATE_LIMITS is never limited."""
    return ratelimit.consume(request, action=action, key=key)
