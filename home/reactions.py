"""What the shell of the shop does when editors change what every page shows.

Footer links saved:  1. bump the footer's version and the shared pages' version, so every node
                        renders pages with the new footer at once
                     2. purge the home page from nginx; other pages there follow within their
                        TTL (EDGE_CACHE_TTLS, at most 10 minutes): a footer edit does not
                        justify purging every URL of the shop
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from edgecache.page_cache import PAGES_VERSION
from edgecache.purge import purge_on_commit
from edgecache.versions import bump
from home.models import FooterLinks

FOOTER_VERSION = "footer-version"


@receiver(post_save, sender=FooterLinks)
def footer_links_saved(sender, instance, **kwargs):
    bump(FOOTER_VERSION, PAGES_VERSION)
    root = instance.site.root_page
    if root.live:
        purge_on_commit([root.get_full_url()])
