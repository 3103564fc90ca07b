"""Shopper-facing newsletter pages: sign up, confirm, unsubscribe, preferences.

Sign-up forms sit on cached pages (footer, home page block) with an empty CSRF field that
csrf.js fills at submit time. Without JavaScript the field stays empty; the subscribe view then
answers with a one-button confirm page carrying a real token (that answer is never cached).
"""

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.throttling import allow
from newsletters.forms import PreferencesForm, SubscribeForm
from newsletters.models import Subscriber
from newsletters.subscriptions import confirm_subscription, request_subscription, unsubscribe
from newsletters.tokens import manage_token, read_confirmation_token, read_manage_token


def _csrf_passes(request):
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is None


@never_cache
@csrf_exempt  # checked below, so that a no-JS visitor gets a confirm form instead of a 403
@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return render(request, "newsletters/subscribe.html", {"form": form}, status=400 if form.is_bound else 200)
    if not _csrf_passes(request):
        return render(request, "newsletters/subscribe.html", {"form": form, "confirm_step": True})
    email = form.cleaned_data["email"]
    # Per visitor and per address (ACCOUNT_RATE_LIMITS["newsletter_subscribe"]). Over the address's
    # rate the answer is the same as ever, so it tells nobody whether the address is known; the
    # owner simply gets no further mail for a while.
    if allow(request, "newsletter_subscribe", key=email.strip().lower()):
        request_subscription(email, source=form.cleaned_data["source"], request=request)
    return redirect("newsletters:subscribe_sent")


@never_cache
def subscribe_sent(request):
    return render(request, "newsletters/subscribe_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button (mail scanners follow links; only a person presses it); POST confirms."""
    try:
        subscriber_id, nonce = read_confirmation_token(token)
    except signing.SignatureExpired:
        return render(request, "newsletters/confirm.html", {"problem": "expired"}, status=400)
    except signing.BadSignature:
        return render(request, "newsletters/confirm.html", {"problem": "invalid"}, status=400)
    pending = Subscriber.objects.filter(pk=subscriber_id, confirmation_nonce=nonce).exclude(confirmation_nonce="")
    if not pending.exists():
        return render(request, "newsletters/confirm.html", {"problem": "used"}, status=400)
    if request.method == "GET":
        return render(request, "newsletters/confirm.html", {})
    subscriber = confirm_subscription(subscriber_id, nonce, request=request)
    if subscriber is None:
        return render(request, "newsletters/confirm.html", {"problem": "used"}, status=400)
    return render(request, "newsletters/confirm.html", {"confirmed": True, "subscriber": subscriber})


def _subscriber_from(token):
    try:
        subscriber_id = read_manage_token(token)
    except (signing.BadSignature, ValueError):
        return None
    return Subscriber.objects.filter(pk=subscriber_id).first()


@never_cache
@csrf_exempt  # RFC 8058: mail programs POST without cookies; the signed token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    subscriber = _subscriber_from(token)
    if subscriber is None:
        return render(request, "newsletters/unsubscribe.html", {"problem": "invalid"}, status=400)
    if request.method == "GET":
        return render(request, "newsletters/unsubscribe.html", {"subscriber": subscriber, "token": token})
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    unsubscribe(subscriber, method="one-click header" if one_click else "unsubscribe page", request=request)
    return render(request, "newsletters/unsubscribe.html", {"subscriber": subscriber, "token": token, "done": True})


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    subscriber = _subscriber_from(token)
    if subscriber is None:
        return render(request, "newsletters/preferences.html", {"problem": "invalid"}, status=400)
    if request.method == "POST" and "unsubscribe" in request.POST:
        unsubscribe(subscriber, method="preferences page", request=request)
        return redirect("newsletters:unsubscribe", token=token)
    if request.method == "POST" and "resubscribe" in request.POST:
        request_subscription(subscriber.email, source="preferences", request=request)
        return redirect("newsletters:subscribe_sent")
    initial = {"name": subscriber.name, "topics": subscriber.topics.all()}
    form = PreferencesForm(request.POST or None, initial=initial)
    saved = False
    if request.method == "POST" and form.is_valid():
        subscriber.name = form.cleaned_data["name"]
        subscriber.save(update_fields=["name"])
        subscriber.topics.set(form.cleaned_data["topics"])
        saved = True
    context = {"subscriber": subscriber, "form": form, "saved": saved, "token": token}
    return render(request, "newsletters/preferences.html", context)


@never_cache
@login_required
def my_preferences(request):
    """The account profile's link: the signed-in customer's own preferences page, or the sign-up
    form when their address is not on the list."""
    subscriber = (
        Subscriber.objects.filter(user=request.user).first()
        or Subscriber.objects.filter(email=request.user.email.strip().lower()).first()
    )
    if subscriber is None:
        return redirect("newsletters:subscribe")
    return redirect("newsletters:preferences", token=manage_token(subscriber.pk))
