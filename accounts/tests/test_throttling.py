"""Wrong-password lockout on the one sign-in (shop and admin UIs alike), reset and newsletter
rate limits per address, and the visitor's address behind nginx (TRUSTED_PROXIES)."""

import time

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.network import client_ip
from accounts.tests.helpers import PASSWORD, mails_to, sign_in, signed_in
from newsletters.models import Consent
from testing.factories import make_home, make_shopper

pytestmark = pytest.mark.django_db
LOCKED = "Too many failed login attempts"
NGINX = {"REMOTE_ADDR": "127.0.0.1"}  # what gunicorn sees: nginx on this host


@pytest.fixture(autouse=True)
def home():
    return make_home()


def behind_nginx(visitor):
    return {**NGINX, "HTTP_X_FORWARDED_FOR": visitor, "HTTP_X_REAL_IP": visitor}


def test_30_wrong_passwords_lock_the_address_and_refuse_the_right_one_until_the_lockout_ends(client, settings):
    """Through the dashboard's sign-in link, as a member of staff would come."""
    # Only the per-address lockout in play, shortened to 4 s so the test sees it end.
    rates = {"login": "100/m/ip", "login_failed": "100/m/ip,5/4s/key"}
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **rates}
    make_shopper("staff@example.com", is_staff=True)
    login_url = client.get(reverse("dashboard:login"))["Location"]

    answers = [client.post(login_url, {"login": "staff@example.com", "password": f"guess-{n}"}) for n in range(30)]
    assert {answer.status_code for answer in answers} == {200}
    assert LOCKED not in answers[4].content.decode() and LOCKED in answers[5].content.decode()
    assert all(LOCKED in answer.content.decode() for answer in answers[5:])

    refused = client.post(login_url, {"login": "staff@example.com", "password": PASSWORD})
    assert refused.status_code == 200 and LOCKED in refused.content.decode() and not signed_in(client)

    time.sleep(4.5)  # the lockout ends
    accepted = client.post(login_url, {"login": "staff@example.com", "password": PASSWORD})
    assert accepted.status_code == 302 and accepted["Location"] == "/dashboard/" and signed_in(client)


def test_failures_from_one_visitor_behind_nginx_do_not_lock_out_another(client, settings):
    """Keyed on the visitor's address that nginx forwards, not on nginx's own."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "10/m/ip,100/m/key"}
    make_shopper("reader@example.com")
    for n in range(10):
        sign_in(client, f"someone-{n}@example.com", "guess", **behind_nginx("198.51.100.7"))

    attacker = sign_in(client, "reader@example.com", PASSWORD, **behind_nginx("198.51.100.7"))
    assert attacker.status_code == 200 and LOCKED in attacker.content.decode()
    visitor = sign_in(client, "reader@example.com", PASSWORD, **behind_nginx("203.0.113.20"))
    assert visitor.status_code == 302


def test_a_forged_forwarded_header_from_outside_changes_nothing(client, settings):
    """X-Forwarded-For from a client that is not our proxy is ignored: no escaping the limit."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "10/m/ip,100/m/key"}
    make_shopper("reader@example.com")
    for n in range(10):
        sign_in(
            client, f"someone-{n}@example.com", "guess", REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )

    forged = sign_in(client, "reader@example.com", PASSWORD, REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert LOCKED in forged.content.decode()


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}, "198.51.100.7"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "2001:db8::1"}, "2001:db8::1"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 127.0.0.1"}, "198.51.100.7"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.1.1.1, 198.51.100.7"}, "198.51.100.7"),
        ({"REMOTE_ADDR": "192.0.2.50", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}, "192.0.2.50"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-address\x00"}, "127.0.0.1"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "9" * 100_000}, "127.0.0.1"),
        ({"REMOTE_ADDR": "127.0.0.1"}, "127.0.0.1"),
    ],
)
def test_client_ip_believes_only_the_trusted_proxy(meta, expected):
    request = RequestFactory().get("/", **meta)
    assert client_ip(request) == expected


def test_the_newsletter_consent_records_the_visitor_not_nginx(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("newsletters:subscribe"),
            {"email": "keen@example.com", "source": "footer"},
            **behind_nginx("198.51.100.7"),
        )
    assert Consent.objects.get().ip_address == "198.51.100.7"


def test_ten_subscribe_requests_mail_one_address_three_times(client, mailoutbox, django_capture_on_commit_callbacks):
    answers = []
    for _ in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(
                client.post(reverse("newsletters:subscribe"), {"email": "victim@example.com", "source": "footer"})
            )
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {(302, "/newsletters/subscribe/sent/")}
    assert len(mails_to(mailoutbox, "victim@example.com")) == 3


def test_eleven_password_resets_mail_one_address_three_times(client, mailoutbox, django_capture_on_commit_callbacks):
    make_shopper("reader@example.com")
    for _ in range(11):
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(reverse("account_reset_password"), {"email": "reader@example.com"})
        assert answer.status_code in (200, 302, 429)
    assert len(mails_to(mailoutbox, "reader@example.com")) == 3
