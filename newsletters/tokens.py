"""Signed links in newsletter mail: confirming a subscription, and managing or leaving it.

The confirmation link expires (NEWSLETTER_CONFIRM_MAX_AGE) and carries a nonce that confirming
clears, so it works once. The unsubscribe and preferences link never expires: it sits in every
newsletter, and RFC 8058 one-click unsubscribe must work from old mail too.
"""

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "newsletters.confirm"
MANAGE_SALT = "newsletters.manage"


def confirmation_token(subscriber):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(
        {"subscriber": subscriber.pk, "nonce": subscriber.confirmation_nonce}
    )


def read_confirmation_token(token):
    """(subscriber id, nonce); raises signing.SignatureExpired or signing.BadSignature."""
    data = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(token, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    return data["subscriber"], data["nonce"]


def manage_token(subscriber_id):
    return signing.Signer(salt=MANAGE_SALT).sign(str(subscriber_id))


def read_manage_token(token):
    """The subscriber id; raises signing.BadSignature."""
    return int(signing.Signer(salt=MANAGE_SALT).unsign(token))


def site_url(path):
    return settings.NEWSLETTER_SITE_URL.rstrip("/") + path
