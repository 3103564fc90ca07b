"""What the shop says to people (issue 15, item 5): names not usernames, plain stock messages
without stock counts, sort kept while paging, and the dashboard sign-in asking for the email."""

import re

import pytest
from django.apps import apps
from django.urls import reverse
from oscar.core.loading import get_model

from catalogue.pages import CategoryPage
from checkout.defaults import create_all
from checkout.tests.steps import add_to_basket
from testing.factories import make_book, make_category, make_shopper

Line = get_model("basket", "Line")
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


@pytest.fixture
def book(db):
    create_all(apps)  # shipping methods for the basket's totals, which a transactional test may have flushed
    return make_book(make_category(), title="Cranford", price="6.50", stock=11)


def test_asking_for_more_copies_than_in_stock_gets_a_plain_message_without_the_count(client, book):
    body = client.post(reverse("basket:add", kwargs={"pk": book.product.pk}), {"quantity": 12}, **AJAX).json()

    assert body["messages"] == ["Sorry, we don't have that many copies. Please choose fewer."]


def test_the_basket_page_says_in_stock_and_asks_to_check_quantities_in_plain_words(client, book):
    add_to_basket(client, book)
    page = client.get(reverse("basket:summary")).content.decode()
    assert "In stock" in page and "available)" not in page  # was "In stock (11 available)"

    line = Line.objects.get()
    formset = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(line.pk),
        "form-0-quantity": "12",
    }
    body = client.post(reverse("basket:summary"), formset, **AJAX).json()

    [warning] = [text for texts in body["messages"].values() for text in texts]
    assert warning == "Please check the quantities below."  # was "Your basket has got some issues…"
    assert "have that many copies" in body["content_html"] and "maximum of" not in body["content_html"]
    assert Line.objects.get().quantity == 1


@pytest.mark.django_db
def test_the_dashboard_sign_in_asks_for_the_email_address(client):
    """The dashboard's login leads to the shop's one sign-in page, which asks for the email."""
    response = client.get(reverse("dashboard:login"), follow=True)
    page = response.content.decode()

    assert response.redirect_chain and response.request["PATH_INFO"] == reverse("account_login")
    assert re.search(r'<input[^>]*type="email"[^>]*name="login"|<input[^>]*name="login"[^>]*type="email"', page)
    assert "Username" not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_customer_is_greeted_by_name_or_email_never_by_the_generated_username(live_server, page):
    make_shopper("reader@example.com", "reader-pass-123", username="Y9rmw5N8_aVCnhVgdm6gMhMm65iV5N")
    page.goto(live_server.url + reverse("account_login"))
    page.locator("#id_login").fill("reader@example.com")
    page.locator("#id_password").fill("reader-pass-123")
    page.locator("#login_form button[type=submit]").click()

    greeting = page.locator("[data-account-greeting]")
    greeting.wait_for()
    assert greeting.inner_text() == "Hello, reader@example.com"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_chosen_sort_is_kept_when_paging_without_pressing_apply(live_server, page, monkeypatch):
    monkeypatch.setattr(CategoryPage, "BOOKS_PER_PAGE", 2)
    shelf = make_category(title="Essays")
    for title in ("Cranford", "Adam Bede", "Villette"):
        make_book(shelf, title=title)
    page.goto(live_server.url + shelf.url)

    page.get_by_label("Sort by").select_option("title")
    page.wait_for_url(re.compile(r".*sort=title.*"))
    page.get_by_role("link", name="Next").click()

    assert "sort=title" in page.url and "page=2" in page.url
    assert page.get_by_role("combobox", name="Sort by").input_value() == "title"
    assert page.get_by_text("Villette").first.is_visible()
