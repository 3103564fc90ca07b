from django import template

from catalogue.pages import BookPage

register = template.Library()


@register.simple_tag
def listing_books(pages):
    """The live books among `pages`, in the given order, ready for book cards (fixed queries)."""
    ids = [page.pk for page in pages if page is not None]
    books = BookPage.objects.live().filter(pk__in=ids).for_listing().in_bulk()
    return [books[pk] for pk in ids if pk in books]
