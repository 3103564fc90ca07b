"""Subscribers and their consent, segments, newsletter pages, and the per-recipient delivery log.

A marketer writes a `NewsletterPage` under the `NewsletterIndexPage` (the public archive), picks
an audience (all confirmed subscribers, optionally narrowed by a `Segment` and a `Topic`) and
sends it from the admin (`newsletters.admin_views`). Sending snapshots the audience into one
`Delivery` row per subscriber; Celery workers (`newsletters.tasks`) move each row from pending to
sent, failed or skipped. `NewsletterSend` holds the state of that one send and the body rendered
once for every recipient.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from newsletters.blocks import NewsletterBodyBlock


@register_snippet
class Topic(models.Model):
    """A kind of newsletter subscribers can pick on their preferences page."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True, help_text="Shown next to the tick box.")

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)


class Subscriber(models.Model):
    """An email address on the list. Only `confirmed` addresses ever receive a newsletter."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(unique=True, help_text="Stored in lower case.")
    name = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscriptions",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="subscribers")
    # The confirmation link carries this nonce; confirming clears it, so a link works once.
    confirmation_nonce = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def consent_history(self):
        """Every consent event, newest first, one per line (for the admin's inspect view)."""
        return "\n".join(
            f"{consent.created_at:%Y-%m-%d %H:%M:%S} UTC · {consent.get_action_display()} · {consent.source}, "
            f"{consent.method}, IP {consent.ip_address or 'unknown'}"
            for consent in self.consents.all()
        )

    consent_history.short_description = "Consent history"


class Consent(models.Model):
    """Demonstrable consent: every request, confirmation and withdrawal, with when, how and where."""

    class Action(models.TextChoices):
        REQUESTED = "requested", "Asked to subscribe"
        CONFIRMED = "confirmed", "Confirmed by email link"
        WITHDRAWN = "withdrawn", "Unsubscribed"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    action = models.CharField(max_length=20, choices=Action.choices)
    source = models.CharField(max_length=40, help_text="Where: footer, home page, registration, preferences, email…")
    method = models.CharField(max_length=60, help_text="How: web form, confirmation link, one-click header…")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subscriber} {self.action} via {self.source} ({self.method})"


@register_snippet
class Segment(models.Model):
    """A named audience drawn from the shop's orders; see `newsletters.segments` for the rules."""

    class Rule(models.TextChoices):
        BOUGHT_FROM_CATEGORY = "bought_from_category", "Customers who bought from a category"
        LAPSED = "lapsed", "Customers with no order in the last N days"
        NEVER_ORDERED = "never_ordered", "Subscribers who never ordered"

    name = models.CharField(max_length=100, unique=True)
    rule = models.CharField(max_length=30, choices=Rule.choices)
    category = models.ForeignKey(
        "catalogue.CategoryPage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For “bought from a category”: books in this category and its subcategories count.",
    )
    days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="For “no order in the last N days”: N. Customers who never ordered are left out.",
    )

    panels = [FieldPanel("name"), FieldPanel("rule"), FieldPanel("category"), FieldPanel("days")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.rule == self.Rule.BOUGHT_FROM_CATEGORY and not self.category_id:
            raise ValidationError({"category": "Choose the category whose buyers this segment holds."})
        if self.rule == self.Rule.LAPSED and not self.days:
            raise ValidationError({"days": "Give the number of days without an order."})

    def subscribers(self):
        from newsletters.segments import subscribers_in_segment

        return subscribers_in_segment(self)


class NewsletterIndexPage(Page):
    """The public archive: lists the published newsletters, newest first."""

    introduction = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["newsletters.NewsletterPage"]
    max_count = 1
    template = "newsletters/newsletter_index_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["newsletters"] = NewsletterPage.objects.live().child_of(self).order_by("-first_published_at")
        return context


class NewsletterPage(Page):
    """One newsletter: composed of blocks, read on the web in the archive and sent by email.

    The editor has a second preview mode, “Email”, showing the mail as subscribers get it (use
    the preview's device widths for desktop and mobile). Sending lives on the admin page
    “Send newsletter” (a button in the page header and the Newsletters menu).
    """

    subject = models.CharField(
        max_length=150, blank=True, help_text="The email subject line. Defaults to the page title."
    )
    preheader = models.CharField(
        max_length=150, blank=True, help_text="The short teaser mail programs show after the subject."
    )
    body = StreamField(NewsletterBodyBlock(), blank=True)
    segment = models.ForeignKey(
        Segment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Leave empty to send to every confirmed subscriber.",
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="If set, only subscribers who picked this topic receive it.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("subject"),
        FieldPanel("preheader"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("segment"), FieldPanel("topic")], heading="Audience"),
    ]
    search_fields = Page.search_fields + [index.SearchField("subject")]
    parent_page_types = ["newsletters.NewsletterIndexPage"]
    subpage_types = []
    template = "newsletters/newsletter_page.html"
    preview_modes = [("", "Web page"), ("email", "Email")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["base_url"] = ""
        return context

    def serve_preview(self, request, mode_name):
        if mode_name == "email":
            from django.http import HttpResponse

            from newsletters.rendering import render_preview_email

            return HttpResponse(render_preview_email(self))
        return super().serve_preview(request, mode_name)

    @property
    def email_subject(self):
        return self.subject or self.title

    def audience(self):
        """The confirmed subscribers this newsletter goes to, as it stands right now."""
        subscribers = self.segment.subscribers() if self.segment_id else Subscriber.objects.confirmed()
        if self.topic_id:
            subscribers = subscribers.filter(topics=self.topic_id)
        return subscribers


class NewsletterSend(models.Model):
    """The one send of a newsletter: its schedule, its state, and the body rendered once."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        DONE = "done", "Finished"

    newsletter = models.OneToOneField(NewsletterPage, on_delete=models.CASCADE, related_name="send")
    state = models.CharField(max_length=20, choices=State.choices, default=State.SCHEDULED)
    scheduled_for = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=150, blank=True)
    # Rendered once when the audience is taken; personal parts are placeholders (see rendering.py).
    html_body = models.TextField(blank=True)
    text_body = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [("send_newsletter", "Can send newsletters to subscribers")]

    def __str__(self):
        return f"Send of {self.newsletter}"

    def progress(self):
        counts = dict(
            self.newsletter.deliveries.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        total = sum(counts.values())
        sent = counts.get(Delivery.Status.SENT, 0)
        failed = counts.get(Delivery.Status.FAILED, 0)
        skipped = counts.get(Delivery.Status.SKIPPED, 0)
        remaining = counts.get(Delivery.Status.PENDING, 0)
        done = total - remaining
        return {
            "total": total,
            "sent": sent,
            "failed": failed,
            "skipped": skipped,
            "remaining": remaining,
            "percent": round(100 * done / total) if total else 100,
        }


class Delivery(models.Model):
    """One newsletter to one subscriber: the delivery log, and the work queue of the send."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (unsubscribed before sending)"

    newsletter = models.ForeignKey(NewsletterPage, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # The database connection (PostgreSQL backend pid) of the worker that claimed this pending
    # row. A claim whose connection is gone belongs to a dead worker and is released.
    claimed_by = models.IntegerField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "subscriber"], name="one_delivery_per_newsletter_subscriber")
        ]
        indexes = [
            models.Index(
                fields=["newsletter", "next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="delivery_pending_queue",
            )
        ]

    def __str__(self):
        return f"{self.newsletter} → {self.subscriber}: {self.status}"

    def backoff(self):
        """Wait before the next try: 30 s, 1 min, 2 min… up to an hour (scaled by a setting for tests)."""
        base = settings.NEWSLETTER_RETRY_BASE_SECONDS
        return timedelta(seconds=min(base * 2 ** max(self.attempts - 1, 0), 3600))
