from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from operations import panel


@hooks.register("register_admin_urls")
def register_operations_panel_url():
    return [path("operations/", panel.ops_panel, name="operations_panel")]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_staff


@hooks.register("register_admin_menu_item")
def register_operations_menu_item():
    return StaffMenuItem("Operations", reverse("operations_panel"), icon_name="table", order=900)
