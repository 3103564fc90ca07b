"""Old sign-in and account URLs leading to allauth's pages, "Buy again", the profile, and
closing or exporting the account (docs/accounts.md)."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from oscar.core.loading import get_model

from accounts.erasure import erase_account
from accounts.export import account_data
from accounts.forms import CloseAccountForm, NameForm
from accounts.purchases import buy_again

Order = get_model("order", "Order")
UserAddress = get_model("address", "UserAddress")


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


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = NameForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Your name is saved.")
            return redirect("account-profile")
    context = {
        "form": form,
        "default_address": UserAddress.objects.filter(user=request.user, is_default_for_shipping=True).first(),
    }
    return render(request, "account/profile.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def close_account(request):
    """GET shows what will happen; only a POST with the box ticked deletes anything."""
    form = CloseAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        erase_account(request.user)
        logout(request)
        messages.success(request, "Your account is deleted. Thank you for shopping with us.")
        return redirect("/")
    return render(request, "account/close.html", {"form": form}, status=400 if form.is_bound else 200)


@login_required
@require_GET
def export_account(request):
    response = HttpResponse(
        json.dumps(account_data(request.user), indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="folio-books-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response
