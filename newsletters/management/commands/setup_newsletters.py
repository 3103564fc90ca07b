"""Set up newsletters (idempotent): the public archive page, starter topics, Marketers' rights."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from home.models import HomePage
from newsletters.models import NewsletterIndexPage, Topic

STARTER_TOPICS = [
    ("New books", "Fresh arrivals and what we think of them."),
    ("Offers", "Sales, vouchers and events."),
]
# Marketers write and publish newsletters and send them; books and the home page stay out of reach
# because they get no page permission outside the archive.
MARKETER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
MARKETER_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("newsletters", "send_newsletter"),
    ("newsletters", "add_segment"),
    ("newsletters", "change_segment"),
    ("newsletters", "view_segment"),
    ("newsletters", "add_topic"),
    ("newsletters", "change_topic"),
    ("newsletters", "view_topic"),
    ("newsletters", "view_subscriber"),
    ("newsletters", "change_subscriber"),
]
MARKETER_IMAGE_PERMISSIONS = ["add_image", "choose_image"]


class Command(BaseCommand):
    help = "Create the newsletter archive page and starter topics, and give the Marketers group its rights."

    @transaction.atomic
    def handle(self, **options):
        archive = self.ensure_archive()
        for name, description in STARTER_TOPICS:
            Topic.objects.get_or_create(name=name, defaults={"description": description})
        self.grant_marketers(archive)
        self.stdout.write(
            f"Newsletters: archive at {archive.url_path}, {Topic.objects.count()} topics, Marketers ready."
        )

    def ensure_archive(self):
        archive = NewsletterIndexPage.objects.first()
        if archive is None:
            home = HomePage.objects.get()
            archive = home.add_child(
                instance=NewsletterIndexPage(
                    title="Newsletter archive",
                    slug="newsletter-archive",
                    introduction="Every newsletter we have sent, to read on the web.",
                )
            )
            archive.save_revision().publish()
            self.stdout.write("Created the newsletter archive page.")
        return archive

    def grant_marketers(self, archive):
        marketers, _ = Group.objects.get_or_create(name="Marketers")
        for codename in MARKETER_PAGE_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=marketers, page=archive, permission=permission)
        for app_label, codename in MARKETER_MODEL_PERMISSIONS:
            marketers.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        root_collection = Collection.get_first_root_node()
        for codename in MARKETER_IMAGE_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label="wagtailimages", codename=codename)
            GroupCollectionPermission.objects.get_or_create(
                group=marketers, collection=root_collection, permission=permission
            )
