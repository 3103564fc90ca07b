"""The local demo stack ONLY (`make stack` without PayPal credentials): production + PayPal simulator.

NEVER use this module for a real shop. It is production's deployed site (bookshop.settings.deployment:
PostgreSQL, Redis, Celery, nginx page cache, hardened cookies and headers) with one difference:
"Pay with PayPal" talks to the PayPal simulator (checkout/paypal/simulator), which `make stack`
runs as its own supervisord program on 127.0.0.1:8090. The simulator approves every payment on
a page of its own and moves no real money, so orders placed here are not paid for.

Production settings (bookshop.settings.production) refuse the simulator; this module refuses
anything else, so a demo stack can never charge a real buyer and a real shop can never take
fake payments. With real credentials `make stack` uses production instead (README "Deploy").
"""

from django.core.exceptions import ImproperlyConfigured

from .base import env, env_bool, env_list
from .deployment import *  # noqa: F403

PAYPAL_MODE = env("PAYPAL_MODE", "simulator")
if PAYPAL_MODE != "simulator":
    raise ImproperlyConfigured(
        "bookshop.settings.stack_demo only talks to the PayPal simulator; "
        "use bookshop.settings.production for PAYPAL_MODE=sandbox or live"
    )
PAYPAL_API_BASE = env("PAYPAL_API_BASE", "http://127.0.0.1:8090")
PAYPAL_CLIENT_ID = env("PAYPAL_CLIENT_ID", "simulator-client")
PAYPAL_CLIENT_SECRET = env("PAYPAL_CLIENT_SECRET", "simulator-secret")
PAYPAL_WEBHOOK_ID = env("PAYPAL_WEBHOOK_ID", "WHSIMULATOR")
# The simulator serves its webhook signing certificate itself, over plain HTTP on loopback.
PAYPAL_WEBHOOK_CERT_HOSTS = env_list("PAYPAL_WEBHOOK_CERT_HOSTS", "127.0.0.1,localhost")
# The demo logins sign in without a second factor (README "The demo logins"); STAFF_MFA_REQUIRED=1
# shows the production behaviour.
ACCOUNTS_STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", False)
