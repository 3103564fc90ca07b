"""Blocks that show books and shelves on other pages: the home page's merchandising."""

from django.db.models import prefetch_related_objects
from django.utils.safestring import mark_safe
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

from catalogue.fragments import featured_books_fragment, new_in_category_fragment
from catalogue.pages import BookPage, book_card_prefetches


class BookChooserBlock(blocks.PageChooserBlock):
    """Chooses a BookPage, loaded as a BookPage with its cover and product in one query; the
    block's render adds the rest of a book card (prefetches) only when its fragment is not cached."""

    def __init__(self, **kwargs):
        super().__init__(page_type="catalogue.BookPage", **kwargs)

    def bulk_to_python(self, values):
        books = BookPage.objects.filter(pk__in=[value for value in values if value]).select_related("cover", "product")
        books = books.in_bulk()
        return [books.get(value) for value in values]


class FeaturedBooksBlock(blocks.StructBlock):
    """A hand-picked carousel, rendered from a cached fragment (see catalogue.fragments)."""

    heading = blocks.CharBlock(default="Featured books")
    books = blocks.ListBlock(BookChooserBlock())

    class Meta:
        icon = "pick"
        template = "blocks/featured_books_block.html"

    def render(self, value, context=None):
        books = [book for book in value["books"] if book is not None]

        def render():
            prefetch_related_objects(books, *book_card_prefetches())
            return super(FeaturedBooksBlock, self).render(value, context)

        return mark_safe(featured_books_fragment(value["heading"], [book.pk for book in books], render))


class NewInCategoryBlock(blocks.StructBlock):
    """The newest books of a shelf and its sub-shelves, picked automatically."""

    category = blocks.PageChooserBlock(page_type="catalogue.CategoryPage")
    heading = blocks.CharBlock(required=False, help_text="Default: “New in <category>”.")
    count = blocks.IntegerBlock(default=8, min_value=1, max_value=24, help_text="How many books to show.")

    class Meta:
        icon = "date"
        label = "New in category"
        template = "blocks/new_in_category_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        category = value["category"]
        context["books"] = category.specific.newest_books(value["count"]) if category else []
        return context

    def render(self, value, context=None):
        category = value["category"]
        parts = (category.pk if category else None, value["count"], value["heading"])
        return mark_safe(
            new_in_category_fragment(parts, lambda: super(NewInCategoryBlock, self).render(value, context))
        )


class CategoryHighlightBlock(blocks.StructBlock):
    category = blocks.PageChooserBlock(page_type="catalogue.CategoryPage")
    text = blocks.TextBlock(required=False, help_text="Default: the category's introduction.")
    image = ImageBlock(required=False)

    class Meta:
        icon = "folder-open-inverse"
        label = "Category highlight"
        template = "blocks/category_highlight_block.html"
