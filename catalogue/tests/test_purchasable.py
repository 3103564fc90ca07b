"""Purchasable = the book page is live AND a stock record exists, enforced inside Oscar itself."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")


def basket_quantity(client):
    response = client.get(reverse("basket:summary"))
    basket = response.context["basket"]
    return basket.num_items if basket.id else 0


def test_a_live_book_with_stock_goes_into_the_basket(client):
    book = make_book(make_category(), title="Emma", price="9.50", stock=4)
    response = client.post(reverse("basket:add", kwargs={"pk": book.product_id}), {"quantity": 2})
    assert response.status_code == 302
    assert basket_quantity(client) == 2


def test_unpublishing_makes_oscar_refuse_the_book(client):
    book = make_book(make_category(), title="Mansfield Park", price="8.00", stock=4)
    book.unpublish()

    client.post(reverse("basket:add", kwargs={"pk": book.product_id}), {"quantity": 1})

    assert basket_quantity(client) == 0
    page = client.get(book.get_parent().url + book.slug + "/")
    assert page.status_code == 404


def test_oscar_refuses_a_book_whose_page_is_not_live_even_if_its_product_is_public(client):
    """The page is the owner: a product left public (e.g. by the dashboard) does not sell a draft."""
    book = make_book(make_category(), title="Sanditon", price="8.00", stock=4)
    book.unpublish()
    book.product.is_public = True
    book.product.save()

    client.post(reverse("basket:add", kwargs={"pk": book.product_id}), {"quantity": 1})

    assert basket_quantity(client) == 0


def test_a_book_without_a_stock_record_has_no_basket_button_and_cannot_be_added(client):
    book = make_book(make_category(), title="Lady Susan", price=None)
    html = client.get(book.url).content.decode()
    assert "Add to basket" not in html and "Not available to buy" in html

    client.post(reverse("basket:add", kwargs={"pk": book.product_id}), {"quantity": 1})
    assert basket_quantity(client) == 0


def test_the_basket_button_disappears_when_the_book_sells_out(client):
    book = make_book(make_category(), title="Northanger Abbey", price="6.00", stock=0)
    html = client.get(book.url).content.decode()
    assert "Add to basket" not in html and "Out of stock" in html
