"""The blocks a marketer composes a newsletter from.

The same templates render the public archive page and the email, so every link and image URL
is made absolute with `base_url` (empty on the web, the site's address in the email).
"""

from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=60, help_text="The button label, e.g. “Shop the sale”.")
    page = blocks.PageChooserBlock(required=False, help_text="A page of the shop…")
    url = blocks.URLBlock(required=False, help_text="…or any web address (used when no page is chosen).")

    class Meta:
        icon = "link"
        template = "newsletters/blocks/call_to_action_block.html"


class BookBlock(blocks.StructBlock):
    """One book as it is now: cover, title, author and today's price, linked to its page."""

    book = blocks.PageChooserBlock(page_type="catalogue.BookPage")
    note = blocks.TextBlock(required=False, help_text="Optional words of your own about this book.")

    class Meta:
        icon = "pick"
        template = "newsletters/blocks/book_block.html"


class NewInCategoryValue(blocks.StructValue):
    def books(self):
        """The latest live books of the category, read when the newsletter is rendered."""
        category = self.get("category")
        return category.specific.newest_books(self.get("count")) if category else []


class NewInCategoryBlock(blocks.StructBlock):
    """The latest books published in a category (and its subcategories), picked at send time."""

    category = blocks.PageChooserBlock(page_type="catalogue.CategoryPage")
    count = blocks.IntegerBlock(default=3, min_value=1, max_value=12, help_text="How many books to show.")
    heading = blocks.CharBlock(required=False, help_text="Defaults to “New in <category>”.")

    class Meta:
        icon = "list-ul"
        template = "newsletters/blocks/new_in_category_block.html"
        value_class = NewInCategoryValue


class NewsletterBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(icon="title", form_classname="title")
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"], icon="pilcrow")
    image = ImageBlock()
    call_to_action = CallToActionBlock()
    book = BookBlock()
    new_in_category = NewInCategoryBlock()
