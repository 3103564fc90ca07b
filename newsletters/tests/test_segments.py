"""Segments pick the right people from a small, hand-built shop history (Oscar orders)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_order

from newsletters.models import Segment, Subscriber
from testing.factories import make_book, make_category, make_newsletter

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Default = get_class("partner.strategy", "Default")


def place_order(book, days_ago, user=None, guest_email=""):
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(book.product)
    order = create_order(basket=basket, user=user, guest_email=guest_email)
    order.date_placed = timezone.now() - timedelta(days=days_ago)
    order.save(update_fields=["date_placed"])
    return order


def subscribe(email, status=Subscriber.Status.CONFIRMED):
    return Subscriber.objects.create(email=email, status=status)


@pytest.fixture
def shop():
    """Fiction > Classics and Science, with buyers old and recent, registered and guest."""
    fiction = make_category(title="Fiction")
    classics = make_category(fiction, title="Classics")
    science = make_category(title="Science")
    emma = make_book(classics, title="Emma")
    origin = make_book(science, title="On the Origin of Species", author="Charles Darwin")
    alice = get_user_model().objects.create_user("alice", "alice@example.com", "x")
    place_order(emma, days_ago=10, user=alice)
    place_order(origin, days_ago=100, guest_email="Bob@Example.com")
    place_order(emma, days_ago=200, guest_email="dave@example.com")
    place_order(origin, days_ago=1, guest_email="frank@example.com")  # a customer, not a subscriber
    people = {
        "alice": subscribe("alice@example.com"),
        "bob": subscribe("bob@example.com"),
        "carol": subscribe("carol@example.com"),  # never ordered
        "dave": subscribe("dave@example.com", Subscriber.Status.UNSUBSCRIBED),
        "erin": subscribe("erin@example.com", Subscriber.Status.PENDING),
    }
    return {"fiction": fiction, "classics": classics, "science": science, **people}


def names(shop, subscribers):
    by_pk = {person.pk: name for name, person in shop.items() if isinstance(person, Subscriber)}
    return {by_pk[subscriber.pk] for subscriber in subscribers}


def test_bought_from_a_category_includes_its_subcategories(shop):
    fiction = Segment.objects.create(name="Fiction buyers", rule="bought_from_category", category=shop["fiction"])
    classics = Segment.objects.create(name="Classics buyers", rule="bought_from_category", category=shop["classics"])
    science = Segment.objects.create(name="Science buyers", rule="bought_from_category", category=shop["science"])

    assert names(shop, fiction.subscribers()) == {"alice"}  # dave bought Emma too, but left
    assert names(shop, classics.subscribers()) == {"alice"}
    assert names(shop, science.subscribers()) == {"bob"}  # a guest order, matched case-insensitively


def test_no_order_in_the_last_n_days(shop):
    lapsed_30 = Segment.objects.create(name="Lapsed 30", rule="lapsed", days=30)
    lapsed_5 = Segment.objects.create(name="Lapsed 5", rule="lapsed", days=5)
    lapsed_365 = Segment.objects.create(name="Lapsed a year", rule="lapsed", days=365)

    assert names(shop, lapsed_30.subscribers()) == {"bob"}
    assert names(shop, lapsed_5.subscribers()) == {"alice", "bob"}
    assert names(shop, lapsed_365.subscribers()) == set()


def test_subscribers_who_never_ordered(shop):
    never = Segment.objects.create(name="Never ordered", rule="never_ordered")

    assert names(shop, never.subscribers()) == {"carol"}


def test_newsletter_audience_uses_its_segment(shop):
    science = Segment.objects.create(name="Science buyers", rule="bought_from_category", category=shop["science"])

    assert names(shop, make_newsletter("Everyone").audience()) == {"alice", "bob", "carol"}
    assert names(shop, make_newsletter("Science news", segment=science).audience()) == {"bob"}


def test_segment_rules_need_their_parameters():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="category"):
        Segment(name="x", rule="bought_from_category").full_clean()
    with pytest.raises(ValidationError, match="days"):
        Segment(name="y", rule="lapsed").full_clean()
