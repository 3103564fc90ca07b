"""Every cookie says SameSite, and every page (stored shared pages too) a Permissions-Policy."""

import re

import pytest
from django.urls import reverse

from checkout.tests.steps import add_to_basket
from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db


def test_the_basket_cookie_and_the_session_cookie_say_samesite(client, settings):
    book = make_book(make_category(), title="Persuasion", price="8.00", stock=3)
    add_to_basket(client, book)
    basket_cookie = client.cookies[settings.OSCAR_BASKET_COOKIE_OPEN]
    assert basket_cookie["samesite"] == "Lax"
    client.get(reverse("account_login"))
    assert all(morsel["samesite"] for morsel in client.cookies.values()), client.cookies.output()


def test_pages_carry_a_permissions_policy(client):
    book = make_book(make_category(), title="Emma", price="8.00", stock=3)
    for url in ("/", book.url, book.url, reverse("basket:summary"), reverse("account_login")):
        response = client.get(url)
        assert "camera=()" in response["Permissions-Policy"], url


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.IGNORECASE)


def test_shop_pages_carry_a_csp_without_inline_scripts_or_nonces(client):
    book = make_book(make_category(), title="Emma", price="8.00", stock=3)
    add_to_basket(client, book)
    for url in ("/", book.url, reverse("basket:summary"), reverse("account_login"), reverse("account_signup")):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert script_src.strip() == "'self'", url  # no 'unsafe-inline', no nonce
        assert "frame-ancestors 'none'" in policy
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"{url}: {INLINE_SCRIPT.search(html).group(0)}"
        assert "nonce" not in html, url


def test_the_same_policy_on_every_anonymous_response_so_shared_pages_can_carry_it(client):
    book = make_book(make_category(), title="Emma", price="8.00", stock=3)
    policies = {client.get(url)["Content-Security-Policy"] for url in ("/", book.url, book.url)}
    assert len(policies) == 1
