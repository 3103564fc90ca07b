"""Issue 15 item 4: reviews, the wish list and the stock alert live on the book page.

A signed-in reader writes a review from the book page; it shows on the (cached, shared) book page
only once staff approve it in the Oscar dashboard, with the average rating and a "Verified buyer"
badge for readers who bought the book. Oscar's review pages redirect to the book page."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_order

from catalogue.book_reviews import BODY_MAX_LENGTH
from home.roles import SHOP_STAFF, ensure_roles
from outbox.models import OutboxEmail
from testing.factories import make_book, make_category
from tests.cache.shoppers import form_fields

pytestmark = pytest.mark.django_db

ProductReview = get_model("reviews", "ProductReview")
ProductAlert = get_model("customer", "ProductAlert")
WishList = get_model("wishlists", "WishList")
Basket = get_model("basket", "Basket")
Default = get_class("partner.strategy", "Default")
User = get_user_model()


@pytest.fixture
def book():
    return make_book(make_category(title="Classics"), title="Emma", author="Jane Austen", stock=3)


@pytest.fixture(autouse=True)
def shared_page_cache(settings):
    """Anonymous book pages come from the shared page cache, as in production."""
    settings.SHARED_PAGE_CACHE = True


def reader(email="reader@example.com", first_name="Ada", last_name="Lovelace"):
    return User.objects.create_user(
        username=email, email=email, password="pw", first_name=first_name, last_name=last_name
    )


def staff_member():
    ensure_roles()
    staff = User.objects.create_user(username="staff", email="staff@example.com", password="pw", is_staff=True)
    staff.groups.add(Group.objects.get(name=SHOP_STAFF))
    return staff


def write_review(client, book, **fields):
    form = {"score": "4", "title": "Sharp and funny", "body": "Emma meddles; I laughed throughout.", **fields}
    return client.post(f"/reviews/{book.product_id}/write/", form)


def approve_in_dashboard(client, review):
    """What staff do: open the review in the dashboard, set it to Approved, save."""
    path = f"/dashboard/reviews/{review.pk}/"
    page = client.get(path)
    assert page.status_code == 200
    fields = dict(form_fields(page.content.decode(), form_id="create_update_review_form"))
    fields.pop("csrfmiddlewaretoken", None)
    fields["status"] = str(ProductReview.APPROVED)
    response = client.post(path, fields)
    assert response.status_code == 302, (fields, response.context["form"].errors)


def test_a_review_written_from_the_book_page_shows_there_only_once_staff_approve_it(client, book):
    page = client.get(book.url)
    html = page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0, s-maxage=")
    assert 'id="reviews"' in html and "No reviews yet" in html
    assert f'href="/reviews/{book.product_id}/write/"' in html and 'id="addreview"' in html

    ada = reader()
    client.force_login(ada)
    form = client.get(f"/reviews/{book.product_id}/write/")
    assert form.status_code == 200 and "Review “Emma”" in form.content.decode()
    sent = write_review(client, book)
    assert sent.status_code == 302 and sent["Location"] == book.url + "#reviews"
    assert "once we have read it" in client.get(sent["Location"]).content.decode()
    review = ProductReview.objects.get(product=book.product)
    assert review.status == ProductReview.FOR_MODERATION
    client.logout()

    pending = client.get(book.url).content.decode()
    assert "Sharp and funny" not in pending and "No reviews yet" in pending

    client.force_login(staff_member())
    approve_in_dashboard(client, review)
    client.logout()
    client.cookies.clear()

    approved = client.get(book.url)
    html = approved.content.decode()
    assert approved["Cache-Control"].startswith("max-age=0, s-maxage=")
    assert "Sharp and funny" in html and "Emma meddles" in html
    assert "4.0 out of 5" in html and "1 review" in html
    assert "Ada L." in html and "Lovelace" not in html and "reader@example.com" not in html
    assert "Verified buyer" not in html


def test_a_reader_who_bought_the_book_gets_the_verified_buyer_badge(client, book):
    buyer, browser = reader("buyer@example.com", "Ben", "Buyer"), reader("browser@example.com", "Cleo", "")
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(book.product)
    create_order(basket=basket, user=buyer)
    for user, title in ((buyer, "Bought and loved it"), (browser, "Borrowed it")):
        client.force_login(user)
        assert write_review(client, book, title=title, score="5").status_code == 302
    ProductReview.objects.update(status=ProductReview.APPROVED)
    ProductReview.objects.first().save()  # recomputes the rating; bumps the book's version
    client.logout()

    html = client.get(book.url).content.decode()
    badges = html.split('class="review"')[1:]
    bought = next(part for part in badges if "Bought and loved it" in part)
    borrowed = next(part for part in badges if "Borrowed it" in part)
    assert "Verified buyer" in bought and "Verified buyer" not in borrowed
    assert "Ben B." in bought and "Cleo" in borrowed
    assert "5.0 out of 5" in html and "2 reviews" in html


def test_writing_a_review_needs_an_account_and_one_review_per_reader(client, book):
    anonymous = client.get(f"/reviews/{book.product_id}/write/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/?next=/reviews/")

    client.force_login(reader())
    write_review(client, book)
    again = client.get(f"/reviews/{book.product_id}/write/", follow=True)
    assert "already reviewed this book" in again.content.decode()
    assert ProductReview.objects.count() == 1


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"score": "9"}, "Select a valid choice"),
        ({"score": ""}, "Choose a rating from 1 to 5 stars."),
        ({"title": "Nul\x00byte"}, "Null characters are not allowed."),
        ({"body": "x" * (BODY_MAX_LENGTH + 1)}, f"at most {BODY_MAX_LENGTH} characters"),
        ({"title": "   "}, "This field is required."),
    ],
)
def test_bad_review_input_gets_a_message_and_saves_nothing(client, book, fields, message):
    client.force_login(reader())
    response = write_review(client, book, **fields)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ProductReview.objects.exists()


def test_a_review_for_a_book_not_on_sale_is_not_found(client, book):
    client.force_login(reader())
    assert client.get("/reviews/999999/write/").status_code == 404
    book.unpublish()
    assert write_review(client, book).status_code == 404


def test_oscars_review_pages_redirect_to_the_book_pages_reviews(client, book):
    for tail in ("", "add/", "1/"):
        response = client.get(f"/catalogue/{book.product.slug}_{book.product_id}/reviews/{tail}")
        assert response.status_code == 301 and response["Location"] == book.url + "#reviews"


def test_a_signed_in_reader_adds_the_book_to_their_wish_list_from_its_page(client, book):
    html = client.get(book.url).content.decode()
    action = f"/accounts/wishlists/add/{book.product_id}/"
    assert f'action="{action}"' in html and "Add to wish list" in html
    ada = reader()
    client.force_login(ada)
    response = client.post(action, HTTP_REFERER=book.url)
    assert response.status_code == 302 and response["Location"] == book.url
    assert list(WishList.objects.get(owner=ada).lines.values_list("product_id", flat=True)) == [book.product_id]


def test_an_out_of_stock_book_offers_an_email_when_it_is_back(client, book):
    assert "Email me when it's back" not in client.get(book.url).content.decode()
    sold_out = make_book(make_category(title="Crime"), title="The Moonstone", author="Wilkie Collins", stock=0)

    html = client.get(sold_out.url).content.decode()
    action = f"/accounts/alerts/create/{sold_out.product_id}/"
    assert "Out of stock" in html and "Email me when it's back" in html and f'action="{action}"' in html
    assert 'name="csrfmiddlewaretoken" value=""' in html  # the cached page carries no token

    response = client.post(action, {"email": "waiting@example.com"})
    assert response.status_code == 302 and response["Location"] == sold_out.url
    alert = ProductAlert.objects.get(product=sold_out.product)
    assert alert.email == "waiting@example.com" and alert.status == ProductAlert.UNCONFIRMED
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [["waiting@example.com"]]
