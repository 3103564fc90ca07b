"""Load the demo shop: pages, categories, 150+ books with covers and stock, the information pages
and the contact form linked from the footer, and demo users.

Safe to run again: everything is looked up before it is created, so a second run changes nothing.
"""

import csv
import io
from email.utils import parseaddr
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site as DjangoSite
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from catalogue.covers import PALETTE
from catalogue.pages import BookPage, CategoryPage
from home.models import FooterLinks, FormField, FormPage, HomePage, StandardPage
from home.roles import EDITORS, MODERATORS, SHOP_STAFF, ensure_roles

FIXTURES = settings.BASE_DIR / "fixtures"

# Development-only logins, one per role, printed by `make run` and listed in the README.
DEMO_USERS = [
    # username, email, password, is_superuser, is_staff, groups
    ("customer", "customer@folio-books.example", "customer-demo-pass", False, False, []),
    ("editor", "editor@folio-books.example", "editor-demo-pass", False, False, [EDITORS]),
    ("moderator", "moderator@folio-books.example", "moderator-demo-pass", False, False, [MODERATORS]),
    ("marketer", "marketer@folio-books.example", "marketer-demo-pass", False, False, ["Marketers"]),
    ("staff", "staff@folio-books.example", "staff-demo-pass", False, True, [SHOP_STAFF]),
    ("admin", "admin@folio-books.example", "admin-demo-pass", True, True, []),
]


def ensure_demo_logins(stdout):
    """The roles with their rights, then one login per role in its group. A demo database made
    before a role existed has its users moved into their groups."""
    for change in ensure_roles():
        stdout.write(f"Roles: {change}.\n")
    call_command("setup_newsletters", stdout=stdout)  # the Marketers group and its rights
    User = get_user_model()
    for username, email, password, is_superuser, is_staff, group_names in DEMO_USERS:
        groups = set(Group.objects.filter(name__in=group_names))
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                email=email,
                password=password,
                is_superuser=is_superuser,
                is_staff=is_staff,
                first_name=username.capitalize(),
                last_name="Demo",
            )
            user.groups.set(groups)
            stdout.write(f"Created demo user {username}.\n")
        elif set(user.groups.all()) != groups:
            user.groups.set(groups)
            stdout.write(f"Demo user {username}: now in {', '.join(group_names) or 'no group'}.\n")
        # Sign-in requires a verified address (docs/accounts.md); the demo's are verified already.
        _, created = EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if created:
            stdout.write(f"Demo user {username}: email address marked verified.\n")


# The pages every shop needs, linked from the footer in this order; editors rewrite them.
INFORMATION_PAGES = [
    (
        "shipping-and-returns",
        "Shipping and returns",
        "<p>Standard delivery takes 3–5 working days and is free from €40; Express arrives the next "
        "working day. You can return any book within 30 days for a full refund: write to us through "
        "the contact page and we send you a return label.</p>",
    ),
    (
        "privacy",
        "Privacy",
        "<p>We keep what we need to deliver your order and answer your questions: your name, "
        "addresses, email and order history. Payments are handled by PayPal; we never see card "
        "details. The newsletter is sent only after you confirm your address, and every issue has "
        "a one-click unsubscribe link.</p>",
    ),
    (
        "terms",
        "Terms and conditions",
        "<p>Prices include VAT. A contract is made when we confirm your order by email. If a book "
        "turns out to be unavailable after you ordered it, we tell you and refund you at once.</p>",
    ),
    (
        "imprint",
        "Imprint",
        "<p>Folio Books (demo shop). Responsible for content: the Folio Books editorial team, "
        "shop@folio-books.example.</p>",
    ),
]
CONTACT_SLUG = "contact"
CONTACT_FIELDS = [
    # label, field type, required, choices
    ("Your name", "singleline", True, ""),
    ("Your email", "email", True, ""),
    ("What is it about?", "dropdown", True, "A question about an order\nRequest a book\nEvents\nSomething else"),
    ("Message", "multiline", True, ""),
]
HERO_IMAGE_TITLE = "Home hero: a shelf of books"


def draw_hero_image():
    """PNG bytes of a shelf of book spines in the cover palette (drawn, so no binary in the repo)."""
    width, height = 1200, 800
    image = Image.new("RGB", (width, height), "#f6ece4")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 640, width, 680], fill="#8a6d1d")
    x = 60
    for number in range(26):
        spine_width = 30 + (number * 17) % 25
        top = 220 + (number * 53) % 140
        draw.rectangle([x, top, x + spine_width, 640], fill=PALETTE[number % len(PALETTE)])
        draw.line([(x + 6, top + 30), (x + spine_width - 6, top + 30)], fill="#f4efe6", width=3)
        x += spine_width + 6
        if x > width - 90:
            break
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Load the demo bookshop (idempotent): pages, categories, books, stock and demo users."

    def handle(self, **options):
        with transaction.atomic():
            home = self.ensure_home_page()
            self.ensure_site_domain()
            self.ensure_categories(home)
        call_command("import_books", str(FIXTURES / "books.csv"), stdout=self.stdout, stderr=self.stderr)
        with transaction.atomic():
            self.ensure_home_page_blocks(home)
            self.ensure_hero_image(home)
            self.ensure_information_pages(home)
            ensure_demo_logins(self.stdout)
        # Working screens for marketers and staff; those apps own their demo rows.
        call_command("load_demo_subscribers", stdout=self.stdout)
        call_command("load_demo_orders", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins (development only):"))
        for username, email, password, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<9} {email:<30} password: {password}")

    def ensure_home_page(self):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            # Wagtail's installer leaves a placeholder "Welcome" page; the shop replaces it.
            placeholders = root.get_children().exclude(content_type__model="homepage")
            placeholder_slugs = list(placeholders.values_list("slug", flat=True))
            home = root.add_child(instance=HomePage(title="Folio Books", slug="folio-books"))
            Site.objects.update_or_create(
                is_default_site=True,
                defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Folio Books"},
            )
            for page in Page.objects.filter(depth=2, slug__in=placeholder_slugs).exclude(pk=home.pk):
                page.delete()
            self.stdout.write("Created the home page.")
        return home

    def ensure_site_domain(self):
        """Django's Site names the host in sitemaps and Oscar's emails; its default is example.com."""
        domain = urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc
        DjangoSite.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": "Folio Books"})

    def ensure_categories(self, home):
        created = 0
        with open(FIXTURES / "categories.csv", newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if CategoryPage.objects.filter(slug=row["slug"]).exists():
                    continue
                parent = CategoryPage.objects.get(slug=row["parent"]) if row["parent"] else home
                page = parent.add_child(
                    instance=CategoryPage(
                        title=row["title"], slug=row["slug"], introduction=row["introduction"], show_in_menus=True
                    )
                )
                page.save_revision().publish()
                created += 1
        self.stdout.write(f"Categories: {created} created, {CategoryPage.objects.count()} in all.")

    def ensure_home_page_blocks(self, home):
        if home.body:
            return
        featured = list(BookPage.objects.live().order_by("path"))[::20][:8]
        first_category = CategoryPage.objects.live().filter(depth=4).order_by("path").first()
        home.body = [
            (
                "hero",
                {
                    "heading": "Stories worth keeping",
                    "text": "Classics, science fiction, history and ideas, in handsome editions, sent the next day.",
                    "link_page": first_category,
                    "link_text": f"Browse {first_category.title}" if first_category else "",
                },
            ),
            ("featured_books", {"heading": "Featured books", "books": featured}),
            ("new_in_category", {"category": first_category, "heading": "", "count": 8}),
            ("newsletter_signup", {"heading": "Our newsletter", "text": "New books and reading lists, once a month."}),
        ]
        home.save_revision().publish()
        self.stdout.write("Filled the home page.")

    def ensure_hero_image(self, home):
        """Give the home page's hero banners that have no picture the demo shelf picture."""
        body = list(home.body.raw_data)
        bare = [
            block for block in body if block["type"] == "hero" and not (block["value"].get("image") or {}).get("image")
        ]
        if not bare:
            return
        WagtailImage = get_image_model()
        picture = WagtailImage.objects.filter(title=HERO_IMAGE_TITLE).first()
        if picture is None:
            picture = WagtailImage(title=HERO_IMAGE_TITLE)
            picture.file = ImageFile(io.BytesIO(draw_hero_image()), name="home-hero.png")
            picture.save()
        for block in bare:
            block["value"]["image"] = {"image": picture.pk, "alt_text": "", "decorative": True}
        home.body = body
        home.save_revision().publish()
        self.stdout.write("Gave the home page's hero a picture.")

    def ensure_information_pages(self, home):
        """Shipping and returns, contact, privacy, terms and imprint under the home page, linked
        from the footer. Pages an editor already has (by slug) are left as they are."""
        children = home.get_children()
        pages, created = {}, 0
        for slug, title, body in INFORMATION_PAGES:
            page = children.filter(slug=slug).first()
            if page is None:
                page = home.add_child(instance=StandardPage(title=title, slug=slug, body=body))
                page.save_revision().publish()
                created += 1
            pages[slug] = page
        contact = children.filter(slug=CONTACT_SLUG).first()
        if contact is None:
            shop_address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]  # the form wants a bare address
            contact = FormPage(
                title="Contact us",
                slug=CONTACT_SLUG,
                intro="<p>Questions about an order, a book you cannot find, an event: write to us and "
                "we answer within one working day.</p>",
                thank_you_text="<p>Thank you. We have your message and answer within one working day.</p>",
                to_address=shop_address,
                from_address=shop_address,
                subject="New message from the contact form",
            )
            contact.form_fields = [
                FormField(label=label, field_type=field_type, required=required, choices=choices, sort_order=order)
                for order, (label, field_type, required, choices) in enumerate(CONTACT_FIELDS)
            ]
            home.add_child(instance=contact)
            contact.save_revision().publish()
            created += 1
        pages[CONTACT_SLUG] = contact
        footer = FooterLinks.for_site(Site.objects.get(root_page=home))
        if not footer.links:
            order = ["shipping-and-returns", CONTACT_SLUG, "privacy", "terms", "imprint"]
            footer.links = [("link", {"page": pages[slug], "label": ""}) for slug in order]
            footer.save()
            self.stdout.write("Linked the information pages from the footer.")
        self.stdout.write(f"Information pages: {created} created.")
