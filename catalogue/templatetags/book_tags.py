import json
import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from oscar.templatetags.currency_filters import currency

from catalogue.adverts import adverts_html
from catalogue.book_reviews import stars

register = template.Library()

SCHEMA_FORMATS = {"hardback": "Hardcover", "paperback": "Paperback", "ebook": "EBook"}
# json.dumps does not escape these; inside <script> they could close the tag or open a comment.
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def absolute(request, url):
    return url if url.startswith("http") else f"{request.scheme}://{request.get_host()}{url}"


@register.simple_tag(takes_context=True)
def book_json_ld(context, book):
    """schema.org Book + Offer for search engines, as a JSON-LD script element."""
    request = context["request"]
    url = book.get_full_url(request)
    data = {
        "@context": "https://schema.org",
        "@type": "Book",
        "name": book.title,
        "url": url,
        "isbn": book.isbn,
        "author": [{"@type": "Person", "name": author.name} for author in book.authors],
        "bookFormat": f"https://schema.org/{SCHEMA_FORMATS[book.book_format]}",
        "inLanguage": book.language or None,
        "publisher": {"@type": "Organization", "name": book.publisher} if book.publisher else None,
        "datePublished": str(book.publication_year) if book.publication_year else None,
        "numberOfPages": book.page_count,
        "description": book.description or None,
        "image": absolute(request, book.cover.get_rendition("width-600").url) if book.cover else None,
    }
    if book.price is not None:
        if not book.is_purchasable:
            availability = "Discontinued"
        else:
            availability = "InStock" if book.in_stock else "OutOfStock"
        data["offers"] = {
            "@type": "Offer",
            "price": str(book.price),
            "priceCurrency": book.currency,
            "availability": f"https://schema.org/{availability}",
            "url": url,
        }
    payload = json.dumps({key: value for key, value in data.items() if value is not None}, ensure_ascii=False)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload.translate(SCRIPT_SAFE)))


@register.simple_tag(takes_context=True)
def adverts(context, placement):
    """The adverts editors placed here ("home", "category" or "book"), for the current page."""
    return adverts_html(placement, context["request"], context.get("page"))


@register.filter
def rating_stars(rating):
    """An average rating as five filled or empty stars (the number is written next to them)."""
    return stars(rating)


@register.filter
def card_for(book, request):
    """`book`'s BookCard, for includes/book_card.html: `card=book|card_for:request`."""
    return book.card(request or None)


@register.simple_tag(takes_context=True)
def recently_viewed_entry(context, book):
    """What js/recently-viewed.js keeps in localStorage about this book (a JSON attribute value)."""
    entry = {
        "id": book.pk,
        "title": book.title,
        "author": book.author_names,
        "url": book.get_url(context["request"]),
        "cover": book.cover.get_rendition("fill-120x180").url if book.cover else "",
        "price": currency(book.price, book.currency) if book.price is not None else "",
    }
    return json.dumps(entry, ensure_ascii=False)


@register.filter(needs_autoescape=True)
def highlight(text, query, autoescape=True):
    """`text`, HTML-escaped, with each word of the search `query` wrapped in <mark>."""
    escaped = conditional_escape(text) if autoescape else str(text)
    words = sorted({conditional_escape(word) for word in str(query).split() if len(word) > 1}, key=len, reverse=True)
    if not words:
        return mark_safe(escaped)
    pattern = re.compile("(" + "|".join(re.escape(word) for word in words) + ")", re.IGNORECASE)
    return mark_safe(pattern.sub(r"<mark>\1</mark>", escaped))
