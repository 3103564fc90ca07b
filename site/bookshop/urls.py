"""URL map: Oscar's shop under explicit prefixes, admin UIs, and Wagtail's page tree last.

`docs/architecture.md` lists every URL with its view and model.
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views

# Oscar's root URL only redirects to OSCAR_HOMEPAGE; the Wagtail home page owns "/" instead.
oscar_urls = [pattern for pattern in apps.get_app_config("oscar").urls[0] if str(pattern.pattern) != ""]

urlpatterns = [
    # Named "home" because Oscar's templates link to {% url 'home' %}.
    path("", wagtail_views.serve, {"path": ""}, name="home"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    # /_/: small uncached endpoints behind cached pages.
    path("_/csrf/", home_views.csrf_token, name="csrf-token"),
    path("", include(oscar_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's catch-all comes last: anything not matched above is a page path.
urlpatterns += [path("", include(wagtail_urls))]
