"""What a shopper's browser does against the stack, over real HTTP: fetch a CSRF token the way
csrf.js does, add a book to the basket, sign in."""

import requests
from django.conf import settings
from django.test import Client


def fetch_csrf_token(edge, session):
    response = edge.get("/_/csrf/", session=session)
    response.raise_for_status()
    return response.json()["token"]


def add_to_basket(edge, session, book, quantity=1, token=None):
    """POST the add-to-basket form of a cached page, with the token csrf.js would fill in."""
    token = token or fetch_csrf_token(edge, session)
    return session.post(
        edge.url(f"/basket/add/{book.product_id}/"),
        data={"csrfmiddlewaretoken": token, "quantity": quantity},
        headers={"Referer": edge.url(book.url)},
        allow_redirects=False,
        timeout=30,
    )


def signed_in_session(user):
    """A requests session carrying a real session cookie for `user` (stored where gunicorn reads)."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return session
