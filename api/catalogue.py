"""Catalogue resources: shelves, books, authors and search (docs/api.md).

The books are the site's `BookPage`s, read with the same listing queries as the shop's pages
(`BookPage.objects.for_listing()`: the books, then renditions, stock records and authors), so a
page of results costs a fixed number of queries whatever the catalogue's size. Search ranks with
the site's own `catalogue.book_search.search_books`. Anonymous GETs are shared by nginx like pages
(`cache_at_edge`, docs/design.md §4).
"""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce, Substr
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.utils.urls import remove_query_param, replace_query_param
from wagtail.models import Page

from api.policy import ApiPolicy
from catalogue.book_search import search_books
from catalogue.pages import Author, BookCard, BookPage, CategoryPage
from catalogue.search import (
    BOOKS_PER_PAGE,
    CONTENT_PAGES_SHOWN,
    MAX_PAGE,
    MAX_QUERY_LENGTH,
    content_page_models,
)
from edgecache.caching import cache_at_edge

COVER_SIZES = {"small": BookCard.COVER_FILTER, "large": "width-400"}  # the card's and the book page's
NO_PRICE_LAST = Decimal("999999999")


def absolute(request, path):
    return request.build_absolute_uri(path) if path else None


# Serializers: what a client receives -----------------------------------------------------


class AuthorRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class CoverSerializer(serializers.Serializer):
    small = RenditionSerializer(help_text="240×360, as on the shop's book cards.")
    large = RenditionSerializer(help_text="400 pixels wide, as on the book page.")


class AvailabilitySerializer(serializers.Serializer):
    in_stock = serializers.BooleanField()
    purchasable = serializers.BooleanField(help_text="Live and priced: it can go in a basket (if in stock).")
    num_available = serializers.IntegerField(help_text="Copies that can be bought now.")


BOOK_EXAMPLE = {
    "id": 42,
    "title": "Pride and Prejudice",
    "subtitle": "",
    "authors": [{"name": "Jane Austen", "slug": "jane-austen"}],
    "isbn": "9780141439518",
    "format": "paperback",
    "price": "8.99",
    "currency": "EUR",
    "availability": {"in_stock": True, "purchasable": True, "num_available": 5},
    "cover": {
        "small": {"url": "https://shop.example/media/images/pride.fill-240x360.png", "width": 240, "height": 360},
        "large": {"url": "https://shop.example/media/images/pride.width-400.png", "width": 400, "height": 600},
    },
    "url": "https://shop.example/fiction/classics/pride-and-prejudice/",
    "api_url": "https://shop.example/api/v1/books/42/",
}


@extend_schema_serializer(examples=[OpenApiExample("A book", value=BOOK_EXAMPLE)])
class BookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    authors = AuthorRefSerializer(many=True)
    isbn = serializers.CharField(allow_null=True, help_text="ISBN-13.")
    format = serializers.ChoiceField(choices=BookPage.FORMAT_CHOICES, source="book_format")
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="A decimal string, as the shop charges it."
    )
    currency = serializers.CharField(allow_null=True)
    availability = serializers.SerializerMethodField()
    cover = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The book's page: its one canonical URL.")
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(AvailabilitySerializer)
    def get_availability(self, book):
        record = book.stockrecord
        return {
            "in_stock": book.in_stock,
            "purchasable": book.is_purchasable,
            "num_available": max(record.net_stock_level, 0) if record else 0,
        }

    @extend_schema_field(CoverSerializer(allow_null=True))
    def get_cover(self, book):
        if book.cover is None:
            return None
        covers = {}
        for size, spec in COVER_SIZES.items():
            rendition = book.cover.get_rendition(spec)
            covers[size] = {
                "url": absolute(self.context["request"], rendition.url),
                "width": rendition.width,
                "height": rendition.height,
            }
        return covers

    def get_url(self, book) -> str:
        return book.get_full_url(self.context["request"])

    def get_api_url(self, book) -> str:
        return reverse("book-detail", args=[book.pk], request=self.context["request"])


BOOK_DETAIL_EXAMPLE = {
    **BOOK_EXAMPLE,
    "description": "A novel of manners.",
    "publisher": "Penguin Classics",
    "publication_year": 2003,
    "page_count": 480,
    "language": "English",
    "shelf": {"id": 7, "title": "Classics", "url": "https://shop.example/fiction/classics/"},
}


class ShelfRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField()


@extend_schema_serializer(examples=[OpenApiExample("A book", value=BOOK_DETAIL_EXAMPLE)])
class BookDetailSerializer(BookSerializer):
    description = serializers.CharField()
    publisher = serializers.CharField()
    publication_year = serializers.IntegerField(allow_null=True)
    page_count = serializers.IntegerField(allow_null=True)
    language = serializers.CharField()
    shelf = serializers.SerializerMethodField()

    @extend_schema_field(ShelfRefSerializer(allow_null=True))
    def get_shelf(self, book):
        shelf = self.context.get("shelf")
        if shelf is None:
            return None
        return {"id": shelf.pk, "title": shelf.title, "url": shelf.get_full_url(self.context["request"])}


def _book_list_example(results):
    return {"count": 1, "next": None, "previous": None, "results": results}


class BookListSerializer(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True, help_text="Matching books; null in cursor mode (not counted).")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = BookSerializer(many=True)


SORTS = {
    "newest": ("-first_published_at", "-id"),
    "title": ("title", "id"),
    "price-asc": ("sort_price", "id"),
    "price-desc": ("-sort_price", "-id"),
}


class BookFilterSerializer(serializers.Serializer):
    """The list's query parameters; anything malformed is a 400 naming the parameter."""

    category = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="A shelf's id: its books and its subshelves'."
    )
    in_stock = serializers.BooleanField(required=False, default=False, help_text="Only books with copies to sell.")
    format = serializers.ChoiceField(choices=BookPage.FORMAT_CHOICES, required=False)
    author = serializers.SlugField(required=False, max_length=200, help_text="An author's slug.")
    price_min = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, min_value=0)
    price_max = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, min_value=0)
    sort = serializers.ChoiceField(choices=list(SORTS), required=False, default="newest")
    page = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=100, help_text="Beyond 100: use cursor."
    )
    page_size = serializers.IntegerField(required=False, default=24, min_value=1, max_value=100)
    cursor = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Cursor pagination for deep pages: send an empty cursor for the first page, then follow `next`.",
    )


class BookCursorPagination(CursorPagination):
    """DRF's cursor over the list's own sort order (each order ends with the id, so it is total)."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def __init__(self, ordering, page_size):
        self.ordering = ordering
        self.page_size = page_size


def _live_books():
    return BookPage.objects.live()


def filtered_books(filters):
    books = _live_books()
    if "category" in filters:
        shelf = get_object_or_404(CategoryPage.objects.live(), pk=filters["category"])
        books = books.descendant_of(shelf)
    if filters["in_stock"]:
        books = books.filter(
            product__stockrecords__num_in_stock__gt=Coalesce(F("product__stockrecords__num_allocated"), 0)
        )
    if "format" in filters:
        books = books.filter(book_format=filters["format"])
    if "author" in filters:
        books = books.filter(book_authors__author__slug=filters["author"])
    if "price_min" in filters:
        books = books.filter(product__stockrecords__price__gte=filters["price_min"])
    if "price_max" in filters:
        books = books.filter(product__stockrecords__price__lte=filters["price_max"])
    if filters["sort"].startswith("price"):
        books = books.annotate(sort_price=Coalesce(F("product__stockrecords__price"), Value(NO_PRICE_LAST)))
    return books.order_by(*SORTS[filters["sort"]])


@method_decorator(cache_at_edge("api-book-list"), name="dispatch")
class BookListView(ApiPolicy, GenericAPIView):
    serializer_class = BookSerializer

    @extend_schema(
        operation_id="books_list",
        parameters=[BookFilterSerializer],
        responses=BookListSerializer,
        examples=[OpenApiExample("One page", value=_book_list_example([BOOK_EXAMPLE]))],
        description="Live books, newest first by default; page numbers up to 100, a cursor beyond.",
    )
    def get(self, request, *args, **kwargs):
        filters = BookFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        filters = filters.validated_data
        books = filtered_books(filters)
        if "cursor" in filters:
            paginator = BookCursorPagination(SORTS[filters["sort"]], filters["page_size"])
            page = paginator.paginate_queryset(books.for_listing(), request, view=self)
            results = BookSerializer(page, many=True, context={"request": request}).data
            return Response(
                {
                    "count": None,
                    "next": paginator.get_next_link(),
                    "previous": paginator.get_previous_link(),
                    "results": results,
                }
            )
        size, number = filters["page_size"], filters["page"]
        count = books.count()
        page = list(books.for_listing()[(number - 1) * size : number * size])
        url = request.build_absolute_uri()
        next_url = replace_query_param(url, "page", number + 1) if number * size < count and number < 100 else None
        previous_url = None
        if number > 1:
            previous_url = (
                replace_query_param(url, "page", number - 1) if number > 2 else remove_query_param(url, "page")
            )
        results = BookSerializer(page, many=True, context={"request": request}).data
        return Response({"count": count, "next": next_url, "previous": previous_url, "results": results})


@method_decorator(cache_at_edge("api-book"), name="dispatch")
class BookDetailView(ApiPolicy, GenericAPIView):
    serializer_class = BookDetailSerializer

    @extend_schema(operation_id="books_retrieve", description="One live book, with everything its page shows.")
    def get(self, request, pk, *args, **kwargs):
        book = get_object_or_404(_live_books().for_listing(), pk=pk)
        shelf = CategoryPage.objects.live().filter(path=book.path[: -book.steplen]).first()
        return Response(BookDetailSerializer(book, context={"request": request, "shelf": shelf}).data)


# Shelves -----------------------------------------------------------------------------------

CATEGORY_EXAMPLE = {
    "id": 3,
    "title": "Fiction",
    "slug": "fiction",
    "url": "https://shop.example/fiction/",
    "book_count": 120,
    "books_url": "https://shop.example/api/v1/books/?category=3",
    "children": [
        {
            "id": 7,
            "title": "Classics",
            "slug": "classics",
            "url": "https://shop.example/fiction/classics/",
            "book_count": 80,
            "books_url": "https://shop.example/api/v1/books/?category=7",
            "children": [],
        }
    ],
}


@extend_schema_serializer(examples=[OpenApiExample("The shelf tree", value=[CATEGORY_EXAMPLE], response_only=True)])
class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.SlugField()
    url = serializers.URLField(help_text="The shelf's page.")
    book_count = serializers.IntegerField(help_text="Live books on this shelf and every shelf below it.")
    books_url = serializers.URLField()
    children = serializers.ListField(child=serializers.DictField(), help_text="Subshelves, in this same shape.")


def book_counts_by_parent_path():
    """{path of a shelf: live books directly on it}, in one grouped query."""
    rows = (
        Page.objects.live()
        .filter(content_type=ContentType.objects.get_for_model(BookPage))
        .annotate(parent_path=Substr("path", 1, F("depth") * Page.steplen - Page.steplen))
        .values("parent_path")
        .annotate(books=Count("id"))
        .order_by()
    )
    return {row["parent_path"]: row["books"] for row in rows}


def shelf_tree(request):
    shelves = list(CategoryPage.objects.live().order_by("path"))
    direct = book_counts_by_parent_path()
    nodes, roots = {}, []
    books_url = reverse("book-list", request=request)
    for shelf in shelves:
        node = {
            "id": shelf.pk,
            "title": shelf.title,
            "slug": shelf.slug,
            "url": shelf.get_full_url(request),
            "book_count": direct.get(shelf.path, 0),
            "books_url": f"{books_url}?category={shelf.pk}",
            "children": [],
        }
        nodes[shelf.path] = node
        parent = nodes.get(shelf.path[: -shelf.steplen])
        (parent["children"] if parent else roots).append(node)
    for shelf in reversed(shelves):  # deepest first: add each shelf's total to its parent
        parent = nodes.get(shelf.path[: -shelf.steplen])
        if parent:
            parent["book_count"] += nodes[shelf.path]["book_count"]
    return roots


@method_decorator(cache_at_edge("api-categories"), name="dispatch")
class CategoryTreeView(ApiPolicy, GenericAPIView):
    serializer_class = CategorySerializer
    pagination_class = None

    @extend_schema(operation_id="categories_list", responses=CategorySerializer(many=True))
    def get(self, request, *args, **kwargs):
        """Every live shelf as a tree, top shelves first, with its page URL and book count."""
        return Response(shelf_tree(request))


# Authors -----------------------------------------------------------------------------------

AUTHOR_EXAMPLE = {
    "name": "Jane Austen",
    "slug": "jane-austen",
    "url": "https://shop.example/authors/jane-austen/",
    "books_url": "https://shop.example/api/v1/books/?author=jane-austen",
}


@extend_schema_serializer(examples=[OpenApiExample("An author", value=AUTHOR_EXAMPLE)])
class AuthorSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()
    url = serializers.SerializerMethodField()
    books_url = serializers.SerializerMethodField()

    def get_url(self, author) -> str:
        return absolute(self.context["request"], f"/authors/{author.slug}/")

    def get_books_url(self, author) -> str:
        return reverse("book-list", request=self.context["request"]) + f"?author={author.slug}"


class AuthorListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AuthorSerializer(many=True)


class AuthorPageSerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, default=1, min_value=1, max_value=10_000)


AUTHORS_PER_PAGE = 50


@method_decorator(cache_at_edge("api-authors"), name="dispatch")
class AuthorListView(ApiPolicy, GenericAPIView):
    serializer_class = AuthorSerializer

    @extend_schema(
        operation_id="authors_list",
        parameters=[AuthorPageSerializer],
        responses=AuthorListSerializer,
        examples=[
            OpenApiExample("One page", value={"count": 1, "next": None, "previous": None, "results": [AUTHOR_EXAMPLE]})
        ],
    )
    def get(self, request, *args, **kwargs):
        """Authors with at least one live book, by name, 50 per page."""
        params = AuthorPageSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        number = params.validated_data["page"]
        authors = Author.objects.filter(book_links__book__live=True).distinct().order_by("name", "pk")
        count = authors.count()
        page = authors[(number - 1) * AUTHORS_PER_PAGE : number * AUTHORS_PER_PAGE]
        url = request.build_absolute_uri()
        return Response(
            {
                "count": count,
                "next": replace_query_param(url, "page", number + 1) if number * AUTHORS_PER_PAGE < count else None,
                "previous": replace_query_param(url, "page", number - 1) if number > 1 else None,
                "results": AuthorSerializer(page, many=True, context={"request": request}).data,
            }
        )


@method_decorator(cache_at_edge("api-authors"), name="dispatch")
class AuthorDetailView(ApiPolicy, GenericAPIView):
    serializer_class = AuthorSerializer

    @extend_schema(operation_id="authors_retrieve")
    def get(self, request, slug, *args, **kwargs):
        """One author, with the link to their books."""
        author = get_object_or_404(Author, slug=slug)
        return Response(AuthorSerializer(author, context={"request": request}).data)


# Search ------------------------------------------------------------------------------------


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_QUERY_LENGTH, help_text="Title, author or ISBN (any spelling).")
    page = serializers.IntegerField(required=False, default=1, min_value=1, max_value=MAX_PAGE)


class PageRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField()


SEARCH_EXAMPLE = {
    "query": "austen",
    "page": 1,
    "next": None,
    "books": [BOOK_EXAMPLE],
    "pages": [{"id": 5, "title": "About us", "url": "https://shop.example/about/"}],
}


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    page = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    books = BookSerializer(many=True)
    pages = PageRefSerializer(many=True, help_text="Content pages (first page of results only).")


@method_decorator(cache_at_edge("search"), name="dispatch")
class SearchView(ApiPolicy, GenericAPIView):
    serializer_class = SearchResultSerializer

    @extend_schema(
        operation_id="search",
        parameters=[SearchQuerySerializer],
        examples=[OpenApiExample("Results", value=SEARCH_EXAMPLE)],
    )
    def get(self, request, *args, **kwargs):
        """Books and content pages in the order the shop's /search/ shows them."""
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = " ".join(params.validated_data["q"].split())
        number = params.validated_data["page"]
        books, pages, has_next = [], [], False
        if query:
            matches = search_books(query, start=(number - 1) * BOOKS_PER_PAGE, count=BOOKS_PER_PAGE)
            has_next = matches.has_more
            by_id = {book.pk: book for book in BookPage.objects.cards(matches.ids)}
            books = [by_id[book_id] for book_id in matches.ids if book_id in by_id]
            if number == 1:
                others = Page.objects.live().public().type(*content_page_models())
                pages = [
                    {"id": page.pk, "title": page.title, "url": page.get_full_url(request)}
                    for page in others.search(query)[:CONTENT_PAGES_SHOWN]
                ]
        url = request.build_absolute_uri()
        return Response(
            {
                "query": query,
                "page": number,
                "next": replace_query_param(url, "page", number + 1) if has_next and number < MAX_PAGE else None,
                "books": BookSerializer(books, many=True, context={"request": request}).data,
                "pages": pages,
            }
        )
