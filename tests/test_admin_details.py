"""Issue 15 item 9: the admin UIs make no third-party calls, and staff find shipping methods and
reviews in the dashboard menu."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from home.roles import SHOP_STAFF, ensure_roles
from testing.factories import make_home

pytestmark = pytest.mark.django_db


def test_the_wagtail_admin_loads_no_gravatar_and_checks_no_releases(client):
    make_home()
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(admin)
    for path in ("/admin/", "/admin/account/", "/admin/users/"):
        html = client.get(path).content.decode()
        assert "gravatar.com" not in html, path
        assert "w-upgrade" not in html, path  # the panel that asks releases.wagtail.org


def test_staff_find_shipping_methods_and_reviews_in_the_dashboard_menu(client):
    ensure_roles()
    staff = get_user_model().objects.create_user("staff", "staff@example.com", "pw", is_staff=True)
    staff.groups.add(Group.objects.get(name=SHOP_STAFF))
    client.force_login(staff)
    menu = client.get("/dashboard/").content.decode()
    for name, label in (("dashboard:shipping-method-list", "Shipping methods"), ("dashboard:reviews-list", "Reviews")):
        url = reverse(name)
        assert f'href="{url}"' in menu and label in menu, label
        assert client.get(url).status_code == 200, url
