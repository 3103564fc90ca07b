"""What the edge caches do when a Wagtail page changes, whatever its type, in order.

Published or unpublished:  1. bump the shared pages' version (every stored page becomes a miss)
                           2. purge the page, its variants and its listings from nginx
About to move:             purge its old URLs and old listings
Moved:                     1. bump the shared pages' version  2. purge its new URLs and listings
Saved with a new slug:     purge its old URLs
Deleted:                   bump the shared pages' version

Purges are sent once the transaction commits (edgecache.purge). The apps react after these, in
their own reactions modules (catalogue/reactions.py: book versions, the Oscar mirror, book URLs):
this app comes first in INSTALLED_APPS, so its receivers are connected first.
"""

from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from edgecache.page_cache import PAGES_VERSION
from edgecache.purge import listing_urls, page_and_variant_urls, purge_on_commit, subtree_urls
from edgecache.versions import bump


@receiver(page_published)
@receiver(page_unpublished)
def page_published_or_unpublished(sender, instance, **kwargs):
    bump(PAGES_VERSION)
    purge_on_commit(page_and_variant_urls(instance) + listing_urls(instance))


@receiver(pre_page_move)
def page_about_to_move(sender, instance, parent_page_before, **kwargs):
    if instance.live:
        purge_on_commit(subtree_urls(instance) + listing_urls(instance))


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    bump(PAGES_VERSION)
    instance.refresh_from_db()
    if instance.live:
        purge_on_commit(subtree_urls(instance) + listing_urls(instance))


@receiver(pre_save)
def page_saved_with_new_slug(sender, instance, **kwargs):
    if not isinstance(instance, Page) or instance.pk is None or kwargs.get("raw"):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not {"slug", "url_path"} & set(update_fields):
        return
    stored = Page.objects.filter(pk=instance.pk).only("url_path", "live").first()
    if stored is not None and stored.live and stored.url_path != instance.url_path:
        purge_on_commit(subtree_urls(stored))


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        bump(PAGES_VERSION)
