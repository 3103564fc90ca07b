"""Bad input on the basket: a form error or a 4xx, never a 5xx, and nobody else's basket changes."""

import pytest
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from checkout.tests.steps import add_to_basket
from testing.factories import make_book, make_category

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")

pytestmark = pytest.mark.django_db
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


@pytest.fixture
def book():
    return make_book(make_category(), title="Cranford", price="6.50", stock=5)


@pytest.fixture
def someone_else(book):
    """Another shopper with 2 copies in their basket; nothing below may touch it."""
    other = Client()
    add_to_basket(other, book, 2)
    line = Line.objects.get()
    yield line
    line.refresh_from_db()
    assert line.quantity == 2 and line.basket.status == "Open"  # (its stock may have changed, not its lines)


def basket_formset(line_id, **fields):
    """The basket page's formset as the browser posts it, for one line."""
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(line_id),
    }
    return data | {f"form-0-{name}": value for name, value in fields.items()}


def snapshot():
    return sorted(Line.objects.values_list("basket_id", "product_id", "quantity"))


@pytest.mark.parametrize("quantity", ["-1", "0", str(10**9), "abc", "1.5", "", "1e3"])
@pytest.mark.parametrize("ajax", [False, True], ids=["plain", "ajax"])
def test_bad_quantities_are_refused(client, book, someone_else, quantity, ajax):
    before = snapshot()
    response = client.post(
        reverse("basket:add", kwargs={"pk": book.product.pk}), {"quantity": quantity}, **(AJAX if ajax else {})
    )

    if ajax:
        assert response.status_code == 400 and response.json()["messages"]
    else:
        assert response.status_code == 302
        follow = client.get(response["Location"])
        assert follow.status_code < 500
    assert snapshot() == before


def test_more_than_in_stock_is_refused_with_a_friendly_message(client, book, someone_else):
    response = client.post(reverse("basket:add", kwargs={"pk": book.product.pk}), {"quantity": 6}, **AJAX)

    assert response.status_code == 400
    # Plain words, and no stock count (issue 15: it was "a maximum of 5 can be bought").
    assert response.json()["messages"] == ["Sorry, we don't have that many copies. Please choose fewer."]


def test_unknown_product_is_a_404(client, someone_else):
    before = snapshot()
    for pk in (999_999, "abc"):
        response = client.post(f"/basket/add/{pk}/", {"quantity": 1}, **AJAX)
        assert response.status_code == 404
    assert snapshot() == before


def test_foreign_line_ids_in_the_basket_formset_change_nothing(client, book, someone_else):
    add_to_basket(client, book, 1)
    mine = Line.objects.exclude(pk=someone_else.pk).get()
    data = basket_formset(someone_else.pk, quantity="5", DELETE="on")
    for headers in ({}, AJAX):
        response = client.post(reverse("basket:summary"), data, **headers)
        assert response.status_code < 500
    mine.refresh_from_db()
    assert mine.quantity == 1


def test_ajax_add_answers_the_new_count(client, book, someone_else):
    response = client.post(reverse("basket:add", kwargs={"pk": book.product.pk}), {"quantity": 2}, **AJAX)

    assert response.status_code == 200
    body = response.json()
    assert body["num_items"] == 2 and body["lines"][0]["title"] == "Cranford"
    assert body["total"] == "€13.00" and "Cranford" in " ".join(body["messages"])


def test_ajax_quantity_update_on_the_basket_page_refreshes_totals(client, book, someone_else):
    add_to_basket(client, book, 1)
    mine = Line.objects.exclude(pk=someone_else.pk).get()
    data = basket_formset(mine.pk, quantity="3")
    body = client.post(reverse("basket:summary"), data, **AJAX).json()

    assert body["num_items"] == 3 and "19.50" in body["content_html"]


def test_login_merge_never_exceeds_stock(client, book, someone_else, django_user_model):
    user = django_user_model.objects.create_user("reader", "reader@example.com", "pw-12345-xyz")
    saved = Basket.objects.create(owner=user)
    saved.strategy = Selector().strategy()
    saved.add_product(book.product, 3, [])
    add_to_basket(client, book, 4)
    StockRecord.objects.filter(pk=book.stockrecord.pk).update(num_in_stock=2)  # sold elsewhere meanwhile

    client.force_login(user)
    client.get(reverse("basket:summary"))  # the first signed-in request merges the anonymous basket

    merged = Basket.open.get(owner=user)
    assert merged.lines.get().quantity == 2


def test_an_unpublished_book_cannot_be_added(client, book, someone_else):
    book.unpublish()
    before = snapshot()

    response = client.post(reverse("basket:add", kwargs={"pk": book.product.pk}), {"quantity": 1}, **AJAX)

    assert 400 <= response.status_code < 500
    assert snapshot() == before
