"""Load the demo shop: pages, categories, 150+ books with covers and stock, and demo users.

Safe to run again: everything is looked up before it is created, so a second run changes nothing.
"""

import csv
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site as DjangoSite
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from catalogue.pages import BookPage, CategoryPage
from home.models import HomePage
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
            ensure_demo_logins(self.stdout)
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
