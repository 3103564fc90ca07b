"""A deployed site: every secret from the environment, no defaults; `check --deploy` is clean.

Not a settings module to run with: `production` (real PayPal) and `stack_demo` (the local demo
stack's PayPal simulator) build on it and differ only in which PayPal they talk to.
Required: SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS. See README "Configuration".
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool


def required_env(name):
    """Production secrets and services have no default: fail at start-up with a clear message."""
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment (see README, Configuration).")
    return value


SECRET_KEY = required_env("SECRET_KEY")
# base.py already read these; requiring them here stops a silent fallback to SQLite or locmem.
required_env("DATABASE_URL")
required_env("REDIS_URL")
DATABASES["default"]["CONN_MAX_AGE"] = int(env("DB_CONN_MAX_AGE", "60"))  # noqa: F405

STORAGES["staticfiles"] = {  # noqa: F405
    # Hashed names plus .gz/.br files, which nginx's gzip_static/brotli_static serve as they are.
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

# HTTPS is terminated by nginx, which overwrites X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# SECURE_COOKIES=0 only for `make stack`, which serves plain HTTP on 127.0.0.1.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
OSCAR_BASKET_COOKIE_SECURE = SESSION_COOKIE_SECURE
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# One JSON object per log line, for the log shipper (LOG_FORMAT=plain to read them by eye).
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", "json")  # noqa: F405
# Links in account mail (verification, password reset) use the scheme the site is served on.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SESSION_COOKIE_SECURE else "http"
# Staff reach the admin UIs only with a second factor (docs/accounts.md); STAFF_MFA_REQUIRED=0 turns it off.
ACCOUNTS_STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", True)
