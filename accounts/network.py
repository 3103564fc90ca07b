"""The visitor's address behind nginx (docs/accounts.md, "The client's address").

nginx overwrites X-Forwarded-For and X-Real-IP with the address it was reached from
(deploy/nginx/django-proxy.conf). Those headers are believed only when the request itself comes
from a proxy listed in TRUSTED_PROXIES; from anyone else they are a forgery and ignored.
"""

import ipaddress

from django.conf import settings


def _address(value):
    """A valid IP address from a header item, or None (junk, ports, NUL bytes, huge strings)."""
    value = (value or "").strip()[:64]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _trusted(address):
    return address in settings.TRUSTED_PROXIES


def client_ip(request):
    """The visitor's IP address: the nearest address in the forwarding chain that is not one of
    our proxies. Safe to call before or after TrustedProxyMiddleware."""
    remote = _address(request.META.get("REMOTE_ADDR"))
    if remote is None or not _trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [_address(item) for item in forwarded.split(",")] if forwarded else []
    if not chain:
        chain = [_address(request.META.get("HTTP_X_REAL_IP"))]
    for address in reversed(chain):
        if address is None:
            # An unreadable hop: what lies beyond it cannot be trusted, and this hop is unknown.
            return remote
        if not _trusted(address):
            return address
    return chain[0]
