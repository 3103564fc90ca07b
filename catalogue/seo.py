"""Search-engine plumbing: robots.txt and the sitemap sections (every live page, books included)."""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap as WagtailPageSitemap

from catalogue.pages import Author

# Personal or transactional pages, and search results (endless, thin), stay out of indexes.
DISALLOWED = ["/admin/", "/django-admin/", "/dashboard/", "/basket/", "/checkout/", "/accounts/", "/search/", "/_/"]


class AuthorSitemap(Sitemap):
    def items(self):
        return Author.objects.filter(book_links__book__live=True).distinct().order_by("slug")

    def location(self, author):
        return reverse("catalogue-author", args=[author.slug])


SITEMAPS = {"pages": WagtailPageSitemap, "authors": AuthorSitemap}


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
