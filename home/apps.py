from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site pages"

    def ready(self):
        from home import purge  # noqa: F401  (connects the page-cache purge receivers)
