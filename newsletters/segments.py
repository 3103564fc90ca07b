"""Audiences drawn from the shop's orders (Oscar's Order and Line models).

A subscriber and a customer are the same person when their email addresses match, whether the
order was placed by a registered customer (`Order.user.email`) or as a guest (`guest_email`).
Every rule returns confirmed subscribers only.
"""

from datetime import timedelta

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from oscar.core.loading import get_model

from newsletters.models import Segment, Subscriber

Order = get_model("order", "Order")


def buyer_emails(orders):
    """The lower-cased email address of each order's buyer, as a subquery.

    Orders without any address are left out: a NULL in a `NOT IN` subquery would match nothing.
    """
    return (
        orders.annotate(
            buyer_email=Lower(Coalesce(NullIf(F("user__email"), Value("")), NullIf(F("guest_email"), Value(""))))
        )
        .filter(buyer_email__isnull=False)
        .values("buyer_email")
    )


def subscribers_in_segment(segment):
    subscribers = Subscriber.objects.confirmed()
    if segment.rule == Segment.Rule.BOUGHT_FROM_CATEGORY:
        # A book belongs to a category when its page lies anywhere below the category's page.
        orders = Order.objects.filter(lines__product__book_page__path__startswith=segment.category.path)
        return subscribers.filter(email__in=buyer_emails(orders))
    if segment.rule == Segment.Rule.LAPSED:
        recent = Order.objects.filter(date_placed__gte=timezone.now() - timedelta(days=segment.days))
        return subscribers.filter(email__in=buyer_emails(Order.objects.all())).exclude(email__in=buyer_emails(recent))
    if segment.rule == Segment.Rule.NEVER_ORDERED:
        return subscribers.exclude(email__in=buyer_emails(Order.objects.all()))
    raise ValueError(f"unknown segment rule {segment.rule!r}")
