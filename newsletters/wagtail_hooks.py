from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from newsletters import admin_views
from newsletters.models import NewsletterPage


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
