"""The smallest shop worlds tests and benchmarks need: a home page, categories, published books,
a newsletter archive, newsletters and confirmed subscribers."""

from decimal import Decimal
from itertools import count

from django.conf import settings
from django.utils import timezone
from oscar.core.loading import get_model
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from catalogue.covers import create_cover_image
from catalogue.pages import Author, BookAuthor, BookPage, CategoryPage
from catalogue.stock import shop_partner
from home.models import HomePage
from newsletters.models import NewsletterIndexPage, NewsletterPage, NewsletterSend, Subscriber

StockRecord = get_model("partner", "StockRecord")
_isbn_sequence = count(1)


def next_isbn():
    """A fresh, checksum-valid ISBN-13 in the 979-8 range (unused by the demo fixtures)."""
    body = f"97985{next(_isbn_sequence):07d}"
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(body))
    return body + str((10 - total % 10) % 10)


def root_page():
    """Wagtail's tree roots (pages, image collections), made by migrations, but gone after a
    transactional test's flush."""
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        locale = Locale.objects.first() or Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


def make_home():
    home = HomePage.objects.first()
    if home is None:
        home = root_page().add_child(instance=HomePage(title="Folio Books", slug="folio-books"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
        )
    return home


def make_category(parent=None, title="Classics", slug=None):
    parent = parent or make_home()
    page = parent.add_child(instance=CategoryPage(title=title, slug=slug or title.lower().replace(" ", "-")))
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_book(
    category, title="Pride and Prejudice", author="Jane Austen", price="8.99", stock=5, cover=False, **fields
):
    isbn = fields.pop("isbn", None) or next_isbn()
    author_obj, _ = Author.objects.get_or_create(slug=author.lower().replace(" ", "-"), defaults={"name": author})
    page = BookPage(
        title=title,
        slug=fields.pop("slug", None) or f"{title.lower().replace(' ', '-')}-{isbn[-4:]}",
        isbn=isbn,
        cover=create_cover_image(title, author, isbn) if cover else None,
        **fields,
    )
    page.book_authors = [BookAuthor(author=author_obj)]
    category.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    if price is not None:
        StockRecord.objects.create(
            product=page.product,
            partner=shop_partner(),
            partner_sku=isbn,
            price=Decimal(price),
            price_currency=settings.OSCAR_DEFAULT_CURRENCY,
            num_in_stock=stock,
        )
    return BookPage.objects.get(pk=page.pk)


def make_archive():
    archive = NewsletterIndexPage.objects.first()
    if archive is None:
        archive = make_home().add_child(
            instance=NewsletterIndexPage(title="Newsletter archive", slug="newsletter-archive")
        )
        archive.save_revision().publish()
    return archive


def make_newsletter(title="Spring books", body=None, **fields):
    page = NewsletterPage(title=title, slug=title.lower().replace(" ", "-"), body=body or [], **fields)
    make_archive().add_child(instance=page)
    page.save_revision().publish()
    return NewsletterPage.objects.get(pk=page.pk)


def make_subscribers(count, prefix="reader", status=Subscriber.Status.CONFIRMED):
    Subscriber.objects.bulk_create(
        [
            Subscriber(email=f"{prefix}{number}@example.com", status=status, confirmed_at=timezone.now())
            for number in range(count)
        ]
    )
    return list(Subscriber.objects.filter(email__startswith=prefix).order_by("pk"))


def schedule_send(newsletter, when=None):
    return NewsletterSend.objects.create(newsletter=newsletter, scheduled_for=when or timezone.now())


def make_shopper(email="reader@example.com", password="a-long-enough-passphrase", **fields):
    """A user who can sign in: allauth lets only a verified address in (docs/accounts.md)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    username = fields.pop("username", email.split("@")[0])
    user = get_user_model().objects.create_user(username, email, password, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user
