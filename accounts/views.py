"""Old sign-in and account URLs, kept so that links and bookmarks land on allauth's pages."""

from urllib.parse import urlencode

from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET


def admin_login(request, home):
    """The three admin UIs' login URLs: one sign-in (allauth's), rate-limited and with 2FA.

    A signed-in user who lands here was refused by the admin UI: sending them to sign in again
    would loop (allauth sends signed-in users on to `next`)."""
    if request.user.is_authenticated:
        return HttpResponseForbidden("You are signed in, but this account has no access to this area.")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = home
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target or home})}")


@require_GET
def moved(request, to):
    """Oscar's registration and password pages now live at allauth's URLs."""
    query = request.GET.urlencode()
    return redirect(reverse(to) + (f"?{query}" if query else ""))
