from django import template
from wagtail.models import Site

from catalogue.fragments import shelves_fragment
from catalogue.pages import CategoryPage
from edgecache.page_cache import PAGES_VERSION
from edgecache.versions import cached_fragment
from home.models import FooterLinks
from home.reactions import FOOTER_VERSION

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


@register.simple_tag(takes_context=True)
def footer_links(context):
    """The footer's links (label and URL) as the editors set them for this site, from the cache:
    saving them, or publishing any page (a title or slug may change), renders them again."""
    request = context.get("request")
    host = request.get_host() if request else ""

    def render():
        site = Site.find_for_request(request) if request else Site.objects.filter(is_default_site=True).first()
        if site is None:
            return []
        # Not FooterLinks.for_site: it creates the row, and saving it bumps the versions this
        # fragment is stored under.
        footer = FooterLinks.objects.filter(site=site).first()
        links = []
        for block in footer.links if footer else []:
            page = block.value["page"]
            if page is not None and page.live:
                links.append({"label": block.value["label"] or page.title, "url": page.get_url(request)})
        return links

    return cached_fragment("footer-links", (host,), [FOOTER_VERSION, PAGES_VERSION], render)
