"""Old sign-in and account URLs leading to allauth's pages, and "Buy again"."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from oscar.core.loading import get_model

from accounts.purchases import buy_again

Order = get_model("order", "Order")


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


@login_required
@require_POST
def buy_again_view(request, order_number):
    order = get_object_or_404(Order, user=request.user, number=order_number)
    result = buy_again(request, order)
    if result.fewer:
        messages.warning(request, f"Fewer copies than last time, all we have left: {', '.join(result.fewer)}.")
    if result.gone:
        messages.warning(request, f"No longer available: {', '.join(result.gone)}.")
    if not result.added:
        messages.error(request, f"Nothing from order {order.number} can be bought at the moment.")
        return redirect("customer:order", order_number=order.number)
    messages.success(request, f"{result.added} book(s) from order {order.number} are in your basket.")
    return redirect("basket:summary")
