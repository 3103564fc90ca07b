"""Oscar's thumbnails (basket, checkout, order pages, dashboard) as Wagtail renditions of covers.

Oscar asks its OSCAR_THUMBNAILER for `{% oscar_thumbnail image.original "100x100" %}`; for books
`image.original` is the BookPage's cover (see `Product.primary_image`). No sorl or
easy-thumbnails: Wagtail already stores and caches renditions.
"""

from types import SimpleNamespace

from django.templatetags.static import static
from oscar.core.thumbnails import AbstractThumbnailer
from wagtail.images.models import AbstractImage

PLACEHOLDER = "img/cover-placeholder.svg"


class BookCoverThumbnailer(AbstractThumbnailer):
    def generate_thumbnail(self, source, size, **options):
        if not isinstance(source, AbstractImage):
            return SimpleNamespace(url=static(PLACEHOLDER), width=None, height=None)
        width, _, height = size.partition("x")
        spec = f"max-{width}x{height}" if width and height else f"width-{width}" if width else f"height-{height}"
        return source.get_rendition(spec)

    def delete_thumbnails(self, source):
        """Wagtail deletes an image's renditions with the image."""
