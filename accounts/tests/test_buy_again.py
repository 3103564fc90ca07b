""" "Buy again" on an order of the purchase history: what is still for sale, capped at stock."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_order

from accounts.tests.helpers import sign_in
from testing.factories import make_book, make_category, make_shopper

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")
Default = get_class("partner.strategy", "Default")


def ordered(user, books_and_quantities):
    basket = Basket.objects.create()
    basket.strategy = Default()
    for book, quantity in books_and_quantities:
        basket.add_product(book.product, quantity)
    return create_order(basket=basket, user=user)


def set_stock(book, count):
    StockRecord.objects.filter(product=book.product).update(num_in_stock=count, num_allocated=0)


def test_buy_again_adds_what_is_for_sale_capped_at_stock(client):
    reader = make_shopper("reader@example.com")
    shelf = make_category()
    plenty, scarce, withdrawn, sold_out = (
        make_book(shelf, title=title, price="8.00") for title in ("Emma", "Persuasion", "Sanditon", "Lady Susan")
    )
    order = ordered(reader, [(plenty, 2), (scarce, 3), (withdrawn, 1), (sold_out, 1)])
    set_stock(plenty, 10)
    set_stock(scarce, 1)
    set_stock(sold_out, 0)
    withdrawn.unpublish()
    sign_in(client, "reader@example.com")

    detail = client.get(reverse("customer:order", args=[order.number])).content.decode()
    assert "Buy again" in detail and "site-header" in detail  # the shop's header on the history
    answer = client.post(reverse("account-buy-again", args=[order.number]), follow=True)

    basket = answer.context["basket"]
    assert {line.product.title: line.quantity for line in basket.all_lines()} == {"Emma": 2, "Persuasion": 1}
    page = answer.content.decode()
    assert "Fewer copies than last time" in page and "Persuasion" in page
    assert "No longer available" in page and "Sanditon" in page and "Lady Susan" in page

    again = client.post(reverse("account-buy-again", args=[order.number]), follow=True)
    lines = {line.product.title: line.quantity for line in again.context["basket"].all_lines()}
    assert lines == {"Emma": 4, "Persuasion": 1}  # the basket's copies count against the stock


def test_someone_elses_order_cannot_be_bought_again(client):
    owner = make_shopper("owner@example.com")
    order = ordered(owner, [(make_book(make_category(), title="Emma"), 1)])
    make_shopper("other@example.com", username="other")
    sign_in(client, "other@example.com")
    assert client.post(reverse("account-buy-again", args=[order.number])).status_code == 404
    assert client.get(reverse("account-buy-again", args=[order.number])).status_code == 405
