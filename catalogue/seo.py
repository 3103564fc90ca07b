"""Search-engine plumbing: robots.txt and the sitemap sections (every live page, books included)."""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap as WagtailPageSitemap

from catalogue.pages import Author
from edgecache.caching import private_path_prefixes


def disallowed_paths():
    """Personal or transactional pages (the same the edge cache never shares), and search results
    (endless, thin), stay out of indexes."""
    return [*private_path_prefixes(), "/search/"]


class AuthorSitemap(Sitemap):
    def items(self):
        return Author.objects.filter(book_links__book__live=True).distinct().order_by("slug")

    def location(self, author):
        return reverse("catalogue-author", args=[author.slug])


SITEMAPS = {"pages": WagtailPageSitemap, "authors": AuthorSitemap}


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed_paths())]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
