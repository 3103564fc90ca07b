from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        # Signal receivers: registration opt-in, and resuming sends when a worker starts.
        from newsletters import receivers  # noqa: F401
