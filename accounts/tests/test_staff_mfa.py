"""Two-factor sign-in for staff: production requires TOTP before any admin UI opens."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from django.urls import reverse

from accounts.tests.helpers import PASSWORD, sign_in
from testing.factories import make_home, make_shopper

pytestmark = pytest.mark.django_db


def totp(secret, at=None, step=30):
    """RFC 6238 (SHA-1, 6 digits), as an authenticator app computes it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def enrol(client):
    """The enrol page asks for the password again (allauth: a fresh proof), then shows the secret;
    the first code from the app turns TOTP on."""
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    assert client.post(reverse("mfa_activate_totp"), {"code": totp(secret)}).status_code == 302
    return secret


@pytest.fixture
def staff(settings):
    settings.ACCOUNTS_STAFF_MFA_REQUIRED = True
    make_home()
    return make_shopper("staff@example.com", is_staff=True)


def test_staff_enrol_totp_then_sign_in_with_a_code(client, staff):
    assert sign_in(client, "staff@example.com").status_code == 302
    sent_to_enrol = client.get("/dashboard/")
    assert sent_to_enrol.status_code == 302 and sent_to_enrol["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.get("/django-admin/")["Location"].startswith(reverse("mfa_activate_totp"))

    secret = enrol(client)
    assert client.get("/dashboard/").status_code == 200
    client.post(reverse("account_logout"))

    # Next sign-in: the password alone is not enough.
    asked = client.post(
        reverse("account_login"), {"login": "staff@example.com", "password": PASSWORD, "next": "/dashboard/"}
    )
    assert asked["Location"] == reverse("mfa_authenticate")
    assert client.get("/dashboard/").status_code == 302  # not signed in yet
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    signed_in = client.post(reverse("mfa_authenticate"), {"code": totp(secret, time.time() + 30)})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_recovery_codes_are_offered_once_totp_is_on(client, staff):
    sign_in(client, "staff@example.com")
    enrol(client)
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200 and len(codes.context["unused_codes"]) >= 10


def test_a_shopper_is_never_asked_for_a_second_factor(client, staff):
    make_shopper("reader@example.com")
    sign_in(client, "reader@example.com")
    assert client.get(reverse("customer:profile-view")).status_code == 200
    refused = client.get("/dashboard/")
    assert refused.status_code in (302, 403)
    assert not refused.get("Location", "").startswith(reverse("mfa_activate_totp"))


def test_without_the_requirement_staff_go_straight_in(client, staff, settings):
    settings.ACCOUNTS_STAFF_MFA_REQUIRED = False
    sign_in(client, "staff@example.com")
    assert client.get("/dashboard/").status_code == 200
