"""PayPal webhooks: verified offline, stored once per event id, processed in Celery.

Verification is PayPal's offline method (docs/paypal.md §5.3): CRC32 of the raw body,
`transmission_id|transmission_time|webhook_id|crc` signed SHA256withRSA by the certificate at
PAYPAL-CERT-URL, fetched only from PAYPAL_WEBHOOK_CERT_HOSTS. Old transmissions are refused.
The listener answers fast; the Celery task checkout.tasks.process_webhook_event applies the
stored event through the handlers in checkout/paypal/webhook_handlers.py.
"""

import base64
import binascii
import datetime as dt
import json
import logging
import zlib
from urllib.parse import urlsplit

import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from checkout.models import WebhookEvent
from checkout.tasks import process_webhook_event

logger = logging.getLogger("checkout.paypal")

MAX_BODY_BYTES = 64 * 1024
SIGNATURE_HEADERS = (
    "PAYPAL-TRANSMISSION-ID",
    "PAYPAL-TRANSMISSION-TIME",
    "PAYPAL-TRANSMISSION-SIG",
    "PAYPAL-CERT-URL",
    "PAYPAL-AUTH-ALGO",
)


class WebhookRejected(Exception):
    pass


def _certificate(cert_url):
    parts = urlsplit(cert_url)
    loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
    if parts.hostname not in settings.PAYPAL_WEBHOOK_CERT_HOSTS or (parts.scheme != "https" and not loopback):
        raise WebhookRejected(f"certificate host {parts.hostname!r} is not allowed")
    pem = cache.get(f"paypal:webhook-cert:{cert_url}")
    if pem is None:
        try:
            response = requests.get(cert_url, timeout=5)
            response.raise_for_status()
        except requests.RequestException as error:
            raise WebhookRejected(f"certificate not fetched: {error}")
        pem = response.content
        cache.set(f"paypal:webhook-cert:{cert_url}", pem, 24 * 3600)
    try:
        certificate = x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise WebhookRejected("certificate is not PEM")
    now = dt.datetime.now(dt.UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise WebhookRejected("certificate is not valid now")
    return certificate


def verify_signature(body, headers):
    """Raise WebhookRejected unless PayPal (or the simulator) signed exactly these bytes recently."""
    missing = [name for name in SIGNATURE_HEADERS if not headers.get(name)]
    if missing:
        raise WebhookRejected(f"missing headers {missing}")
    if headers["PAYPAL-AUTH-ALGO"] != "SHA256withRSA":
        raise WebhookRejected("unsupported algorithm")
    sent_at = parse_datetime(headers["PAYPAL-TRANSMISSION-TIME"])
    if sent_at is None or sent_at.tzinfo is None:
        raise WebhookRejected("unreadable transmission time")
    age = abs((dt.datetime.now(dt.UTC) - sent_at).total_seconds())
    if age > settings.PAYPAL_WEBHOOK_MAX_AGE_SECONDS:
        raise WebhookRejected(f"transmission is {age:.0f}s old")
    crc = zlib.crc32(body) & 0xFFFFFFFF
    message = (
        f"{headers['PAYPAL-TRANSMISSION-ID']}|{headers['PAYPAL-TRANSMISSION-TIME']}|{settings.PAYPAL_WEBHOOK_ID}|{crc}"
    )
    try:
        signature = base64.b64decode(headers["PAYPAL-TRANSMISSION-SIG"], validate=True)
    except (binascii.Error, ValueError):
        raise WebhookRejected("signature is not base64")
    certificate = _certificate(headers["PAYPAL-CERT-URL"])
    try:
        certificate.public_key().verify(signature, message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, TypeError, ValueError):
        raise WebhookRejected("signature does not match")


def parse_event(body):
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookRejected("body is not JSON")
    if not isinstance(event, dict):
        raise WebhookRejected("body is not a JSON object")
    if not isinstance(event.get("id"), str) or not 1 <= len(event["id"]) <= 128:
        raise WebhookRejected("event id missing")
    if not isinstance(event.get("event_type"), str) or not isinstance(event.get("resource"), dict):
        raise WebhookRejected("event_type or resource missing")
    return event


@csrf_exempt
@never_cache
@require_POST
def webhook(request):
    if len(request.body) > MAX_BODY_BYTES:
        return HttpResponse("Webhook body too large.", status=413)
    try:
        event = parse_event(request.body)
        verify_signature(request.body, request.headers)
    except WebhookRejected as error:
        logger.warning("PayPal webhook rejected: %s", error)
        return JsonResponse({"error": str(error)}, status=400)
    try:
        with transaction.atomic():
            stored = WebhookEvent.objects.create(
                event_id=event["id"],
                event_type=event["event_type"][:64],
                resource_id=str(event["resource"].get("id", ""))[:64],
                payload=event,
            )
    except IntegrityError:
        return JsonResponse({"status": "duplicate"})
    transaction.on_commit(lambda: process_webhook_event.delay(stored.pk), robust=True)
    return JsonResponse({"status": "accepted"})
