from django.urls import reverse
from oscar.apps.catalogue.abstract_models import AbstractProduct

from catalogue.pages import Author, BookAuthor, BookPage, CategoryPage  # noqa: F401


class Product(AbstractProduct):
    def get_absolute_url(self):
        """The book's page is its one canonical URL (DESIGN.md §2); Oscar's URL redirects there."""
        book_page = getattr(self, "book_page", None)
        if book_page is not None and book_page.live:
            return book_page.url
        return reverse("catalogue:detail", kwargs={"product_slug": self.slug, "pk": self.id})


from oscar.apps.catalogue.models import *  # noqa: E402, F403
