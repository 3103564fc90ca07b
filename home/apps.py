from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site pages"

    def ready(self):
        from home import reactions  # noqa: F401  (connects its receivers; needs the models loaded)
