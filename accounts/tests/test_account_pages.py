"""Sign-up with a verified address, sign-in, sign-out by POST, password and email changes, and
the old Oscar URLs leading to allauth's pages. The mail goes through the outbox (eager Celery)."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.tests.helpers import PASSWORD, link_in, mails_to, sign_in, signed_in
from testing.factories import make_home, make_shopper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def home():
    return make_home()


def test_sign_up_needs_the_emailed_link_before_the_account_signs_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"), {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD}
        )
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert not signed_in(client)
    [verification] = mails_to(mailoutbox, "new@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        refused = sign_in(client, "new@example.com")
    assert refused["Location"] == reverse("account_email_verification_sent") and not signed_in(client)
    assert client.get(reverse("customer:summary")).status_code == 302  # no account pages, no checkout as it

    confirm = link_in(verification, "/accounts/confirm-email/")
    assert "Confirm" in client.get(confirm).content.decode()  # a GET (a mail scanner) confirms nothing
    assert not EmailAddress.objects.get(email="new@example.com").verified
    assert client.post(confirm).status_code == 302
    assert EmailAddress.objects.get(email="new@example.com").verified
    client.logout()
    assert sign_in(client, "new@example.com").status_code == 302 and signed_in(client)
    assert client.get(reverse("customer:profile-view")).status_code == 200


def test_a_second_sign_up_with_a_taken_address_makes_no_second_account(client, django_capture_on_commit_callbacks):
    make_shopper("taken@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"), {"email": "Taken@Example.com", "password1": PASSWORD, "password2": PASSWORD}
        )
    assert get_user_model().objects.filter(email__iexact="taken@example.com").count() == 1


def test_sign_out_by_get_does_nothing_and_by_post_signs_out(client):
    make_shopper("reader@example.com")
    sign_in(client, "reader@example.com")

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200 and signed_in(client)
    assert client.get("/accounts/logout/?next=/").status_code == 200 and signed_in(client)
    assert client.post(reverse("account_logout")).status_code == 302
    assert not signed_in(client)


def test_password_reset_by_mail_sets_a_new_password(client, mailoutbox, django_capture_on_commit_callbacks):
    make_shopper("reader@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("account_reset_password"), {"email": "reader@example.com"}).status_code == 302
    [reset] = mails_to(mailoutbox, "reader@example.com")

    form_url = client.get(link_in(reset, "/accounts/password/reset/key/"))["Location"]
    response = client.post(form_url, {"password1": "another-long-passphrase", "password2": "another-long-passphrase"})
    assert response.status_code == 302

    assert sign_in(client, "reader@example.com", PASSWORD).status_code == 200  # the old one is gone
    assert sign_in(client, "reader@example.com", "another-long-passphrase").status_code == 302


def test_password_change_needs_the_current_password(client):
    make_shopper("reader@example.com")
    sign_in(client, "reader@example.com")
    change = reverse("account_change_password")

    wrong = client.post(
        change, {"oldpassword": "not-it", "password1": "fresh-passphrase-1", "password2": "fresh-passphrase-1"}
    )
    assert wrong.status_code == 200 and "Please type your current password" in wrong.content.decode()
    right = client.post(
        change, {"oldpassword": PASSWORD, "password1": "fresh-passphrase-1", "password2": "fresh-passphrase-1"}
    )
    assert right.status_code == 302
    client.post(reverse("account_logout"))
    assert sign_in(client, "reader@example.com", "fresh-passphrase-1").status_code == 302


def test_a_new_email_address_is_used_only_once_verified(client, mailoutbox, django_capture_on_commit_callbacks):
    user = make_shopper("old@example.com")
    sign_in(client, "old@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.com"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "old@example.com"  # not yet: nobody proved they own the new one
    [verification] = mails_to(mailoutbox, "new@example.com")

    client.post(link_in(verification, "/accounts/confirm-email/"))
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == ["new@example.com"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/accounts/register/", "/accounts/signup/"),
        ("/accounts/change-password/", "/accounts/password/change/"),
        ("/password-reset/", "/accounts/password/reset/"),
        ("/admin/login/", "/accounts/login/?next=%2Fadmin%2F"),
        ("/dashboard/login/", "/accounts/login/?next=%2Fdashboard%2F"),
        ("/django-admin/login/?next=/django-admin/auth/", "/accounts/login/?next=%2Fdjango-admin%2Fauth%2F"),
        ("/admin/login/?next=https://evil.example/", "/accounts/login/?next=%2Fadmin%2F"),
    ],
)
def test_the_old_sign_in_and_account_urls_lead_to_the_one_sign_in(client, old, new):
    response = client.get(old)
    assert response.status_code == 302 and response["Location"] == new


def test_an_admin_ui_sends_an_anonymous_visitor_to_the_one_sign_in(client):
    for area in ("/admin/", "/dashboard/", "/django-admin/"):
        landing = client.get(area, follow=True)
        assert landing.redirect_chain[-1][0].startswith("/accounts/login/"), area
        assert 'name="login"' in landing.content.decode()


def test_a_signed_in_shopper_is_refused_by_the_admin_login_without_a_loop(client):
    make_shopper("reader@example.com")
    sign_in(client, "reader@example.com")
    assert client.get("/django-admin/login/?next=/django-admin/").status_code == 403


def test_only_the_sign_in_form_checks_passwords(client):
    """Oscar's checkout 'returning customer' box and other username forms cannot bypass it."""
    from django.contrib.auth import authenticate

    make_shopper("reader@example.com")
    assert authenticate(None, username="reader@example.com", password=PASSWORD) is None
