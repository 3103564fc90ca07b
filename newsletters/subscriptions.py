"""Subscribing (double opt-in), confirming and leaving, each recorded as a `Consent`.

Asking to subscribe never reveals whether an address is known: the visitor always sees the same
answer, and the mail that follows goes to the address's owner only.
"""

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.network import client_ip
from newsletters.models import Consent, Subscriber, Topic
from newsletters.tokens import confirmation_token, manage_token, site_url


def _client(request):
    if request is None:
        return {"ip_address": None, "user_agent": ""}
    return {
        "ip_address": client_ip(request),  # the visitor's, not nginx's
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def record_consent(subscriber, action, *, source, method, request):
    Consent.objects.create(subscriber=subscriber, action=action, source=source, method=method, **_client(request))


@transaction.atomic
def request_subscription(email, *, source, request, name="", user=None):
    """Send a confirmation link (or, to a confirmed address, a link to its preferences)."""
    subscriber, _ = Subscriber.objects.select_for_update().get_or_create(
        email=email.strip().lower(), defaults={"name": name, "user": user}
    )
    record_consent(subscriber, Consent.Action.REQUESTED, source=source, method="web form", request=request)
    if subscriber.status == Subscriber.Status.CONFIRMED:
        template = "newsletters/email/already_subscribed.txt"
        context = {"preferences_url": site_url(reverse("newsletters:preferences", args=[manage_token(subscriber.pk)]))}
    else:
        subscriber.confirmation_nonce = secrets.token_hex(16)
        subscriber.save(update_fields=["confirmation_nonce"])
        template = "newsletters/email/confirm_subscription.txt"
        context = {"confirm_url": site_url(reverse("newsletters:confirm", args=[confirmation_token(subscriber)]))}
    body = render_to_string(template, context)
    subject, _, body = body.partition("\n")
    # Stored in the outbox with the consent record: both exist, or neither (docs/outbox.md).
    send_mail(subject.strip(), body.lstrip(), settings.NEWSLETTER_FROM_EMAIL, [subscriber.email])


@transaction.atomic
def confirm_subscription(subscriber_id, nonce, *, request):
    """True if the link was valid and unused; the address is now a subscriber to every topic."""
    subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if subscriber is None or not nonce or subscriber.confirmation_nonce != nonce:
        return None
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.confirmation_nonce = ""
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save()
    subscriber.topics.set(Topic.objects.all())
    record_consent(subscriber, Consent.Action.CONFIRMED, source="email", method="confirmation link", request=request)
    return subscriber


@transaction.atomic
def unsubscribe(subscriber, *, method, request):
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.confirmation_nonce = ""
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save()
        record_consent(subscriber, Consent.Action.WITHDRAWN, source="email", method=method, request=request)
