"""URL map: Oscar's shop under explicit prefixes, admin UIs, and Wagtail's page tree last.

`docs/urls.md` lists every URL with its view, template and model (`manage.py generate_diagrams`).
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import views as sitemap_views
from wagtail.documents import urls as wagtaildocs_urls

from accounts.urls import admin_login_urls
from catalogue import search as catalogue_search
from catalogue import seo as catalogue_seo
from catalogue import views as catalogue_views
from edgecache import views as edge_views
from operations import health, metrics

# Oscar's root URL only redirects to OSCAR_HOMEPAGE; the Wagtail home page owns "/" instead.
oscar_urls = [pattern for pattern in apps.get_app_config("oscar").urls[0] if str(pattern.pattern) != ""]

urlpatterns = [
    # Named "home" because Oscar's templates link to {% url 'home' %}.
    path("", wagtail_views.serve, {"path": ""}, name="home"),
    # Before the admin UIs: their login pages lead to the one sign-in (accounts/urls.py).
    *admin_login_urls,
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": catalogue_seo.SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": catalogue_seo.SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", catalogue_seo.robots_txt, name="robots"),
    # Before Oscar's URLs: the shop's search takes over Oscar's /search/.
    path("search/", catalogue_search.search, name="shop-search"),
    path("search/suggest/", catalogue_search.suggest, name="shop-search-suggest"),
    path("authors/<slug:slug>/", catalogue_views.author_detail, name="catalogue-author"),
    # Reviews are read on the book page and written here (a private path); Oscar's review pages
    # answer 301 to the book page's reviews, before Oscar's own URLs.
    path("reviews/<int:product_pk>/write/", catalogue_views.write_review, name="book-review-write"),
    re_path(r"^catalogue/[\w-]*_(?P<product_pk>\d+)/reviews/", catalogue_views.oscar_reviews_moved),
    path("newsletters/", include("newsletters.urls")),
    # The public REST API, one namespace per version (docs/api.md).
    path("api/", include("api.urls")),
    # /_/: small uncached endpoints behind cached pages.
    path("_/csrf/", edge_views.csrf_token, name="csrf-token"),
    path("_/me/", edge_views.personal_header, name="personal-header"),
    # Health for load balancers and process managers (operations/health.py); /_/health is the
    # readiness answer under the name probes configured before /_/ready existed still use.
    path("_/live", health.live, name="health-live"),
    path("_/ready", health.ready, name="health-ready"),
    path("_/health", health.ready, name="health"),
    # Prometheus scrapes each node directly; nginx's public server refuses this path.
    path("_/metrics", metrics.metrics_view, name="metrics"),
    # Before Oscar's: allauth's sign-in, sign-up, password and email pages replace Oscar's.
    path("accounts/", include("accounts.urls")),
    path("", include(oscar_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.DEBUG and settings.PAYPAL_MODE == "simulator":
    # The PayPal simulator in-process, so `make run` checks out offline (never in production).
    from checkout.paypal.simulator.views import simulator

    urlpatterns += [path("_paypal-sim/<path:path>", simulator, name="paypal-simulator")]

# Wagtail's catch-all comes last: anything not matched above is a page path.
urlpatterns += [path("", include(wagtail_urls))]
