"""The embedded default: SQLite, locmem cache, eager Celery, console email, PayPal simulator.

`make run` works on a fresh machine with nothing configured. Any variable from the README's
configuration table still overrides these defaults.
"""

from .base import *  # noqa: F403
from .base import env, env_bool, env_list, env_mail_transport

DEBUG = True
# Template edits show on the next request.
SHARED_PAGE_CACHE = env_bool("SHARED_PAGE_CACHE", False)
VAR_DIR.mkdir(exist_ok=True)  # noqa: F405  (the SQLite file lives here)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # The demo database is disposable: write-ahead logging without a sync per commit makes the
    # first `make run`'s migrate and demo load several seconds faster (docs/operations.md).
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
    )
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
OUTBOX_DELIVERY_BACKEND = env_mail_transport("django.core.mail.backends.console.EmailBackend")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Test and bench support (create_random_catalogue); production settings leave it out.
INSTALLED_APPS = [*INSTALLED_APPS, "testing"]  # noqa: F405

# PayPal: the simulator, served in-process under /_paypal-sim/, so checkout works offline.
PAYPAL_MODE = env("PAYPAL_MODE", "simulator")
if PAYPAL_MODE == "simulator":
    PAYPAL_CLIENT_ID = env("PAYPAL_CLIENT_ID", "simulator-client")
    PAYPAL_CLIENT_SECRET = env("PAYPAL_CLIENT_SECRET", "simulator-secret")
    PAYPAL_WEBHOOK_ID = env("PAYPAL_WEBHOOK_ID", "WHSIMULATOR")
    PAYPAL_API_BASE = env("PAYPAL_API_BASE", WAGTAILADMIN_BASE_URL + "/_paypal-sim")  # noqa: F405
    PAYPAL_WEBHOOK_CERT_HOSTS = env_list("PAYPAL_WEBHOOK_CERT_HOSTS", "127.0.0.1,localhost")
