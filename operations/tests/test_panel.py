"""Staff see orders, revenue, mail, stuck payments and the outbox as charts in the Wagtail admin."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone
from oscar.core.loading import get_model

from outbox.models import OutboxEmail

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db


def place_order(number, total, when):
    order = Order.objects.create(
        number=number, currency="EUR", total_incl_tax=Decimal(total), total_excl_tax=Decimal(total), site_id=1
    )
    Order.objects.filter(pk=order.pk).update(date_placed=when)


def chart(html, title):
    """The bar tooltips of the chart called `title`: ["2026-12-01: 2", ...]."""
    figure = html.split(f"<figcaption>{title}", 1)[1].split("</figure>", 1)[0]
    return re.findall(r"<title>([^<]*)</title>", figure)


def test_staff_see_orders_revenue_and_the_outbox_as_charts(client):
    now = timezone.now()
    place_order("9001", "12.50", now)
    place_order("9002", "7.50", now)
    place_order("9003", "30.00", now - timedelta(days=2))
    OutboxEmail.objects.create(message_id="<p@test>", from_email="s@test", to=["a@test"], subject="s", body="b")
    staff = get_user_model().objects.create_superuser("ops", "ops@example.test", "pw")
    client.force_login(staff)

    response = client.get("/admin/operations/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<figure class="ops-chart">') == 6 and html.count('<svg role="img"') == 6
    today, two_days_ago = now.date().isoformat(), (now - timedelta(days=2)).date().isoformat()
    assert f"{today}: 2" in chart(html, "Orders per day")
    assert f"{two_days_ago}: 1" in chart(html, "Orders per day")
    assert f"{today}: 20.00 EUR" in chart(html, "Revenue per day")
    assert "pending: 1" in chart(html, "Outbox: emails waiting or given up")
    assert "allocated: 0" in chart(html, "Payment attempts stuck past reconciliation")
    assert '"/admin/operations/"' in html  # the admin menu links to it


def test_editors_who_are_not_staff_get_no_panel(client):
    editor = get_user_model().objects.create_user("ed", "ed@example.test", "pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    refused = client.get("/admin/operations/")
    # Wagtail turns the refusal into a redirect to the dashboard with a "no permission" message.
    assert refused.status_code == 302 and refused.url == "/admin/"
