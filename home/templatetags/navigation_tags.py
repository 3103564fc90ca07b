from django import template

from catalogue.fragments import shelves_fragment
from catalogue.pages import CategoryPage

register = template.Library()


@register.simple_tag
def top_categories():
    """The top-level shelves (children of the home page) in the editor's order, as dicts of
    title, url and introduction.

    Every shopper page shows them, so they come from the cache; publishing, unpublishing or
    moving a shelf refreshes them (see catalogue.fragments)."""
    return shelves_fragment(
        lambda: [
            {"title": page.title, "url": page.url, "introduction": page.introduction}
            for page in CategoryPage.objects.live().filter(depth=3).order_by("path")
        ]
    )
