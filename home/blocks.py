"""StreamField blocks of the home page; the book and shelf blocks come from the catalogue."""

from wagtail import blocks
from wagtail.images.blocks import ImageBlock

from catalogue.merchandising import CategoryHighlightBlock, FeaturedBooksBlock, NewInCategoryBlock


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock()
    text = blocks.TextBlock(required=False)
    image = ImageBlock(required=False)
    link_page = blocks.PageChooserBlock(required=False, label="Call to action: page")
    link_text = blocks.CharBlock(required=False, label="Call to action: text")

    class Meta:
        icon = "image"
        template = "blocks/hero_block.html"


class NewsletterSignupBlock(blocks.StructBlock):
    """A sign-up form; the newsletters app handles the double opt-in."""

    heading = blocks.CharBlock(default="Our newsletter")
    text = blocks.TextBlock(required=False, default="New books and reading lists, once a month.")

    class Meta:
        icon = "mail"
        label = "Newsletter sign-up"
        template = "blocks/newsletter_signup_block.html"


class FooterLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock()
    label = blocks.CharBlock(required=False, help_text="Leave empty to use the page's title.")

    class Meta:
        icon = "link"


class HomeBodyBlock(blocks.StreamBlock):
    hero = HeroBlock(label="Hero banner or advert")
    featured_books = FeaturedBooksBlock()
    new_in_category = NewInCategoryBlock()
    category_highlight = CategoryHighlightBlock()
    text = blocks.RichTextBlock(icon="pilcrow")
    newsletter_signup = NewsletterSignupBlock()
