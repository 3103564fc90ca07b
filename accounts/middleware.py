"""Request middleware of the accounts app: the client's address, and 2FA for staff."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from accounts.network import client_ip

# The three admin UIs (Wagtail, Oscar's dashboard, Django's admin).
ADMIN_PREFIXES = ("/admin/", "/dashboard/", "/django-admin/")


class TrustedProxyMiddleware:
    """REMOTE_ADDR becomes the visitor's address when a trusted proxy forwarded the request, so
    Django, allauth's rate limits and the newsletter's consent records all see the visitor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = client_ip(request)
        if address and address != request.META.get("REMOTE_ADDR"):
            request.META["PROXY_ADDR"] = request.META.get("REMOTE_ADDR")
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)


def reaches_an_admin_ui(user):
    """Who can get into /admin/, /dashboard/ or /django-admin/."""
    return user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")


def has_totp(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMFAMiddleware:
    """With ACCOUNTS_STAFF_MFA_REQUIRED, a member of staff without TOTP who opens an admin UI is
    sent to enrol first. Sign-in asks for the code of anyone who has it (allauth's MFA stage)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.ACCOUNTS_STAFF_MFA_REQUIRED
            and request.path.startswith(ADMIN_PREFIXES)
            and request.user.is_authenticated
            and reaches_an_admin_ui(request.user)
            and not has_totp(request.user)
        ):
            messages.warning(request, "Staff accounts need two-factor authentication. Set it up to continue.")
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)


class BrowserPolicyMiddleware:
    """Headers and cookie attributes every response gets (docs/accounts.md, "Browser surface"):
    a Permissions-Policy that switches off what the shop never uses, and SameSite on every cookie,
    including those set by code that does not say (Oscar's basket cookie, oscar_open_basket).
    Above the shared page cache, so stored pages carry the same header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        for morsel in response.cookies.values():
            if not morsel["samesite"]:
                morsel["samesite"] = settings.COOKIES_DEFAULT_SAMESITE
        return response
