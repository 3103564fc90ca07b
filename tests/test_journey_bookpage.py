"""Browser checks for issue 15 items 4, 7 and 9: the book page with its reviews, wish list and
stock alert at phone and desktop widths; home shelves without an orphan row; the dashboard's order
page without a script error. Screenshots go to var/test-artifacts/."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_order

from conftest import ARTIFACTS_DIR
from testing.factories import make_book, make_category, make_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ProductReview = get_model("reviews", "ProductReview")
Basket = get_model("basket", "Basket")
Default = get_class("partner.strategy", "Default")
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def screenshot(page, name):
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)


def collect_errors(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_the_book_page_shows_reviews_rating_wish_list_and_stock_alert(live_server, page):
    shelf = make_category(title="Classics")
    book = make_book(shelf, title="Middlemarch", author="George Eliot", cover=True)
    sold_out = make_book(shelf, title="Sanditon", author="Jane Austen", stock=0, cover=True)
    reader = get_user_model().objects.create_user("ada@example.com", "ada@example.com", "pw", first_name="Ada")
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(book.product)
    create_order(basket=basket, user=reader)
    ProductReview.objects.create(
        product=book.product, user=reader, score=5, title="A whole town in a book", body="Generous.", status=1
    )
    errors = collect_errors(page)
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server.url + book.url)
        reviews = page.get_by_role("region", name="Reviews")
        assert reviews.get_by_text("5.0 out of 5").is_visible()
        assert reviews.get_by_role("heading", name="A whole town in a book").is_visible()
        assert reviews.get_by_text("Verified buyer").is_visible()
        assert page.get_by_role("button", name="Add to wish list").is_visible()
        screenshot(page, f"book-page-{name}")
        page.goto(live_server.url + sold_out.url)
        assert page.get_by_label("Email me when it's back").is_visible()
        screenshot(page, f"book-page-out-of-stock-{name}")

    page.goto(live_server.url + book.url)
    page.get_by_role("link", name="Write a review").click()
    assert "/accounts/login/" in page.url  # signed-in readers only
    assert errors == []


def test_home_shelves_of_eight_books_leave_no_orphan_row(live_server, page):
    home = make_home()
    shelf = make_category(title="Classics")
    books = [make_book(shelf, title=f"Shelf Book {n}", author="Writer", cover=True) for n in range(8)]
    home.body = [("featured_books", {"heading": "Featured books", "books": books})]
    home.save_revision().publish()
    for width in (390, 600, 800, 1024, 1280, 1600):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/")
        tops = page.eval_on_selector_all(".featured .book-card", "cards => cards.map(c => c.offsetTop)")
        rows = {top: tops.count(top) for top in tops}
        assert len(tops) == 8 and len(set(rows.values())) == 1, f"{width}px: cards per row {rows}"
    screenshot(page, "home-shelves-1600")


def test_the_dashboard_order_page_runs_its_script_without_errors(live_server, page):
    make_home()
    book = make_book(make_category(), title="Emma")
    staff = get_user_model().objects.create_superuser("boss@example.com", "boss@example.com", "pw")
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(book.product)
    order = create_order(basket=basket, user=staff)
    client = Client()
    client.force_login(staff)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    errors = collect_errors(page)
    page.goto(f"{live_server.url}/dashboard/orders/{order.number}/")
    assert page.get_by_role("heading", name=f"Order #{order.number}").is_visible()
    assert errors == []
