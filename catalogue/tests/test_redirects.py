"""One canonical URL per book: Oscar's product and category URLs answer 301 to the pages."""

import pytest
from django.urls import reverse

from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db


def test_oscar_product_url_redirects_permanently_to_the_book_page(client):
    book = make_book(make_category(), title="Emma")
    oscar_url = reverse("catalogue:detail", kwargs={"product_slug": book.product.slug, "pk": book.product_id})

    response = client.get(oscar_url)

    assert response.status_code == 301
    assert response["Location"] == book.url
    assert not response.cookies  # no oscar_history cookie, no session


def test_an_unpublished_books_oscar_url_is_not_found(client):
    book = make_book(make_category(), title="Sanditon")
    book.unpublish()
    response = client.get(reverse("catalogue:detail", kwargs={"product_slug": "x", "pk": book.product_id}))
    assert response.status_code == 404


def test_oscar_category_url_redirects_to_the_category_page(client):
    classics = make_category(title="Classics")
    category = classics.oscar_category
    url = reverse("catalogue:category", kwargs={"category_slug": category.full_slug, "pk": category.pk})
    response = client.get(url)
    assert response.status_code == 301 and response["Location"] == classics.url


def test_basket_lines_link_to_the_book_page(client):
    book = make_book(make_category(), title="Persuasion")
    client.post(reverse("basket:add", kwargs={"pk": book.product_id}), {"quantity": 1})
    html = client.get(reverse("basket:summary")).content.decode()
    assert f'href="{book.url}"' in html


def test_oscar_search_url_is_the_shop_search(client):
    make_book(make_category(), title="Middlemarch")
    assert reverse("search:search") == reverse("shop-search") == "/search/"
    response = client.get("/search/", {"q": "Middlemarch"})
    assert response.templates[0].name == "catalogue/search_results.html"
