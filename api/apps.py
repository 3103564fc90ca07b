from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Public REST API"

    def ready(self):
        from api.caching import api_urls_of
        from edgecache.purge import also_purge_with_pages

        also_purge_with_pages(api_urls_of)
