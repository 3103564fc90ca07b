"""Issue 15 item 7 and "a form page": editors own the footer's links and the information pages;
the contact form keeps submissions, mails staff through the outbox and turns spam away."""

import pytest
from django.core.cache import cache
from wagtail.models import Site

from home.models import FooterLinks, FormField, FormPage, StandardPage
from outbox.models import OutboxEmail
from testing.factories import make_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return make_home()


@pytest.fixture
def contact(home):
    page = FormPage(
        title="Contact us",
        slug="contact",
        to_address="shop@folio-books.example",
        from_address="shop@folio-books.example",
        subject="New message from the contact form",
        thank_you_text="<p>Thanks, we answer within a day.</p>",
    )
    page.form_fields = [
        FormField(label="Your email", field_type="email", required=True, sort_order=0),
        FormField(label="Message", field_type="multiline", required=True, sort_order=1),
    ]
    home.add_child(instance=page)
    page.save_revision().publish()
    cache.clear()  # the submission counter of earlier tests
    return FormPage.objects.get(pk=page.pk)


def publish_standard_page(home, title, slug):
    page = home.add_child(instance=StandardPage(title=title, slug=slug, body="<p>Text.</p>"))
    page.save_revision().publish()
    return page


def test_the_footer_shows_the_links_editors_set_and_a_change_shows_on_cached_pages(client, home, settings):
    settings.SHARED_PAGE_CACHE = True
    returns = publish_standard_page(home, "Shipping and returns", "shipping-and-returns")
    imprint = publish_standard_page(home, "Imprint", "imprint")
    assert "Shipping and returns</a>" not in client.get("/").content.decode()

    footer = FooterLinks.for_site(Site.objects.get(is_default_site=True))
    footer.links = [("link", {"page": returns, "label": ""}), ("link", {"page": imprint, "label": "Who we are"})]
    footer.save()

    html = client.get("/").content.decode().split('class="site-footer"')[1]
    assert f'<a href="{returns.url}">Shipping and returns</a>' in html
    assert f'<a href="{imprint.url}">Who we are</a>' in html
    assert html.index("Shipping and returns") < html.index("Who we are")
    assert client.get(returns.url).status_code == 200


def test_a_contact_message_is_kept_mailed_to_staff_and_thanked(client, contact):
    page = client.get(contact.url)
    html = page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0, s-maxage=")  # the form page stays cacheable
    assert 'name="csrfmiddlewaretoken" value=""' in html and 'name="website"' in html

    response = client.post(contact.url, {"your_email": "reader@example.com", "message": "Do you stock Sebald?"})

    assert response.status_code == 200 and "Thanks, we answer within a day." in response.content.decode()
    submission = contact.get_submission_class().objects.get(page=contact)
    assert submission.get_data()["message"] == "Do you stock Sebald?"
    mail = OutboxEmail.objects.get()
    assert mail.to == ["shop@folio-books.example"] and "Do you stock Sebald?" in mail.body


def test_a_filled_honeypot_is_thanked_but_nothing_is_kept_or_sent(client, contact):
    response = client.post(
        contact.url, {"your_email": "bot@example.com", "message": "Buy now", "website": "http://spam.example"}
    )
    assert response.status_code == 200 and "Thanks, we answer within a day." in response.content.decode()
    assert not contact.get_submission_class().objects.exists()
    assert not OutboxEmail.objects.exists()


def test_more_submissions_than_the_limit_are_refused_with_a_message(client, contact, settings):
    settings.FORM_PAGE_SUBMISSIONS_PER_WINDOW = 2
    for number in range(2):
        client.post(contact.url, {"your_email": "reader@example.com", "message": f"Note {number}"})
    refused = client.post(contact.url, {"your_email": "reader@example.com", "message": "Note 3"})
    assert refused.status_code == 429
    assert "Please wait a little and try again" in refused.content.decode()
    assert contact.get_submission_class().objects.count() == 2 and OutboxEmail.objects.count() == 2


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"your_email": "not an address", "message": "Hi"}, "Enter a valid email address."),
        ({"your_email": "reader@example.com", "message": "Nul\x00"}, "Null characters are not allowed."),
        ({"your_email": "reader@example.com"}, "This field is required."),
    ],
)
def test_bad_contact_input_gets_a_message_and_nothing_is_kept(client, contact, fields, message):
    response = client.post(contact.url, fields)
    assert response.status_code == 200 and message in response.content.decode()
    assert not contact.get_submission_class().objects.exists() and not OutboxEmail.objects.exists()
