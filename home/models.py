"""The Wagtail shell of the shop: the home page, plain content pages, the contact form page and
the footer's links."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.template.response import TemplateResponse
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from home.blocks import FooterLinkBlock, HomeBodyBlock
from home.form_guard import HONEYPOT_FIELD, too_many_submissions


class HomePage(Page):
    """The site root. Editors compose it from merchandising blocks (hero, featured books, text)."""

    body = StreamField(HomeBodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    max_count = 1
    # Only under the tree's root: the site's home page (search tells content pages apart by this).
    parent_page_types = ["wagtailcore.Page"]
    template = "home/home_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # One newsletter form per page: the footer's gives way to a sign-up block in the body.
        context["hide_footer_signup"] = any(block["type"] == "newsletter_signup" for block in self.body.raw_data)
        return context

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


class FormField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(AbstractEmailForm):
    """A form editors build in the admin (contact, events, requests for a book).

    Submissions are kept (the page's "Submissions" in the admin) and mailed to the addresses in
    "To address" through the outbox. A filled honeypot field is thanked and dropped; more than
    `FORM_PAGE_SUBMISSIONS_PER_WINDOW` submissions from one address in the window are refused
    with a message (home/form_guard.py). The form carries an empty CSRF field that csrf.js fills,
    so the page itself stays cacheable (docs/design.md §4.3).
    """

    intro = RichTextField(blank=True)
    thank_you_text = RichTextField(blank=True, help_text="Shown after the form is sent.")

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]), FieldPanel("subject")],
            heading="Notification email to staff",
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    template = "home/form_page.html"
    landing_page_template = "home/form_page_landing.html"

    class Meta:
        verbose_name = "form page"

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            if request.POST.get(HONEYPOT_FIELD):
                # A bot filled the field people never see: thank it, keep and send nothing.
                return TemplateResponse(request, self.get_landing_page_template(request), self.get_context(request))
            if too_many_submissions(request):
                context = self.get_context(request)
                context["form"] = self.get_form(request.POST, page=self, user=request.user)
                context["rate_limited"] = True
                return TemplateResponse(request, self.get_template(request), context, status=429)
        return super().serve(request, *args, **kwargs)


@register_setting(icon="list-ul")
class FooterLinks(BaseSiteSetting):
    """The links in every page's footer (shipping and returns, contact, privacy, terms, imprint),
    in the editor's order. Saving them refreshes the cached pages (home/reactions.py)."""

    links = StreamField([("link", FooterLinkBlock())], blank=True)

    panels = [FieldPanel("links")]

    class Meta:
        verbose_name = "footer links"
