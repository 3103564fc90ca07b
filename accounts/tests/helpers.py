"""Steps the accounts tests share: signing in through allauth's form, reading account mail."""

import re

from django.urls import reverse

PASSWORD = "a-long-enough-passphrase"


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def signed_in(client):
    return client.get(reverse("personal-header")).json()["authenticated"]


def mails_to(mailoutbox, address):
    return [message for message in mailoutbox if address in message.to]


def link_in(message, path_fragment):
    match = re.search(r"https?://\S*" + re.escape(path_fragment) + r"\S*", message.body)
    assert match, f"no {path_fragment} link in: {message.body}"
    return re.sub(r"^https?://[^/]+", "", match.group(0))
