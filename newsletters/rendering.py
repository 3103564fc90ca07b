"""Rendering a newsletter once, and composing each recipient's message from that rendering.

The body (HTML with CSS inlined by css-inline, plus a plain-text alternative) is rendered once
per send with placeholders for the personal parts; `PreparedNewsletter.message_for()` only
substitutes them and wraps the result in MIME, which keeps the cost per recipient tiny.
"""

import base64
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from html import escape

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from newsletters.tokens import manage_token, site_url

# Placeholders survive Django's autoescaping and css-inline untouched (letters and underscores).
UNSUBSCRIBE_URL = "__FOLIO_UNSUBSCRIBE_URL__"
PREFERENCES_URL = "__FOLIO_PREFERENCES_URL__"
GREETING = "__FOLIO_GREETING__"


def render_newsletter(page):
    """(html, text) with placeholders for the personal parts."""
    context = {
        "page": page,
        "base_url": settings.NEWSLETTER_SITE_URL.rstrip("/"),
        "web_url": page.full_url,
        "unsubscribe_url": UNSUBSCRIBE_URL,
        "preferences_url": PREFERENCES_URL,
        "greeting": GREETING,
    }
    html = render_to_string("newsletters/email/newsletter.html", context)
    text = render_to_string("newsletters/email/newsletter.txt", context)
    return css_inline.inline(html), text


class PersonalLinks:
    """Each subscriber's unsubscribe and preferences URLs, both carrying their signed token.

    URL reversing costs more than the rest of a message's composition, so it is done once.
    """

    TOKEN_SLOT = "TOKEN-SLOT"

    def __init__(self):
        self.unsubscribe = site_url(reverse("newsletters:unsubscribe", args=[self.TOKEN_SLOT]))
        self.preferences = site_url(reverse("newsletters:preferences", args=[self.TOKEN_SLOT]))

    def __call__(self, subscriber_id):
        token = manage_token(subscriber_id)
        return self.unsubscribe.replace(self.TOKEN_SLOT, token), self.preferences.replace(self.TOKEN_SLOT, token)


def personal_links(subscriber_id):
    return PersonalLinks()(subscriber_id)


def greeting(name):
    return f"Hello {name}," if name else "Hello,"


def personalise(body, *, unsubscribe_url, preferences_url, greeting_text, html):
    quote = escape if html else str
    return (
        body.replace(UNSUBSCRIBE_URL, quote(unsubscribe_url))
        .replace(PREFERENCES_URL, quote(preferences_url))
        .replace(GREETING, quote(greeting_text))
    )


def render_preview_email(page):
    """The email as a subscriber sees it, for the editor's “Email” preview mode."""
    html, _ = render_newsletter(page)
    return personalise(
        html,
        unsubscribe_url="#unsubscribe",
        preferences_url="#preferences",
        greeting_text=greeting("Reader"),
        html=True,
    )


def _header(value):
    """An unstructured header value, RFC 2047-encoded only when it is not plain ASCII."""
    return value if value.isascii() else Header(value, "utf-8").encode(linesep="\r\n")


def _address(value):
    name, address = parseaddr(value)
    return formataddr((_header(name), address)) if name else address


def _base64_lines(text):
    return base64.encodebytes(text.encode("utf-8")).replace(b"\n", b"\r\n")


class PreparedNewsletter:
    """What one send has in common for every recipient: sender, subject, bodies and MIME frame."""

    def __init__(self, send):
        self.newsletter_id = send.newsletter_id
        self.sender = parseaddr(settings.NEWSLETTER_FROM_EMAIL)[1]
        self.html = send.html_body
        self.text = send.text_body
        self.domain = self.sender.rpartition("@")[2] or "localhost"
        self.boundary = f"=_folio_newsletter_{send.newsletter_id}"
        self.personal_links = PersonalLinks()
        self.common_headers = (
            f"From: {_address(settings.NEWSLETTER_FROM_EMAIL)}\r\n"
            f"Subject: {_header(send.subject)}\r\n"
            f"List-Id: {_header(settings.NEWSLETTER_LIST_NAME)} <newsletter.{self.domain}>\r\n"
            "MIME-Version: 1.0\r\n"
            f'Content-Type: multipart/alternative; boundary="{self.boundary}"\r\n'
        ).encode()

    def message_id(self, subscriber_id):
        """Stable per newsletter and subscriber: a copy resent after a crash is the same message."""
        return f"<newsletter-{self.newsletter_id}.subscriber-{subscriber_id}@{self.domain}>"

    def message_for(self, subscriber_id, email, name):
        unsubscribe_url, preferences_url = self.personal_links(subscriber_id)
        personal = {
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": preferences_url,
            "greeting_text": greeting(name),
        }
        headers = (
            f"To: {email}\r\n"
            f"Date: {formatdate(usegmt=True)}\r\n"
            f"Message-ID: {self.message_id(subscriber_id)}\r\n"
            # RFC 8058: mail programs offer a one-click unsubscribe that POSTs to this URL.
            f"List-Unsubscribe: <{unsubscribe_url}>\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        ).encode()
        boundary = self.boundary.encode()
        return b"".join(
            [
                self.common_headers,
                headers,
                b"\r\n--",
                boundary,
                b"\r\n",
                b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n',
                _base64_lines(personalise(self.text, html=False, **personal)),
                b"--",
                boundary,
                b"\r\n",
                b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n',
                _base64_lines(personalise(self.html, html=True, **personal)),
                b"--",
                boundary,
                b"--\r\n",
            ]
        )
