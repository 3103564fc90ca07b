"""A few confirmed newsletter subscribers for the demo shop, so the marketer's audience, segments
and send screens show something. Called by `load_demo_data`; running it again changes nothing."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from newsletters.models import Consent, Subscriber

DEMO_SUBSCRIBERS = [
    ("customer@folio-books.example", "Customer Demo"),
    ("ines.reader@folio-books.example", "Inès Moreau"),
    ("tom.pages@folio-books.example", "Tom Okafor"),
    ("maya.books@folio-books.example", "Maya Lindqvist"),
    ("li.wen@folio-books.example", "Li Wen"),
]


class Command(BaseCommand):
    help = "Add a few confirmed demo newsletter subscribers (idempotent)."

    def handle(self, **options):
        created = 0
        for email, name in DEMO_SUBSCRIBERS:
            subscriber, is_new = Subscriber.objects.get_or_create(
                email=email,
                defaults={"name": name, "status": Subscriber.Status.CONFIRMED, "confirmed_at": timezone.now()},
            )
            if is_new:
                Consent.objects.create(
                    subscriber=subscriber, action=Consent.Action.CONFIRMED, source="demo data", method="demo data"
                )
                created += 1
        self.stdout.write(f"Demo subscribers: {created} created.")
