"""Browser journey: an editor publishes a book in the Wagtail admin; a shopper finds and buys it."""

import re

import pytest
from playwright.sync_api import expect

from catalogue.covers import create_cover_image
from catalogue.pages import Author, BookPage
from testing.factories import make_category, make_shopper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_publishes_a_book_and_a_shopper_finds_it_by_author_and_adds_it_to_the_basket(live_server, browser, page):
    fiction = make_category(title="Fiction")
    science_fiction = make_category(fiction, title="Science Fiction")
    Author.objects.create(name="Ursula K. Le Guin", slug="ursula-k-le-guin")
    create_cover_image("The Left Hand of Darkness", "Ursula K. Le Guin", "9780441478125")
    make_shopper("editor@example.com", "editor-pass", username="editor", is_staff=True, is_superuser=True)

    # The editor signs in (the admin's login leads to the shop's one sign-in page) and adds a book
    # under Science Fiction.
    page.goto(live_server.url + "/admin/")
    page.locator("#id_login").fill("editor@example.com")
    page.locator("#id_password").fill("editor-pass")
    page.locator("#login_form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(f"{live_server.url}/admin/pages/{science_fiction.pk}/add_subpage/")
    page.get_by_role("link", name=re.compile(r"^Book\b")).first.click()

    page.locator("#id_title").fill("The Left Hand of Darkness")
    page.get_by_role("button", name="Choose author").click()
    page.get_by_role("dialog").get_by_role("link", name="Ursula K. Le Guin").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.locator("#id_isbn").fill("0-441-47812-3")
    page.locator("#id_price").fill("12.50")
    page.locator("#id_num_in_stock").fill("3")
    page.get_by_role("button", name="Choose an image").click()
    page.get_by_role("dialog").get_by_role("link", name="Cover: The Left Hand of Darkness").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("published", exact=False).first).to_be_visible()

    book = BookPage.objects.get(isbn="9780441478125")
    assert book.live and book.cover is not None
    assert book.stockrecord.price == 12.5 and book.stockrecord.num_in_stock == 3

    # An anonymous shopper searches for the author, opens the book and adds it to the basket.
    shopper = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        visit = shopper.new_page()
        visit.goto(live_server.url + "/")
        search_box = visit.get_by_role("combobox", name="Search books and pages")
        search_box.fill("Le Guin")
        # Autocomplete suggests the author and their book as the shopper types; Enter runs the
        # full search.
        expect(visit.get_by_role("option", name=re.compile("^Ursula K. Le Guin"))).to_be_visible()
        expect(visit.get_by_role("option", name=re.compile("^The Left Hand of Darkness"))).to_be_visible()
        search_box.press("Enter")
        expect(visit.get_by_role("heading", name=re.compile("Results for"))).to_be_visible()
        visit.get_by_role("link", name="The Left Hand of Darkness").click()

        expect(visit.get_by_role("heading", name="The Left Hand of Darkness", level=1)).to_be_visible()
        expect(visit.locator(".price--large")).to_have_text("€12.50")
        cover = visit.get_by_role("img", name="Cover of The Left Hand of Darkness")
        expect(cover).to_be_visible()
        visit.get_by_role("button", name="Add to basket").click()
        visit.wait_for_load_state("networkidle")
        visit.goto(live_server.url + "/basket/")
        expect(visit.locator("#content_inner")).to_contain_text("The Left Hand of Darkness")
        expect(visit.locator("#content_inner")).to_contain_text("€12.50")
        # Recently viewed is kept in the browser (localStorage) and shown on the basket page.
        expect(visit.locator("[data-recently-viewed]")).to_contain_text("The Left Hand of Darkness")
        assert "oscar_history" not in {cookie["name"] for cookie in shopper.cookies()}
    finally:
        shopper.close()
