"""StreamField blocks shared by the home page, book pages and newsletters."""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/pull_quote_block.html"


class BookBodyBlock(blocks.StreamBlock):
    review = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"], icon="doc-full")
    excerpt = blocks.RichTextBlock(features=["bold", "italic"], icon="openquote")
    pull_quote = PullQuoteBlock()
    image = ImageBlock()
    video = EmbedBlock(help_text="A YouTube or Vimeo URL.", icon="media")


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock()
    text = blocks.TextBlock(required=False)
    image = ImageBlock(required=False)
    link_page = blocks.PageChooserBlock(required=False, label="Call to action: page")
    link_text = blocks.CharBlock(required=False, label="Call to action: text")

    class Meta:
        icon = "image"
        template = "blocks/hero_block.html"


class FeaturedBooksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Featured books")
    books = blocks.ListBlock(blocks.PageChooserBlock(page_type="catalogue.BookPage"))

    class Meta:
        icon = "pick"
        template = "blocks/featured_books_block.html"


class HomeBodyBlock(blocks.StreamBlock):
    hero = HeroBlock()
    featured_books = FeaturedBooksBlock()
    text = blocks.RichTextBlock(icon="pilcrow")
