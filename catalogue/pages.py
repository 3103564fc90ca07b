"""Books and categories as Wagtail pages, backed by Oscar's catalogue (docs/design.md §2).

Editors work on `CategoryPage` and `BookPage` in the Wagtail admin. Each page owns its words and
pictures; Oscar owns what commerce needs. Publishing a page mirrors it into Oscar (see
`catalogue.sync`): a BookPage becomes a public Oscar `Product` whose UPC is the ISBN-13, and a
CategoryPage becomes an Oscar `Category`, so offers, ranges and the dashboard keep working.
Price and stock live in the Oscar `StockRecord`; the BookPage editor reads and writes it
through its "Price and stock" panel (`catalogue.editor_forms`).
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import F, Prefetch, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from modelcluster.fields import ParentalKey
from oscar.templatetags.currency_filters import currency as format_price
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from catalogue.blocks import BookBodyBlock
from catalogue.book_reviews import reviews_html
from catalogue.editor_forms import BookPageForm
from catalogue.fragments import related_books_fragment, shelf_fragment
from catalogue.isbn import normalise_isbn


@register_snippet
class Author(index.Indexed, models.Model):
    """A person who wrote books; a snippet so one author serves many BookPages."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    bio = RichTextField(blank=True)
    photo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("bio"), FieldPanel("photo")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class MirroredInOscar:
    """A page whose Oscar twin is linked by `oscar_link_field`, a link that only catalogue.sync sets.

    Revisions store every field, so publishing an old revision would otherwise restore an old
    (or empty) link and detach the page from its Oscar category or product and stock record.
    """

    oscar_link_field = None

    def with_content_json(self, content):
        page = super().with_content_json(content)
        setattr(page, self.oscar_link_field, getattr(self, self.oscar_link_field))
        return page


class CategoryPage(MirroredInOscar, Page):
    """A shelf of the shop: lists the live books below it, including those of subcategories."""

    introduction = models.TextField(blank=True, help_text="One or two sentences shown above the books.")
    oscar_category = models.OneToOneField(
        "catalogue.Category",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="category_page",
        help_text="The Oscar category this page mirrors (kept in sync on publish).",
    )

    oscar_link_field = "oscar_category_id"

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    search_fields = Page.search_fields + [index.SearchField("introduction")]

    parent_page_types = ["home.HomePage", "catalogue.CategoryPage"]
    subpage_types = ["catalogue.CategoryPage", "catalogue.BookPage"]
    template = "catalogue/category_page.html"

    class Meta:
        verbose_name = "category"

    BOOKS_PER_PAGE = 24
    SORTS = {
        "newest": ("Newest", ["-first_published_at", "-id"]),
        "title": ("Title A–Z", ["title", "id"]),
        "price-asc": ("Price: low to high", [F("bookpage__product__stockrecords__price").asc(nulls_last=True), "id"]),
        "price-desc": ("Price: high to low", [F("bookpage__product__stockrecords__price").desc(nulls_last=True), "id"]),
    }

    def book_ids(self, sort="newest", in_stock_only=False):
        """Ids of the live books on this shelf and every shelf below it, in `sort` order.

        Counted and sliced on wagtailcore_page alone (joined to the stock record only to sort by
        price or keep what is in stock): joining every book's full row first costs several times
        more on a shelf of 10,000 books. The cards are then loaded for one page of ids."""
        books = Page.objects.live().descendant_of(self).filter(content_type=ContentType.objects.get_for_model(BookPage))
        if in_stock_only:
            books = books.filter(
                bookpage__product__stockrecords__num_in_stock__gt=Coalesce(
                    F("bookpage__product__stockrecords__num_allocated"), 0
                )
            )
        return books.order_by(*self.SORTS[sort][1]).values_list("pk", flat=True)

    def newest_books(self, count):
        """The `count` latest live books on this shelf and below, ready for cards (home, newsletters)."""
        newest = BookPage.objects.live().descendant_of(self).order_by(*self.SORTS["newest"][1])
        return list(newest.for_listing()[:count])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sort = request.GET.get("sort")
        sort = sort if sort in self.SORTS else "newest"
        in_stock_only = request.GET.get("in_stock") == "1"
        try:
            page_number = max(int(request.GET.get("page", 1)), 1)
        except ValueError:
            page_number = 1
        context.update(
            subcategories=CategoryPage.objects.child_of(self).live().order_by("path"),
            shelf=self.shelf_html(request, sort, in_stock_only, page_number),
            sort=sort,
            sort_choices=[(key, label) for key, (label, _) in self.SORTS.items()],
            in_stock_only=in_stock_only,
        )
        return context

    def shelf_html(self, request, sort, in_stock_only, page_number):
        """The books part of the page (count, cards, page links), cached until the catalogue
        changes (catalogue.fragments): counting and sorting a big shelf is most of the page's cost."""

        def render():
            books = Paginator(self.book_ids(sort, in_stock_only), self.BOOKS_PER_PAGE).get_page(page_number)
            books.object_list = BookPage.objects.cards(list(books.object_list))
            # Page links carry only the shop's own parameters, whoever filled the cache.
            query = QueryDict(mutable=True)
            query.update({"sort": sort, **({"in_stock": "1"} if in_stock_only else {})})
            context = {"books": books, "sort": sort, "in_stock_only": in_stock_only, "page_query": query}
            return render_to_string("catalogue/shelf_books.html", context, request=request)

        return mark_safe(shelf_fragment((self.pk, sort, in_stock_only, page_number), render))


def book_card_prefetches():
    """What a book card shows beyond the book row: renditions, the stock record, the authors."""
    return (
        "cover__renditions",
        "product__stockrecords",
        Prefetch("book_authors", queryset=BookAuthor.objects.select_related("author").order_by("sort_order")),
    )


@dataclass(frozen=True)
class BookCard:
    """What a book card shows, as plain values. Search results keep them in the cache per book
    version (`catalogue.search.book_cards`), so a search for a new query renders its cards
    without loading books, renditions, stock records and authors."""

    url: str
    title: str
    author_names: str
    cover_html: SafeString  # the <img> tag, or "" without a cover
    price_text: str  # formatted once: Babel's currency formatting is a third of a card's cost
    in_stock: bool
    description: str

    COVER_FILTER = "fill-240x360"
    DESCRIPTION_WORDS = 40


class BookPageQuerySet(PageQuerySet):
    def for_listing(self):
        """Everything a book card shows, in a fixed number of queries whatever the page size:
        the books (with cover and product), then renditions, stock records and authors."""
        return self.select_related("cover", "product").prefetch_related(*book_card_prefetches())

    def cards(self, ids):
        """The live books among `ids`, in that order, ready for book cards."""
        books = self.live().filter(pk__in=ids).for_listing().in_bulk()
        return [books[pk] for pk in ids if pk in books]


class BookPage(MirroredInOscar, Page):
    """One book. Its URL is the only public URL of the book; Oscar's product URL redirects here.

    The editor fills in the book's facts and body. On publish, `catalogue.sync` mirrors title and
    ISBN into the Oscar Product, which carries the StockRecord (price and stock).
    """

    FORMAT_CHOICES = [("hardback", "Hardback"), ("paperback", "Paperback"), ("ebook", "E-book")]

    subtitle = models.CharField(max_length=255, blank=True)
    isbn = models.CharField(
        "ISBN",
        max_length=13,
        unique=True,
        # Required in the editor; empty (NULL) only on a fresh copy, which needs its own ISBN.
        null=True,
        help_text="ISBN-13, or ISBN-10 which is converted to ISBN-13 on save.",
    )
    description = models.TextField(
        blank=True, help_text="A short description for listings, search results and search engines."
    )
    publisher = models.CharField(max_length=200, blank=True)
    publication_year = models.PositiveSmallIntegerField(null=True, blank=True)
    book_format = models.CharField("format", max_length=20, choices=FORMAT_CHOICES, default="paperback")
    page_count = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(max_length=50, blank=True, default="English")
    cover = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = StreamField(BookBodyBlock(), blank=True, help_text="Review, excerpt, quotes, images, video.")
    product = models.OneToOneField(
        "catalogue.Product",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="book_page",
        help_text="The Oscar product this page sells (created on first publish).",
    )

    oscar_link_field = "product_id"
    # "Copy page" makes a new book: it gets its own ISBN, and its own Product on first publish.
    exclude_fields_in_copy = ["isbn", "product"]

    content_panels = Page.content_panels + [
        FieldPanel("subtitle"),
        InlinePanel("book_authors", label="Authors", min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("isbn"),
                FieldPanel("publisher"),
                FieldPanel("publication_year"),
                FieldPanel("book_format"),
                FieldPanel("page_count"),
                FieldPanel("language"),
            ],
            heading="Bibliographic details",
        ),
        MultiFieldPanel(
            [FieldPanel("price"), FieldPanel("num_in_stock")],
            heading="Price and stock",
            help_text="Kept in the Oscar stock record, shared with the Oscar dashboard. Saved with the page, "
            "but not part of its revisions. The book can be bought once it is published and has a price.",
        ),
        FieldPanel("cover"),
        FieldPanel("description"),
        FieldPanel("body"),
    ]
    base_form_class = BookPageForm
    search_fields = Page.search_fields + [
        index.SearchField("subtitle"),
        index.SearchField("description"),
        index.SearchField("isbn"),
        index.FilterField("isbn"),
        index.RelatedFields("book_authors", [index.RelatedFields("author", [index.SearchField("name")])]),
        index.AutocompleteField("title"),
    ]

    parent_page_types = ["catalogue.CategoryPage"]
    subpage_types = []
    template = "catalogue/book_page.html"

    objects = PageManager.from_queryset(BookPageQuerySet)()

    class Meta:
        verbose_name = "book"

    def clean(self):
        super().clean()
        if not self.isbn:
            raise ValidationError({"isbn": "Enter the book's ISBN (ISBN-13 or ISBN-10)."})
        try:
            self.isbn = normalise_isbn(self.isbn)
        except ValueError as error:
            raise ValidationError({"isbn": str(error)})

    @cached_property
    def authors(self):
        """The authors in editor order; uses the prefetch of `for_listing()` when present."""
        return [link.author for link in self.book_authors.all()]

    @property
    def author_names(self):
        return ", ".join(author.name for author in self.authors)

    def card(self, request=None):
        """This book as a listing shows it; reads the prefetches of `for_listing()`. With the
        request, Wagtail looks the site's root paths up once per request, not once per book."""
        cover_html = ""
        if self.cover:
            rendition = self.cover.get_rendition(BookCard.COVER_FILTER)
            cover_html = rendition.img_tag({"loading": "lazy", "class": "book-card__cover", "alt": ""})
        return BookCard(
            url=self.get_url(request),
            title=self.title,
            author_names=self.author_names,
            cover_html=cover_html,
            price_text="" if self.price is None else format_price(self.price, self.currency),
            in_stock=self.in_stock,
            description=Truncator(self.description).words(BookCard.DESCRIPTION_WORDS, truncate=" …"),
        )

    @cached_property
    def stockrecord(self):
        """The single stock record (one partner), read from the prefetch when present."""
        if self.product_id is None:
            return None
        records = list(self.product.stockrecords.all())
        return records[0] if records else None

    @property
    def price(self):
        record = self.stockrecord
        return record.price if record else None

    @property
    def currency(self):
        record = self.stockrecord
        return record.price_currency if record else None

    @property
    def in_stock(self):
        record = self.stockrecord
        return bool(record and record.net_stock_level > 0)

    @property
    def is_purchasable(self):
        """Live, mirrored into Oscar, and priced (docs/design.md §2); `catalogue.partner.strategy`
        applies the same rule inside Oscar, and checks stock when the book goes in a basket."""
        return bool(self.live and self.stockrecord and self.stockrecord.price is not None)

    RELATED_BOOKS = 6

    def related_books(self):
        """Other live books: the latest on the same shelf and the latest by the same authors.

        Each side is a small indexed subquery (LIMIT) and the two are combined with UNION, so the
        cost does not grow with the shelf (an OR of the two makes PostgreSQL scan every book)."""
        others = BookPage.objects.live().exclude(pk=self.pk).values("pk")
        same_shelf = others.filter(path__startswith=self.path[: -self.steplen], depth=self.depth).order_by("-path")
        same_authors = others.filter(book_authors__author__in=[author.pk for author in self.authors]).order_by("-pk")
        from_shelf = BookPage.objects.filter(pk__in=same_shelf[: self.RELATED_BOOKS]).order_by().for_listing()
        by_authors = BookPage.objects.filter(pk__in=same_authors[: self.RELATED_BOOKS]).order_by().for_listing()
        return list(from_shelf.union(by_authors).order_by("-first_published_at", "-id")[: self.RELATED_BOOKS])

    def get_context(self, request, *args, **kwargs):
        # The page came from routing without its relations: load what the template shows at once.
        prefetch_related_objects([self], *book_card_prefetches())
        context = super().get_context(request, *args, **kwargs)
        context["related_html"] = self.related_html(request)
        context["reviews_html"] = reviews_html(self, request)
        return context

    def related_html(self, request):
        """The "More like this" section, cached until the catalogue changes (catalogue.fragments)."""

        def render():
            books = self.related_books()
            return render_to_string("catalogue/related_books.html", {"related_books": books}, request=request)

        return mark_safe(related_books_fragment(self.pk, render))


class BookAuthor(Orderable):
    book = ParentalKey(BookPage, on_delete=models.CASCADE, related_name="book_authors")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="book_links")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        unique_together = [("book", "author")]
