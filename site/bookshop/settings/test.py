"""Test settings: fast and isolated. Real services come in through DATABASE_URL and REDIS_URL."""

from .base import *  # noqa: F403
from .base import env_bool, env_mail_transport

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# pytest-django sets EMAIL_BACKEND to locmem; the root conftest puts the outbox back in front of it.
OUTBOX_DELIVERY_BACKEND = env_mail_transport("django.core.mail.backends.locmem.EmailBackend")
# Tests that exercise a real worker start one and switch this off themselves.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)  # a test's own worker: False
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
# Serve static files straight from the app and theme folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Test and bench support (create_random_catalogue); production settings leave it out.
INSTALLED_APPS = [*INSTALLED_APPS, "testing"]  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# PayPal: the simulator; tests serve it over real HTTP on loopback and set PAYPAL_API_BASE.
PAYPAL_MODE = "simulator"
PAYPAL_CLIENT_ID = "simulator-client"
PAYPAL_CLIENT_SECRET = "simulator-secret"
PAYPAL_WEBHOOK_ID = "WHSIMULATOR"
PAYPAL_WEBHOOK_CERT_HOSTS = ["127.0.0.1"]
