from django.urls import reverse
from oscar.apps.catalogue.abstract_models import AbstractProduct

from catalogue.adverts import Advert  # noqa: F401
from catalogue.book_search import BookSearchEntry, SearchWord  # noqa: F401
from catalogue.pages import Author, BookAuthor, BookPage, CategoryPage  # noqa: F401


class Product(AbstractProduct):
    def get_absolute_url(self):
        """The book's page is its one canonical URL (docs/design.md §2); Oscar's URL redirects there."""
        book_page = getattr(self, "book_page", None)
        if book_page is not None and book_page.live:
            return book_page.url
        return reverse("catalogue:detail", kwargs={"product_slug": self.slug, "pk": self.id})

    def primary_image(self):
        """The book page's cover, in the shape Oscar's templates expect of a product image.

        Oscar's own ProductImage rows are never used for books, and its missing-image fallback
        copies a placeholder file into MEDIA_ROOT on first use; `catalogue.thumbnails` renders
        this cover (or a static placeholder) wherever Oscar shows a thumbnail.
        """
        book_page = getattr(self, "book_page", None)
        cover = book_page.cover if book_page is not None else None
        return {"original": cover, "caption": self.get_title(), "is_missing": cover is None}


from oscar.apps.catalogue.models import *  # noqa: E402, F403
