"""Each demo login of the README signs in through its real login form and does the job the README
gives it. The logins and their rights are made by the same function `load_demo_data` runs."""

import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from oscar.core.loading import get_model
from wagtail.models import Page, Workflow, WorkflowPage, WorkflowState

from catalogue.pages import BookPage
from catalogue.tests.test_editor_stock import book_form
from checkout.paypal import facade
from checkout.tests.steps import ADDRESS, add_to_basket, approved_attempt, local_path
from home.management.commands.load_demo_data import DEMO_USERS, ensure_demo_logins
from home.roles import MODERATION_WORKFLOW
from testing.factories import make_book, make_category, make_home, make_newsletter
from testing.paypal import approve_at_paypal

Order = get_model("order", "Order")
LOGINS = {username: (email, password) for username, email, password, *_ in DEMO_USERS}

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    """A small shop with the demo's logins and roles, as `load_demo_data` makes them."""
    fiction = make_category(title="Fiction")
    ensure_demo_logins(io.StringIO())
    return fiction


def sign_in(client, username, start):
    """The one sign-in form (allauth's), reached from `start`, which takes the email."""
    email, password = LOGINS[username]
    landing = client.get(start, follow=True)
    assert 'name="login"' in landing.content.decode(), f"{start} did not lead to the sign-in form"
    login_url = landing.redirect_chain[-1][0] if landing.redirect_chain else start
    response = client.post(login_url, {"login": email, "password": password})
    assert response.status_code == 302, f"{username} could not sign in from {start}"
    return response


def shop_sign_in(client, username):
    sign_in(client, username, reverse("customer:login"))


def dashboard_sign_in(client, username):
    """The dashboard's sign-in link leads to the same form, and back to the dashboard."""
    response = sign_in(client, username, reverse("dashboard:login"))
    assert response["Location"] == "/dashboard/"


def admin_sign_in(client, username):
    """Wagtail's sign-in link leads to the same form, and back to the admin."""
    response = sign_in(client, username, reverse("wagtailadmin_login"))
    assert response["Location"] == "/admin/", f"{username} could not sign in"


def refused(response):
    """Refused outright, sent to a sign-in page, or (Wagtail's way) sent back to the admin's home."""
    location = response.get("Location", "")
    return response.status_code == 403 or (
        response.status_code == 302 and ("login" in location or location == "/admin/")
    )


def form_data(html, form_id):
    """What the browser would post for the form as shown: every field with its current value."""
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [option for option in options if option.has_attr("selected")]
            if not chosen and options and not field.has_attr("multiple"):
                chosen = options[:1]  # a browser posts a plain select's first option
            data[name] = [option.get("value", option.text) for option in chosen]
        elif field.name == "textarea":
            data[name] = field.text
        else:
            data[name] = field.get("value", "")
    return data


@pytest.fixture
def paid_order(shop, paypal_simulator, django_capture_on_commit_callbacks):
    """A PayPal order paid through the simulator, as the checkout places it."""
    book = make_book(shop, title="Northanger Abbey", price="10.00", stock=3)
    attempt = approved_attempt(book, paypal_simulator, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        return facade.complete_attempt(attempt.pk).order


def test_customer_signs_in_buys_a_book_and_finds_the_order_in_the_account(client, shop, paypal_simulator):
    book = make_book(shop, title="Middlemarch", price="11.50", stock=3)
    shop_sign_in(client, "customer")

    add_to_basket(client, book)
    client.post(reverse("checkout:shipping-address"), ADDRESS)
    client.post(reverse("checkout:shipping-method"), {"method_code": "standard"})
    approve_url = client.post(reverse("checkout:preview"), {"action": "place_order"})["Location"]
    client.get(local_path(approve_at_paypal(approve_url)))

    order = Order.objects.get(user__username="customer")
    assert order.number in client.get(reverse("customer:order-list")).content.decode()
    assert "Middlemarch" in client.get(reverse("customer:order", args=[order.number])).content.decode()
    assert "customer@folio-books.example" in client.get(reverse("customer:profile-view")).content.decode()
    assert refused(client.get(reverse("dashboard:order-list")))
    assert refused(client.get("/admin/"))


def test_editor_publishes_a_new_book_straight_away_and_it_can_be_bought(client, shop):
    admin_sign_in(client, "editor")
    add_book = reverse("wagtailadmin_pages:add", args=["catalogue", "bookpage", shop.pk])

    editor_form = client.get(add_book).content.decode()
    assert 'name="action-publish"' in editor_form and "Submit to" not in editor_form
    form = book_form(price="12.50", num_in_stock="3")
    form["action-publish"] = "action-publish"
    assert client.post(add_book, form).status_code == 302

    book = BookPage.objects.get(slug="the-dispossessed")
    assert book.live and book.is_purchasable
    assert client.get(book.url).status_code == 200
    home = make_home()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[home.pk])).status_code == 200
    assert home.permissions_for_user(book.owner).can_publish()
    assert refused(client.get(reverse("dashboard:order-list")))

    shopper = client.__class__()
    add_to_basket(shopper, book)
    assert shopper.get(reverse("basket:summary")).context["basket"].num_items == 1


def test_moderator_approves_what_an_editor_submits_once_the_shop_switches_moderation_on(client, shop):
    book = make_book(shop, title="Emma", price="9.50", stock=4)
    call_command("moderation", "on", stdout=io.StringIO())
    edit_book = reverse("wagtailadmin_pages:edit", args=[book.pk])

    admin_sign_in(client, "editor")
    editor_form = client.get(edit_book).content.decode()
    assert f"Submit to {MODERATION_WORKFLOW}" in editor_form and 'name="action-publish"' not in editor_form
    form = book_form(book, title="Emma: A Novel")
    form["action-submit"] = "action-submit"
    assert client.post(edit_book, form).status_code == 302
    assert BookPage.objects.get(pk=book.pk).title == "Emma"  # not live until approved

    moderator = client.__class__()
    admin_sign_in(moderator, "moderator")
    task_state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(book.pk)).current_task_state
    assert "Emma: A Novel" in moderator.get(reverse("wagtailadmin_home")).content.decode()  # awaiting review
    approve = reverse("wagtailadmin_pages:workflow_action", args=[book.pk, "approve", task_state.pk])
    assert moderator.post(approve, {"comment": ""}).status_code == 302

    assert BookPage.objects.get(pk=book.pk).title == "Emma: A Novel"
    assert client.get(book.url).status_code == 200


def test_marketer_reaches_the_newsletter_send_screen_but_cannot_edit_books(client, shop):
    book = make_book(shop, title="Odes")
    newsletter = make_newsletter("Autumn books")
    admin_sign_in(client, "marketer")

    send_screen = client.get(f"/admin/newsletters/{newsletter.pk}/send/")
    assert send_screen.status_code == 200 and "Autumn books" in send_screen.content.decode()
    assert refused(client.get(reverse("wagtailadmin_pages:edit", args=[book.pk])))
    assert refused(client.get(reverse("wagtailadmin_pages:edit", args=[make_home().pk])))
    assert refused(client.get(reverse("dashboard:order-list")))


def test_staff_finds_the_order_changes_stock_and_refunds_through_paypal(
    client, paid_order, paypal_simulator, django_capture_on_commit_callbacks
):
    dashboard_sign_in(client, "staff")
    orders = client.get(reverse("dashboard:order-list"))
    assert orders.status_code == 200 and paid_order.number in orders.content.decode()
    order_page = reverse("dashboard:order-detail", args=[paid_order.number])
    assert "Northanger Abbey" in client.get(order_page).content.decode()

    product = paid_order.lines.get().product
    product_page = reverse("dashboard:catalogue-product", args=[product.pk])
    form = form_data(client.get(product_page).content.decode(), "create_update_product_form")
    form["stockrecords-0-num_in_stock"] = "12"
    assert client.post(product_page, form).status_code == 302
    assert product.stockrecords.get().num_in_stock == 12

    with django_capture_on_commit_callbacks(execute=True):
        refund = client.post(
            order_page,
            {"order_action": "create_order_payment_event", "payment_event_type": "refunded", "amount": "23.90"},
            follow=True,
        )
    assert "Payment event created" in refund.content.decode()
    paid_order.refresh_from_db()
    assert paid_order.status == "Refunded"
    assert paypal_simulator.captures[paid_order.paypal_attempt.capture_id]["status"] == "REFUNDED"

    for section in ("offer-list", "voucher-list", "shipping-method-list", "stock-alert-list"):
        assert client.get(reverse(f"dashboard:{section}")).status_code == 200, section
    assert refused(client.get(reverse("dashboard:users-index")))
    assert refused(client.get("/admin/"))


def test_admin_reaches_everything_after_one_sign_in(client, shop):
    admin_sign_in(client, "admin")
    for url in ("/admin/pages/", "/admin/users/", "/admin/newsletters/", "/django-admin/"):
        assert client.get(url).status_code == 200, url
    for section in ("index", "order-list", "users-index", "catalogue-product-list", "partner-list"):
        assert client.get(reverse(f"dashboard:{section}")).status_code == 200, section


def test_an_older_demo_database_gets_the_roles_and_a_second_run_changes_nothing(shop):
    """Wagtail's installer puts every page under moderation; an older demo left staff in no group."""
    root = Page.get_first_root_node()
    workflow = Workflow.objects.get(name=MODERATION_WORKFLOW)
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    staff = get_user_model().objects.get(username="staff")
    staff.groups.clear()

    changes = io.StringIO()
    ensure_demo_logins(changes)

    assert "Demo user staff: now in Shop staff." in changes.getvalue()
    assert not WorkflowPage.objects.filter(page=root).exists() and workflow.active
    staff = get_user_model().objects.get(pk=staff.pk)
    assert staff.has_perm("order.change_order") and not staff.has_perm("auth.change_user")
    second_run = io.StringIO()
    ensure_demo_logins(second_run)
    assert [line for line in second_run.getvalue().splitlines() if not line.startswith("Newsletters:")] == []


def test_moderation_switched_on_stays_on_when_the_demo_is_loaded_again_and_switches_off(shop):
    book = make_book(shop, title="Persuasion")
    editor = get_user_model().objects.get(username="editor")
    call_command("moderation", "on", stdout=io.StringIO())

    ensure_demo_logins(io.StringIO())

    assert book.get_workflow().name == MODERATION_WORKFLOW
    assert not book.permissions_for_user(editor).can_publish()
    status = io.StringIO()
    call_command("moderation", "off", stdout=status)
    editor = get_user_model().objects.get(pk=editor.pk)  # Wagtail caches page rights per user object
    assert book.get_workflow() is None and book.permissions_for_user(editor).can_publish()
    assert "editors publish directly" in status.getvalue()
