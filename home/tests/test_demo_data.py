"""The demo shop that `make run` loads: the data itself is under test here."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from oscar.core.loading import get_model

from catalogue.pages import BookPage, CategoryPage
from home.management.commands.load_demo_data import DEMO_USERS
from newsletters.models import Subscriber

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Line = get_model("order", "Line")


def load():
    out = io.StringIO()
    call_command("load_demo_data", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_demo_shop_is_complete_and_loading_twice_changes_nothing(client):
    load()
    counts = (BookPage.objects.live().count(), CategoryPage.objects.live().count())
    second_run = load()

    assert (BookPage.objects.live().count(), CategoryPage.objects.live().count()) == counts
    assert "0 created, 0 updated" in second_run and "0 failed" in second_run
    assert "Roles:" not in second_run and "Demo user" not in second_run and "Created" not in second_run

    books, categories = counts
    assert books >= 150
    top = CategoryPage.objects.live().filter(depth=3)
    leaves = CategoryPage.objects.live().filter(depth=4)
    assert top.count() >= 2 and leaves.count() >= 6 and categories >= 8
    for leaf in leaves:
        assert BookPage.objects.live().child_of(leaf).exists(), f"{leaf.title} has no books"
    assert not BookPage.objects.filter(cover__isnull=True).exists()
    assert not BookPage.objects.filter(product__stockrecords__isnull=True).exists()

    home = client.get("/")
    assert home.status_code == 200
    assert b"Featured books" in home.content
    html = home.content.decode()
    assert html.count('action="/newsletters/subscribe/"') == 1  # the home block's; the footer's gives way
    assert 'class="hero__image"' in html
    footer = html.split('class="site-footer"')[1]
    for title in ("Shipping and returns", "Contact us", "Privacy", "Terms and conditions", "Imprint"):
        link = footer.split(f">{title}</a>")[0].rsplit('href="', 1)[1].split('"')[0]
        assert client.get(link).status_code == 200, title
    assert "Information pages: 0 created" in second_run
    assert "Demo subscribers: 0 created" in second_run and "Demo orders: 0 created" in second_run
    assert Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).count() >= 5
    orders = Order.objects.filter(number__startswith="DEMO-")
    assert orders.count() == 4
    for line in Line.objects.filter(order__in=orders):  # the copies are held for the orders
        assert line.stockrecord.num_allocated >= line.quantity
    shelf = client.get(leaves.first().url)
    assert shelf.status_code == 200 and shelf.content.count(b'class="book-card"') >= 10

    sitemap = client.get("/sitemap.xml")
    assert b"example.com" not in sitemap.content and b"http://testserver/sitemap-pages.xml" in sitemap.content

    for username, email, password, *_ in DEMO_USERS:
        assert authenticate(email=email, password=password) is not None, email
        # Only the sign-in page checks passwords: a username form is no way around its limits.
        assert authenticate(username=username, password=password) is None, username
