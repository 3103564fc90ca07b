"""Wagtail pages opt in to the nginx page cache by page type (edgecache/caching.py)."""

from wagtail import hooks

from edgecache.caching import opt_in


@hooks.register("before_serve_page")
def cache_pages_at_edge(page, request, serve_args, serve_kwargs):
    # Restricted pages get never_cache from Wagtail and previews never pass here, so the
    # middleware's checks still refuse them; this only says how long a public page may live.
    # A POST (a form page's submission) is never shared; opting it in would only log a refusal.
    if request.method in ("GET", "HEAD"):
        opt_in(request, page.specific_class._meta.label)
