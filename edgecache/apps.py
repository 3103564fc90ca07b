from django.apps import AppConfig


class EdgeCacheConfig(AppConfig):
    name = "edgecache"
    verbose_name = "Edge and shared page caches"

    def ready(self):
        from edgecache import reactions  # noqa: F401  (connects its signal receivers)
