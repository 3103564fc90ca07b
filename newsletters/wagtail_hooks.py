from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from newsletters import admin_views
from newsletters.models import NewsletterPage, Subscriber


@hooks.register("register_admin_urls")
def register_newsletter_admin_urls():
    urls = [
        path("", admin_views.newsletter_index, name="index"),
        path("<int:page_id>/send/", admin_views.send_newsletter, name="send"),
    ]
    return [path("newsletters/", (urls, "newsletters_admin", "newsletters_admin"))]


class NewslettersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.SEND_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_newsletters_menu_item():
    return NewslettersMenuItem("Newsletters", reverse("newsletters_admin:index"), icon_name="mail", order=250)


@hooks.register("register_page_header_buttons")
def send_newsletter_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, NewsletterPage) and user.has_perm(admin_views.SEND_PERMISSION):
        yield Button("Send newsletter", reverse("newsletters_admin:send", args=[page.pk]), icon_name="mail", priority=5)


class SubscriberViewSet(SnippetViewSet):
    """Who is on the list and their consent history (Snippets → Subscribers, “Inspect”).

    Only the name and topics are editable here: subscribing and leaving go through the
    subscriber's own links, so every change of status has its consent record.
    """

    model = Subscriber
    icon = "user"
    list_display = ["email", "status", "confirmed_at", "created_at"]
    list_filter = ["status", "topics"]
    search_fields = ["email", "name"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "email",
        "name",
        "status",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "consent_history",
    ]
    panels = [FieldPanel("name"), FieldPanel("topics")]


register_snippet(SubscriberViewSet)
