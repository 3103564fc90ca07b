"""The blocks an editor writes a book page's body from."""

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
