"""The Wagtail shell of the shop: the home page and plain content pages."""

from django.contrib.contenttypes.models import ContentType
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from home.blocks import HomeBodyBlock


class HomePage(Page):
    """The site root. Editors compose it from merchandising blocks (hero, featured books, text)."""

    body = StreamField(HomeBodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    max_count = 1
    # Only under the tree's root: the site's home page (search tells content pages apart by this).
    parent_page_types = ["wagtailcore.Page"]
    template = "home/home_page.html"

    def route(self, request, path_components):
        """Find a shop page in two queries, where Wagtail's walk costs two per tree level.

        The page is looked up by its slug (indexed) and full URL path; its specific row comes
        with whatever its listing queryset loads (a book: cover, product, stock and authors).
        Paths this does not match exactly (routable pages, unpublished pages) take Wagtail's walk.
        """
        if not path_components:
            return super().route(request, path_components)
        url_path = f"{self.url_path}{'/'.join(path_components)}/"
        match = (
            Page.objects.filter(
                slug=path_components[-1],
                depth=self.depth + len(path_components),
                path__startswith=self.path,
                url_path=url_path,
                live=True,
            )
            .values_list("pk", "content_type_id")
            .first()
        )
        if match is None:
            return super().route(request, path_components)
        page_class = ContentType.objects.get_for_id(match[1]).model_class()
        pages = page_class.objects.all()
        if hasattr(pages, "for_listing"):
            pages = pages.for_listing()
        return RouteResult(pages.get(pk=match[0]))


class StandardPage(Page):
    """A plain content page: about us, delivery, returns."""

    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    template = "home/standard_page.html"
