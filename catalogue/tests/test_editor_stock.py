"""The "Price and stock" panel of the BookPage editor reads and writes the Oscar StockRecord.

These drive Wagtail's real create and edit views with the Django test client, as an editor.
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from catalogue.pages import Author, BookPage
from testing.factories import make_book, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pass")
    client.force_login(user)
    return client


def authors_formset(book, author):
    """The authors inline as the editor posts it: the book's existing link, or a new one."""
    link = book.book_authors.first() if book else None
    return inline_formset(
        [{"author": author.pk, "id": link.pk if link else "", "ORDER": "1"}], initial=1 if link else 0, min=1
    )


def book_form(book=None, **changes):
    """The editor's form as the browser posts it, from `book`'s values plus `changes`."""
    author = book.authors[0] if book else Author.objects.get_or_create(slug="ursula", defaults={"name": "Ursula"})[0]
    fields = {
        "title": book.title if book else "The Dispossessed",
        "slug": book.slug if book else "the-dispossessed",
        "subtitle": "",
        "isbn": book.isbn if book else "0-06-051275-X",
        "publisher": "",
        "publication_year": "",
        "book_format": "paperback",
        "page_count": "",
        "language": "English",
        "description": "",
        "price": str(book.price) if book and book.price is not None else "",
        "num_in_stock": str(book.stockrecord.num_in_stock) if book and book.stockrecord else "",
        "body": streamfield([]),
        "book_authors": authors_formset(book, author),
        "comments": inline_formset([]),
        "seo_title": "",
        "search_description": "",
    }
    fields.update(changes)
    return nested_form_data(fields)


def test_changing_the_price_in_the_page_editor_changes_the_stock_record(editor_client):
    book = make_book(make_category(), title="Emma", price="9.50", stock=4)
    form = book_form(book, price="12.75")

    response = editor_client.post(reverse("wagtailadmin_pages:edit", args=[book.pk]), form)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    record = BookPage.objects.get(pk=book.pk).stockrecord
    assert record.price == Decimal("12.75")
    assert record.num_in_stock == 4  # untouched fields are not rewritten
    assert book.product.stockrecords.count() == 1


def test_publishing_from_the_page_editor_with_a_new_price_changes_the_stock_record(editor_client):
    book = make_book(make_category(), title="Sense and Sensibility", price="9.50", stock=4)
    form = book_form(book, price="12.75")
    form["action-publish"] = "Publish"

    response = editor_client.post(reverse("wagtailadmin_pages:edit", args=[book.pk]), form)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    book = BookPage.objects.get(pk=book.pk)
    assert book.live and book.stockrecord.price == Decimal("12.75")
    assert book.stockrecord.num_in_stock == 4


def test_the_editor_shows_the_current_price_and_stock(editor_client):
    book = make_book(make_category(), title="Persuasion", price="7.25", stock=11)
    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=[book.pk])).content.decode()
    assert 'name="price"' in html and 'value="7.25"' in html
    assert 'name="num_in_stock"' in html and 'value="11"' in html


def test_a_new_book_published_with_price_and_stock_is_for_sale(editor_client):
    category = make_category(title="Science Fiction")
    form = book_form(price="12.50", num_in_stock="3")
    form["action-publish"] = "action-publish"

    response = editor_client.post(reverse("wagtailadmin_pages:add", args=["catalogue", "bookpage", category.pk]), form)

    assert response.status_code == 302
    book = BookPage.objects.get(slug="the-dispossessed")
    assert book.isbn == "9780060512750"  # the ISBN-10 was converted
    assert book.live and book.is_purchasable
    assert (book.stockrecord.price, book.stockrecord.num_in_stock) == (Decimal("12.50"), 3)
    assert book.product.is_public and book.product.stockrecords.count() == 1


def test_a_draft_keeps_its_price_and_stays_unbuyable(editor_client):
    category = make_category(title="Drafts")
    response = editor_client.post(
        reverse("wagtailadmin_pages:add", args=["catalogue", "bookpage", category.pk]),
        book_form(price="5.00", num_in_stock="2"),
    )
    assert response.status_code == 302
    book = BookPage.objects.get(slug="the-dispossessed")
    assert not book.live and not book.is_purchasable
    assert book.stockrecord.price == Decimal("5.00")
    assert not book.product.is_public


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"price": "-1"}, "price", "greater than or equal to 0.01"),
        ({"price": "abc"}, "price", "Enter a number"),
        ({"price": "", "num_in_stock": "4"}, "price", "Set a price"),
        ({"num_in_stock": "-2"}, "num_in_stock", "greater than or equal to 0"),
        ({"isbn": "9780141439519"}, "isbn", "not a valid ISBN"),
    ],
)
def test_bad_values_get_a_form_error_and_change_nothing(editor_client, changes, field, message):
    category = make_category(title="Errors")
    response = editor_client.post(
        reverse("wagtailadmin_pages:add", args=["catalogue", "bookpage", category.pk]),
        book_form(**{"price": "5.00", "num_in_stock": "1", **changes}),
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not BookPage.objects.exists()


def test_a_duplicate_isbn_is_refused(editor_client):
    existing = make_book(make_category(title="Poetry"), title="The Prelude")
    response = editor_client.post(
        reverse("wagtailadmin_pages:add", args=["catalogue", "bookpage", existing.get_parent().pk]),
        book_form(isbn=existing.isbn, slug="another", price="5.00"),
    )
    assert response.status_code == 200
    assert "already exists" in " ".join(response.context["form"].errors["isbn"])
    assert BookPage.objects.count() == 1


def test_copying_a_book_makes_a_draft_that_needs_its_own_isbn(editor_client):
    book = make_book(make_category(), title="Emma", price="9.50", stock=4)

    response = editor_client.post(
        reverse("wagtailadmin_pages:copy", args=[book.pk]),
        {"new_title": "Emma (annotated)", "new_slug": "emma-annotated", "new_parent_page": book.get_parent().pk},
    )

    assert response.status_code == 302
    copy = BookPage.objects.get(slug="emma-annotated")
    assert copy.isbn is None and copy.product_id is None and not copy.live
    assert BookPage.objects.get(pk=book.pk).product.stockrecords.count() == 1
    edit = editor_client.post(reverse("wagtailadmin_pages:edit", args=[copy.pk]), book_form(copy, isbn=""))
    assert edit.context["form"].errors["isbn"] == ["Enter the book's ISBN (ISBN-13 or ISBN-10)."]


def test_a_locked_book_keeps_its_price_when_another_editor_saves(client, editor_client):
    book = make_book(make_category(), title="Emma", price="9.50", stock=4)
    editor_client.post(reverse("wagtailadmin_pages:lock", args=[book.pk]))
    assert BookPage.objects.get(pk=book.pk).locked

    client.force_login(get_user_model().objects.create_superuser("other", "other@example.com", "pass"))
    form = book_form(BookPage.objects.get(pk=book.pk), price="1.00")
    client.post(reverse("wagtailadmin_pages:edit", args=[book.pk]), form)

    assert BookPage.objects.get(pk=book.pk).stockrecord.price == Decimal("9.50")


def test_a_book_submitted_for_moderation_is_for_sale_only_once_approved(editor_client):
    category = make_category(title="Moderated")
    form = book_form(price="12.50", num_in_stock="3")
    form["action-submit"] = "Submit for moderation"

    response = editor_client.post(reverse("wagtailadmin_pages:add", args=["catalogue", "bookpage", category.pk]), form)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    book = BookPage.objects.get(slug="the-dispossessed")
    workflow_state = book.current_workflow_state
    assert workflow_state is not None and workflow_state.status == "in_progress"
    assert not book.live and not book.is_purchasable

    moderator = get_user_model().objects.create_superuser("moderator", "moderator@example.com", "pass")
    task_state = workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")

    book = BookPage.objects.get(pk=book.pk)
    assert book.live
    assert book.product.is_public and book.is_purchasable
    assert book.price == Decimal("12.50") and book.stockrecord.num_in_stock == 3


def test_the_editor_can_type_a_hyphenated_isbn(editor_client):
    category = make_category(title="Science")
    add_url = reverse("wagtailadmin_pages:add", args=["catalogue", "bookpage", category.pk])
    assert 'maxlength="13"' not in editor_client.get(add_url).content.decode()  # cut "978-0-306-40615-7" short
    form = book_form(isbn="978-0-306-40615-7")
    form["action-publish"] = "action-publish"

    assert editor_client.post(add_url, form).status_code == 302

    assert BookPage.objects.get(slug="the-dispossessed").isbn == "9780306406157"
