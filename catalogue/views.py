"""Oscar's catalogue views, overridden (loaded by Oscar through `get_class`), and author pages.

Books and categories are shown by their Wagtail pages, so Oscar's own product and category
pages answer with a permanent redirect to them (docs/design.md §2: one canonical URL per book). This
also keeps Oscar's per-view analytics UPDATE and its history cookie off the shop's read path.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views import View
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_model

from catalogue.pages import Author, BookPage, CategoryPage

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")


class ProductDetailView(OscarProductDetailView):
    """A book's Oscar URL redirects to its BookPage; products that are not books stay Oscar's."""

    def get(self, request, *args, **kwargs):
        book = BookPage.objects.filter(product_id=kwargs["pk"]).first()
        if book is None:
            return super().get(request, *args, **kwargs)
        if not book.live:
            raise Http404("This book is not on sale.")
        return HttpResponsePermanentRedirect(book.get_url(request))


class CatalogueView(View):
    """Oscar's "all products" page: the shelves live on the home page."""

    def get(self, request, *args, **kwargs):
        return HttpResponsePermanentRedirect("/")


class ProductCategoryView(View):
    """Oscar's category URL redirects to the CategoryPage it mirrors."""

    def get(self, request, *args, **kwargs):
        page = get_object_or_404(CategoryPage.objects.live(), oscar_category_id=kwargs["pk"])
        return HttpResponsePermanentRedirect(page.get_url(request))


def author_detail(request, slug):
    """An author's bio, photo and live books, 24 per page."""
    author = get_object_or_404(Author, slug=slug)
    books = (
        BookPage.objects.live()
        .filter(book_authors__author=author)
        .order_by("-publication_year", "title", "pk")
        .for_listing()
    )
    page_obj = Paginator(books, CategoryPage.BOOKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "catalogue/author_page.html", {"author": author, "books": page_obj})
