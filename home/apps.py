from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site pages"

    def ready(self):
        from home import page_cache, purge  # noqa: F401  (connect their signal receivers)
