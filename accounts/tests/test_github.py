"""Sign-in with GitHub against the loopback fake (testing/github.py), through allauth's GitHub
provider pointed at it with the GitHub Enterprise base URL (GITHUB_URL)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.tests.helpers import PASSWORD, sign_in, signed_in
from testing.factories import make_home, make_shopper
from testing.github import GitHubUser, sign_in_with_github

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def home():
    return make_home()


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_a_new_visitor_signs_up_with_a_verified_github_address(client, fake_github):
    fake_github.user = GitHubUser("ada", "ada@example.com", verified=True, name="Ada Lovelace")

    answer = sign_in_with_github(client, fake_github)

    assert answer.status_code == 302 and signed_in(client)
    user = get_user_model().objects.get(email="ada@example.com")
    assert SocialAccount.objects.get(user=user).uid == str(fake_github.user.id)
    assert EmailAddress.objects.get(user=user).verified  # GitHub verified it: no mail needed


def test_github_links_to_the_verified_account_with_the_same_address(client, fake_github):
    existing = make_shopper("reader@example.com")
    fake_github.user = GitHubUser("reader-gh", "reader@example.com", verified=True)

    assert sign_in_with_github(client, fake_github).status_code == 302

    assert signed_in_as(client) == str(existing.pk)
    assert get_user_model().objects.filter(email__iexact="reader@example.com").count() == 1
    assert SocialAccount.objects.get().user == existing
    client.post("/accounts/logout/")
    assert sign_in(client, "reader@example.com", PASSWORD).status_code == 302  # the password still works
    client.post("/accounts/logout/")
    assert sign_in_with_github(client, fake_github).status_code == 302 and signed_in(client)  # and GitHub, again
    assert SocialAccount.objects.count() == 1


def test_an_unverified_github_address_never_links_to_an_account(client, fake_github):
    existing = make_shopper("reader@example.com")
    fake_github.user = GitHubUser("impostor", "reader@example.com", verified=False)

    sign_in_with_github(client, fake_github)

    assert not SocialAccount.objects.filter(user=existing).exists()
    assert signed_in_as(client) != str(existing.pk)
    existing.refresh_from_db()
    assert existing.has_usable_password()


def test_a_github_address_links_only_to_an_account_verified_here(client, fake_github):
    """Someone who registered the address here first but never proved it does not get the
    GitHub user's account, nor the other way round."""
    unproven = get_user_model().objects.create_user("squatter", "reader@example.com", PASSWORD)
    EmailAddress.objects.create(user=unproven, email="reader@example.com", verified=False, primary=True)
    fake_github.user = GitHubUser("reader-gh", "reader@example.com", verified=True)

    sign_in_with_github(client, fake_github)

    assert not SocialAccount.objects.filter(user=unproven).exists()
    assert signed_in_as(client) != str(unproven.pk)


def test_denied_consent_signs_nobody_in(client, fake_github):
    fake_github.consent = False

    answer = sign_in_with_github(client, fake_github)

    assert answer.status_code == 302 and answer["Location"] == reverse("socialaccount_login_cancelled")
    assert not signed_in(client)
    assert not SocialAccount.objects.exists() and not get_user_model().objects.exists()


def test_a_wrong_state_is_refused(client, fake_github):
    fake_github.tamper_state = True

    answer = sign_in_with_github(client, fake_github)

    assert answer.status_code == 401 and "Third-Party Login Failure" in answer.content.decode()
    assert not signed_in(client) and not get_user_model().objects.exists()
