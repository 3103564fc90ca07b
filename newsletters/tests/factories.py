"""Small newsletter worlds: the archive page, a newsletter, confirmed subscribers."""

from django.utils import timezone

from catalogue.tests.factories import make_home
from newsletters.models import NewsletterIndexPage, NewsletterPage, NewsletterSend, Subscriber


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
