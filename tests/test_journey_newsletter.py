"""Browser journey: sign up on the home page, confirm, then a marketer composes and sends a newsletter.

Real pieces throughout: Chromium through Playwright, the live server, and an aiosmtpd SMTP
server that receives the confirmation mail, the marketer's test and the newsletter itself.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from newsletters.models import Delivery, NewsletterIndexPage, Subscriber
from testing.factories import make_book, make_category, make_home, make_shopper
from testing.smtp import SmtpSink, use_sink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sink(settings, live_server):
    settings.NEWSLETTER_SEND_RATE = 0
    settings.NEWSLETTER_SITE_URL = live_server.url
    with SmtpSink() as running:
        use_sink(settings, running)
        yield running


@pytest.fixture
def shop():
    home = make_home()
    home.body = [("newsletter_signup", {"heading": "Our newsletter", "text": "New books, once a month."})]
    home.save_revision().publish()
    poetry = make_category(title="Poetry")
    book = make_book(poetry, title="Leaves of Grass", author="Walt Whitman", price="12.40")
    call_command("setup_newsletters", verbosity=0)
    marketer = make_shopper("marketer@example.com", "marketer-pass", username="marketer", first_name="Mara")
    marketer.groups.add(Group.objects.get(name="Marketers"))
    return {"book": book, "archive": NewsletterIndexPage.objects.get()}


def only_message_to(sink, address):
    [message] = sink.messages_to(address)
    return message


def test_visitor_subscribes_and_marketer_sends_a_newsletter_with_a_book(live_server, page, sink, shop):
    # A visitor signs up from the home page block and confirms with the link from the mail.
    page.goto(live_server.url + "/")
    signup = page.get_by_role("region", name="Our newsletter")
    signup.get_by_label("Email address").fill("reader@example.com")
    signup.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    confirmation = only_message_to(sink, "reader@example.com").get_content()
    page.goto(re.search(r"http://\S+/newsletters/confirm/\S+/", confirmation).group(0))
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", name="You’re subscribed")).to_be_visible()

    # The marketer logs in and writes a newsletter with a book block.
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_login").fill("marketer@example.com")
    page.locator("#id_password").fill("marketer-pass")
    page.locator("#login_form button[type=submit]").click()
    page.goto(f"{live_server.url}/admin/pages/{shop['archive'].pk}/")
    page.get_by_role("link", name="Add child page").first.click()
    page.locator("#id_title").fill("Spring picks")
    page.locator("#id_subject").fill("Spring picks from Folio")
    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Book").click()
    page.get_by_role("button", name="Choose a page").click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("textbox", name="Search term").fill("Leaves")
    chooser.get_by_role("link", name="Leaves of Grass").click()
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text(re.compile(r"Spring picks.{1,3}created and published"))).to_be_visible()

    # Audience, test send, then send to all with a confirmation showing the audience size.
    page.goto(live_server.url + "/admin/newsletters/")
    page.get_by_role("link", name="Send…").click()
    expect(page.locator("[data-audience-size]")).to_have_text("1")
    page.get_by_role("button", name="Send test").click()
    expect(page.get_by_text("Test sent to marketer@example.com.")).to_be_visible()
    assert only_message_to(sink, "marketer@example.com")["Subject"] == "[Test] Spring picks from Folio"
    page.get_by_role("button", name="Send now…").click()
    expect(page.get_by_text("Send “Spring picks” to 1 subscriber now?")).to_be_visible()
    page.get_by_role("button", name="Yes, send to 1 subscriber").click()
    expect(page.get_by_role("heading", name="Final report")).to_be_visible()
    expect(page.locator("[data-count=sent]")).to_have_text("1")
    expect(page.locator("[data-count=remaining]")).to_have_text("0")

    # The subscriber's newsletter shows the book with its price, and its unsubscribe link works.
    newsletter = [m for m in sink.messages_to("reader@example.com") if m["Subject"] == "Spring picks from Folio"]
    assert len(newsletter) == 1
    html = newsletter[0].get_body(("html",)).get_content()
    assert "Leaves of Grass" in html and "€12.40" in html
    assert shop["book"].url in html
    unsubscribe = re.search(r'href="(http://[^"]+/newsletters/unsubscribe/[^"]+/)"', html).group(1)
    assert newsletter[0]["List-Unsubscribe"] == f"<{unsubscribe}>"
    page.goto(unsubscribe)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You’re unsubscribed")).to_be_visible()
    assert Subscriber.objects.get(email="reader@example.com").status == Subscriber.Status.UNSUBSCRIBED
    assert Delivery.objects.get().status == Delivery.Status.SENT
