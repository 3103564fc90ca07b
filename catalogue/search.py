"""The shop's search: books by title, author and ISBN, plus content pages (docs/design.md §4: cacheable).

Books are found and ranked by `catalogue.book_search.search_books` (a weighted tsvector with typo
tolerance on PostgreSQL, docs/search.md); content pages by Wagtail's database search backend.
The page answers at /search/, the URL Oscar's own search had, so the header form and Oscar's
templates (`{% url 'search:search' %}`) land here.
"""

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.models import Page, get_page_models

from catalogue.book_search import search_books, suggest_books
from catalogue.fragments import book_version_key
from catalogue.pages import Author, BookPage
from edgecache.caching import cache_at_edge
from edgecache.versions import FRAGMENT_SECONDS, current_versions

MAX_QUERY_LENGTH = 200
BOOKS_PER_PAGE = 20
MAX_PAGE = 50  # deeper pages of a full-text search help nobody and cost the most
CONTENT_PAGES_SHOWN = 5
SUGGESTIONS = 8
AUTHOR_SUGGESTIONS = 3


def clean_query(request):
    """The query as words: control characters (NUL among them, which PostgreSQL refuses) dropped."""
    words = "".join(char if char.isprintable() else " " for char in request.GET.get("q", "")).split()
    return " ".join(words)[:MAX_QUERY_LENGTH]


def book_cards(ids, request):
    """The cards of the live books among `ids`, in that order: from the cache where it holds the
    book's current version, otherwise loaded in one go (`BookPage.objects.cards`) and stored.
    Values rather than HTML, since the page highlights the query in them."""
    versions = current_versions([book_version_key(book_id) for book_id in ids])
    keys = {book_id: f"card:{book_id}:{version}" for book_id, version in zip(ids, versions, strict=True)}
    stored = cache.get_many(list(keys.values()))
    cards = {book_id: stored[key] for book_id, key in keys.items() if key in stored}
    missing = [book_id for book_id in ids if book_id not in cards]
    if missing:
        loaded = {book.pk: book.card(request) for book in BookPage.objects.cards(missing)}
        cache.set_many({keys[book_id]: card for book_id, card in loaded.items()}, FRAGMENT_SECONDS)
        cards.update(loaded)
    return [cards[book_id] for book_id in ids if book_id in cards]


class ResultsPage:
    """One page of ranked books as cards, without a total: counting every match costs more than
    finding one page of them, so the search only looks one result ahead to know whether there is
    a next page. Offers what includes/pagination.html uses from a Django Page."""

    paginator = None

    def __init__(self, query, number, per_page, request):
        self.number = number
        self.start_index = (number - 1) * per_page + 1
        matches = search_books(query, start=self.start_index - 1, count=per_page)
        self.object_list = book_cards(matches.ids, request)
        self._has_next = matches.has_more
        self.suggestion = matches.suggestion

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def page_number(request):
    try:
        return min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        return 1


def is_site_root_type(model):
    """A page type that can only sit at the top of the tree: a site's home page."""
    return model.allowed_parent_page_models() == [Page]


def content_page_models():
    """Page types searched as "pages": all but books (listed apart), the home page and the bare
    Page. Naming the types lets PostgreSQL filter early: `not_type(BookPage)` was 3-6x slower."""
    return [
        model
        for model in get_page_models()
        if model is not Page and not issubclass(model, BookPage) and not is_site_root_type(model)
    ]


@require_GET
@cache_at_edge("search")
def search(request):
    query = clean_query(request)
    context = {"search_query": query, "books": None, "content_pages": [], "suggestion": ""}
    if query:
        context["books"] = ResultsPage(query, page_number(request), BOOKS_PER_PAGE, request)
        context["suggestion"] = context["books"].suggestion
        if context["books"].number == 1:
            others = Page.objects.live().public().type(*content_page_models())
            context["content_pages"] = list(others.search(query)[:CONTENT_PAGES_SHOWN])
    return render(request, "catalogue/search_results.html", context)


@require_GET
def suggest(request):
    """Autocomplete for the header box: a few books by title and authors by name, as JSON."""
    query = clean_query(request)
    if len(query) < 2:
        return JsonResponse({"query": query, "results": []})
    book_ids = suggest_books(query, SUGGESTIONS)
    books = BookPage.objects.filter(pk__in=book_ids).prefetch_related("book_authors__author").in_bulk()
    books = [books[book_id] for book_id in book_ids if book_id in books]
    authors = Author.objects.filter(name__icontains=query).order_by("name")[:AUTHOR_SUGGESTIONS]
    results = [
        {"kind": "book", "title": book.title, "detail": book.author_names, "url": book.get_url(request)}
        for book in books
    ]
    results += [
        {
            "kind": "author",
            "title": author.name,
            "detail": "Author",
            "url": reverse("catalogue-author", args=[author.slug]),
        }
        for author in authors
    ]
    return JsonResponse({"query": query, "results": results})
