from django.apps import AppConfig
from django.conf import settings
from django.core import checks

OUTBOX_BACKEND = "outbox.backends.OutboxBackend"


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Email outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        checks.register(check_delivery_backend)


def check_delivery_backend(app_configs, **kwargs):
    if settings.OUTBOX_DELIVERY_BACKEND == OUTBOX_BACKEND:
        return [
            checks.Error(
                "OUTBOX_DELIVERY_BACKEND names the outbox itself: delivered mail would be stored again forever.",
                hint="Set OUTBOX_DELIVERY_BACKEND (or the EMAIL_BACKEND environment variable) to a real "
                "transport such as django.core.mail.backends.smtp.EmailBackend.",
                id="outbox.E001",
            )
        ]
    return []
