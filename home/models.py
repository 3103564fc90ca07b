"""The Wagtail shell of the shop: the home page and plain content pages."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import HomeBodyBlock


class HomePage(Page):
    """The site root. Editors compose it from merchandising blocks (hero, featured books, text)."""

    body = StreamField(HomeBodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    max_count = 1
    template = "home/home_page.html"

    def get_context(self, request, *args, **kwargs):
        from catalogue.pages import CategoryPage

        context = super().get_context(request, *args, **kwargs)
        context["categories"] = self.get_children().live().type(CategoryPage).specific()
        return context


class StandardPage(Page):
    """A plain content page: about us, delivery, returns."""

    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    template = "home/standard_page.html"
