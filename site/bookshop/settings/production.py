"""Production: the deployed site (bookshop.settings.deployment) with real PayPal, sandbox or live.

Required: SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS. See README "Configuration".
"""

from django.core.exceptions import ImproperlyConfigured

from .deployment import *  # noqa: F403
from .deployment import PAYPAL_MODE

# The PayPal simulator is a dev-and-test tool: production never installs or talks to it.
if PAYPAL_MODE not in {"sandbox", "live"}:
    raise ImproperlyConfigured("PAYPAL_MODE must be 'sandbox' or 'live' in production")
