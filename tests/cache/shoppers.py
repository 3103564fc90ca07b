"""What a shopper's browser does against the stack, over real HTTP: fetch a CSRF token the way
csrf.js does, add a book to the basket, sign in."""

from html.parser import HTMLParser

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


class FormFields(HTMLParser):
    """The fields a browser would submit for the form with `form_id` (or the first POST form)."""

    def __init__(self, form_id=None):
        super().__init__()
        self.form_id, self.inside, self.fields, self._select, self._textarea = form_id, False, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            wanted = attrs.get("id") == self.form_id if self.form_id else attrs.get("method", "").lower() == "post"
            self.inside = self.inside or (wanted and not self.fields)
        elif not self.inside or "name" not in attrs and tag != "option":
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs or kind in ("submit", "button", "file"):
                return
            self.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self._select = [attrs["name"], None]
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in attrs:
                self._select[1] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select[0], self._select[1] or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None


def form_fields(html, form_id=None, **changes):
    """[(name, value)] as the browser would post them, with `changes` applied by field name."""
    parser = FormFields(form_id)
    parser.feed(html)
    return [(name, changes.get(name.replace("-", "_"), value)) for name, value in parser.fields]
