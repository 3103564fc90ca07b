"""Adverts and banners editors place on the home page, category pages and book pages.

An `Advert` is a snippet (Snippets → Adverts) with an image, a line of text, a link and an
optional schedule (`starts_at`, `ends_at`). It shows where its placement boxes are ticked,
optionally only on one shelf and below it. The pages are cached (docs/design.md §4), so:

- The adverts of a placement are rendered once into a fragment stored with the moment the
  schedule next changes (an advert starts or ends). A fragment past that moment is rendered again.
- The page's `s-maxage` is cut to the seconds until that moment (`request.edge_cache_ttl`), so
  neither nginx nor the shared page cache keep a page past an advert's end or before its start.
- Saving or deleting an advert bumps the adverts' version and the shared pages' version, and
  purges the pages that show it (catalogue/reactions.py: the home page, category pages, and the
  book pages of its shelf, at most `PURGE_LIMIT` of them; beyond that, book pages at nginx follow
  within their TTL).
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet

from edgecache.versions import FRAGMENT_SECONDS, current_versions

ADVERTS_VERSION = "adverts-version"
PLACEMENTS = {"home": "on_home", "category": "on_categories", "book": "on_books"}
PURGE_LIMIT = 500


@register_snippet
class Advert(models.Model):
    name = models.CharField(max_length=100, help_text="For the admin only.")
    text = models.CharField(max_length=200, help_text="One line shown next to the picture.")
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    link_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_url = models.URLField(blank=True, help_text="Or an address outside the shop.")
    link_text = models.CharField(max_length=60, default="Find out more")
    on_home = models.BooleanField("on the home page", default=False)
    on_categories = models.BooleanField("on category pages", default=False)
    on_books = models.BooleanField("on book pages", default=False)
    shelf = models.ForeignKey(
        "catalogue.CategoryPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Only on this shelf's category and book pages (and below it). Empty: everywhere.",
    )
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty: from now.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until it is deleted.")

    panels = [
        FieldPanel("name"),
        FieldPanel("text"),
        FieldPanel("image"),
        MultiFieldPanel([FieldPanel("link_page"), FieldPanel("link_url"), FieldPanel("link_text")], heading="Link"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("on_home"), FieldPanel("on_categories"), FieldPanel("on_books")]),
                FieldPanel("shelf"),
            ],
            heading="Where it shows",
        ),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="When it shows"),
    ]

    class Meta:
        ordering = ["-starts_at", "-pk"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})
        if not (self.on_home or self.on_categories or self.on_books):
            raise ValidationError("Tick at least one place where the advert shows.")

    @property
    def href(self):
        if self.link_page_id and self.link_page.live:
            return self.link_page.url
        return self.link_url


@dataclass(frozen=True)
class RenderedAdverts:
    html: str
    next_change: float | None  # epoch seconds when an advert of this placement starts or ends


def _render(placement, page, request, now):
    placed = Advert.objects.filter(**{PLACEMENTS[placement]: True})
    if placement != "home" and page is not None:
        placed = placed.filter(Q(shelf__isnull=True) | Q(shelf__path__in=_ancestor_paths(page)))
    placed = list(placed.select_related("image", "link_page"))
    showing = [
        advert
        for advert in placed
        if (advert.starts_at is None or advert.starts_at <= now) and (advert.ends_at is None or advert.ends_at > now)
    ]
    changes = [moment for advert in placed for moment in (advert.starts_at, advert.ends_at) if moment and moment > now]
    html = render_to_string("catalogue/adverts.html", {"adverts": showing}, request=request) if showing else ""
    return RenderedAdverts(html, min(changes).timestamp() if changes else None)


def _ancestor_paths(page):
    """The treebeard paths of `page` and its ancestors: a shelf advert shows at and below its shelf."""
    return [page.path[:end] for end in range(page.steplen, len(page.path) + 1, page.steplen)]


def adverts_html(placement, request, page=None):
    """The adverts for `placement` ("home", "category", "book") on `page`, from the cache, and the
    page's edge TTL cut to the next schedule change."""
    now = timezone.now()
    # A shelf advert makes category and book pages differ by shelf: key on the page's shelf path.
    where = page.path[: -page.steplen] if placement == "book" else (page.path if page is not None else "")
    (version,) = current_versions([ADVERTS_VERSION])
    key = f"adverts:{placement}:{where}:{version}"
    rendered = cache.get(key)
    if rendered is None or (rendered.next_change is not None and rendered.next_change <= now.timestamp()):
        rendered = _render(placement, page, request, now)
        cache.set(key, rendered, FRAGMENT_SECONDS)
    if rendered.next_change is not None and getattr(request, "edge_cache_ttl", None):
        request.edge_cache_ttl = max(1, min(request.edge_cache_ttl, int(rendered.next_change - now.timestamp())))
    return mark_safe(rendered.html)
