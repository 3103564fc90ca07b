"""Oscar's catalogue views, overridden (loaded by Oscar through `get_class`), author pages and the
review form.

Books and categories are shown by their Wagtail pages, so Oscar's own product and category
pages answer with a permanent redirect to them (docs/design.md §2: one canonical URL per book). This
also keeps Oscar's per-view analytics UPDATE and its history cookie off the shop's read path.
Oscar's review pages redirect too: reviews are read on the book page (catalogue/book_reviews.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_model

from catalogue.book_reviews import ReviewForm
from catalogue.pages import Author, BookPage, CategoryPage

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductReview = get_model("reviews", "ProductReview")


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


@login_required
def write_review(request, product_pk):
    """The review form for one book; the review waits for staff approval before it shows."""
    book = get_object_or_404(BookPage.objects.live().select_related("product", "cover"), product_id=product_pk)
    back_to_reviews = book.get_url(request) + "#reviews"
    if ProductReview.objects.filter(product_id=product_pk, user=request.user).exists():
        messages.info(request, "You have already reviewed this book. Thank you!")
        return redirect(back_to_reviews)
    draft = ProductReview(product=book.product, user=request.user, status=ProductReview.FOR_MODERATION)
    form = ReviewForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Thank you for your review. It will appear on the book's page once we have read it.")
        return redirect(back_to_reviews)
    return render(request, "catalogue/write_review.html", {"book": book, "form": form})


def oscar_reviews_moved(request, product_pk, **kwargs):
    """Oscar's review pages (list, detail, form) live on the book page and its review form now."""
    book = get_object_or_404(BookPage.objects.live(), product_id=product_pk)
    return HttpResponsePermanentRedirect(book.get_url(request) + "#reviews")
