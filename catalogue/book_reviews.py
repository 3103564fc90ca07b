"""Readers' reviews of a book, written from its page and shown there once staff approve them.

The book page is cached and shared (docs/design.md §4), so it shows only what every visitor may
see: the average rating and the approved reviews, with the reviewer's first name and initial and
a "Verified buyer" badge when their account has ordered the book. Writing a review happens on a
separate page under `/reviews/` (a private path, `catalogue.views.write_review`), for signed-in
shoppers only. Oscar's review
model keeps the data and the moderation state (`OSCAR_MODERATE_REVIEWS`): staff approve or reject
in the dashboard (Catalogue → Reviews), and the approval bumps the book's version and purges its
page (catalogue/reactions.py).
"""

from dataclasses import dataclass

from django import forms
from django.db.models import Count, Exists, OuterRef, Window
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from oscar.core.loading import get_model

from catalogue.fragments import reviews_fragment

ProductReview = get_model("reviews", "ProductReview")
OrderLine = get_model("order", "Line")

REVIEWS_SHOWN = 10
BODY_MAX_LENGTH = 5000


def stars(score):
    """A score out of five as filled and empty stars (the number is always written next to it)."""
    filled = round(score)
    return "★" * filled + "☆" * (5 - filled)


def public_name(user):
    """What a review shows of its author: first name and initial, never the email or username."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if first:
        return f"{first} {last[0]}." if last else first
    return "A reader"


@dataclass(frozen=True)
class ShownReview:
    title: str
    body: str
    score: int
    stars: str
    author: str
    date: object
    verified_buyer: bool


def approved_reviews(product_id):
    """The latest approved reviews and how many there are, in one query."""
    bought = OrderLine.objects.filter(product_id=product_id, order__user_id=OuterRef("user_id"))
    rows = list(
        ProductReview.objects.approved()
        .filter(product_id=product_id)
        .select_related("user")
        .annotate(verified_buyer=Exists(bought), approved_count=Window(Count("id")))
        .order_by("-date_created", "-id")[:REVIEWS_SHOWN]
    )
    reviews = [
        ShownReview(
            title=row.title,
            body=row.body,
            score=row.score,
            stars=stars(row.score),
            author=public_name(row.user) if row.user else (row.name or "A reader"),
            date=row.date_created,
            verified_buyer=row.verified_buyer,
        )
        for row in rows
    ]
    return reviews, (rows[0].approved_count if rows else 0)


def reviews_html(book, request):
    """The reviews section of a book page, cached until the book's version changes."""

    def render_section():
        reviews, count = approved_reviews(book.product_id)
        rating = book.product.rating if count else None
        context = {
            "book": book,
            "reviews": reviews,
            "review_count": count,
            "rating": rating,
            "rating_stars": stars(rating) if rating is not None else "",
        }
        return render_to_string("catalogue/book_reviews.html", context, request=request)

    if book.product_id is None:
        return ""
    return mark_safe(reviews_fragment(book.pk, render_section))


class ReviewForm(forms.ModelForm):
    score = forms.TypedChoiceField(
        label="Your rating",
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 to 5 stars."},
    )
    title = forms.CharField(label="Headline", max_length=120, widget=forms.TextInput(attrs={"class": "form-control"}))
    body = forms.CharField(
        label="Your review",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control"}),
    )

    class Meta:
        model = ProductReview
        fields = ["score", "title", "body"]
