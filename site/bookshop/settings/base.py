"""Settings shared by every environment. dev, test and production only override.

Everything an operator may change is read from the environment; see README "Configuration".
"""

import os
from copy import deepcopy
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.urls import reverse_lazy
from oscar.defaults import *  # noqa: F403  (Oscar's OSCAR_* defaults, overridden below)

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("BOOKSHOP_VAR_DIR", BASE_DIR / "var"))


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_mail_transport(default):
    """OUTBOX_DELIVERY_BACKEND, or EMAIL_BACKEND as environment files written before the outbox name it."""
    return env("OUTBOX_DELIVERY_BACKEND", env("EMAIL_BACKEND", default))


SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our apps first, so their templates and static files win. The edge cache comes first of
    # all: its page reactions run before the apps' own (edgecache/reactions.py).
    "edgecache.apps.EdgeCacheConfig",
    "bookshop",  # the project package: its management commands (generate_diagrams)
    "home",
    "accounts",  # sign-up, sign-in for every UI, throttling, 2FA, the client's address (docs/accounts.md)
    "newsletters",
    "api",  # the public REST API v1 (docs/api.md)
    "outbox",
    "operations",  # health, logs, metrics, scheduled jobs, the staff operations panel
    # Oscar's catalogue and checkout, forked in place (docs/design.md §1).
    "catalogue.apps.CatalogueConfig",
    "checkout.apps.CheckoutConfig",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "wagtail.api.v2",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    # Oscar (the two forks above replace oscar.apps.catalogue and oscar.apps.checkout)
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "oscar.apps.address.apps.AddressConfig",
    "checkout.shipping.apps.ShippingConfig",  # forked: Standard/Express from the dashboard
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "catalogue.partner.apps.PartnerConfig",  # forked: purchasable = live book page + stock record
    "checkout.basket.apps.BasketConfig",  # forked: JSON answers for the AJAX basket
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "checkout.order.apps.OrderConfig",  # forked: order placement, order emails, PayPal refunds from the dashboard
    "oscar.apps.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "checkout.dashboard.orders.apps.OrdersDashboardConfig",  # malformed posts get a message (views.py)
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    "csp",
    # allauth: every sign-in (shop and the three admin UIs), verified sign-up, GitHub, TOTP.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.mfa",
]

MIDDLEWARE = [
    # First: every log line of the request, and the response, carry its id (X-Request-ID).
    "operations.logs.RequestIdMiddleware",
    # Second: request counts and latency by view include every middleware below.
    "operations.metrics.MetricsMiddleware",
    # CORS on /api/ only (CORS_URLS_REGEX): preflights, and the Allow-Origin and `Vary: Origin`
    # headers added outermost, after the edge contract and the shared page cache have judged and
    # stored the answer, so a stored answer never carries one caller's origin. nginx keeps one
    # variant per Origin.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # First of ours: everything below (rate limits, consent records) sees the visitor's address.
    "accounts.middleware.TrustedProxyMiddleware",
    # Permissions-Policy and SameSite on every cookie, stored pages included.
    "accounts.middleware.BrowserPolicyMiddleware",
    # The Content-Security-Policy, the same for every response (no nonce: pages are shared).
    "csp.middleware.CSPMiddleware",
    # Right after SecurityMiddleware, so static files never touch sessions or the DB.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves stored anonymous pages before sessions, auth and the basket are touched; stores the
    # responses EdgeCacheMiddleware marked shared.
    "edgecache.page_cache.SharedPageCacheMiddleware",
    # Above the session, CSRF, messages, auth and basket middleware, so it sees their cookies.
    "edgecache.caching.EdgeCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff without a second factor are sent to enrol when ACCOUNTS_STAFF_MFA_REQUIRED is on.
    "accounts.middleware.StaffMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Under /api/, errors DRF does not catch become problem details, never an HTML page.
    "api.errors.ProblemDetailsMiddleware",
]

ROOT_URLCONF = "bookshop.urls"
WSGI_APPLICATION = "bookshop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "themes" / "default" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL, or the embedded SQLite file under var/.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # A new PostgreSQL connection costs 7-12 ms of CPU per request (docs/design.md §8).
        conn_max_age=int(env("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# Cache, sessions and Celery: Redis when REDIS_URL is set, otherwise in-process.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "bookshop"),
            "OPTIONS": {
                # A Redis outage degrades to cache misses (logged), never to a 500.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # cached_db: a Redis outage still finds the session in the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # Room for a version key per book and the page fragments (locmem's default is 300 entries).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 20_000}}
    }
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", "memory://")
    # No broker: tasks run inline, so the embedded site needs no worker.
    CELERY_TASK_ALWAYS_EAGER = env("CELERY_BROKER_URL") is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# A worker takes one task at a time: a newsletter task runs for minutes, and prefetched tasks
# would wait behind it instead of going to an idle worker.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers a task that was never acknowledged after this long. Long-running tasks that
# set acks_late (newsletters) may then run twice, which they are built to tolerate; a worker
# that starts after a crash resumes interrupted sends at once (newsletters.receivers), so this
# is only the backstop for a worker that never comes back.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# Newsletters (newsletters/). Task options live on the tasks: acks_late, so a task whose worker
# dies is delivered again instead of being lost; the work itself is claimed row by row.
NEWSLETTER_SEND_RATE = int(env("NEWSLETTER_SEND_RATE", "200"))  # messages per second, all workers; 0: no limit
NEWSLETTER_FROM_EMAIL = env(
    "NEWSLETTER_FROM_EMAIL", env("DEFAULT_FROM_EMAIL", "Folio Books <news@folio-books.example>")
)
NEWSLETTER_LIST_NAME = "Folio Books newsletter"
NEWSLETTER_SITE_URL = env("SITE_BASE_URL", "http://127.0.0.1:8000")  # absolute links in mail
NEWSLETTER_CONFIRM_MAX_AGE = 3 * 24 * 3600  # seconds a confirmation link stays valid
NEWSLETTER_BATCH_SIZE = int(env("NEWSLETTER_BATCH_SIZE", "200"))  # messages per SMTP connection
NEWSLETTER_SEND_PARALLELISM = int(env("NEWSLETTER_SEND_PARALLELISM", "4"))  # delivery tasks per send
NEWSLETTER_MAX_ATTEMPTS = 6  # tries per recipient on 4xx answers before the row is marked failed
NEWSLETTER_RETRY_BASE_SECONDS = int(env("NEWSLETTER_RETRY_BASE_SECONDS", "30"))  # doubles per try, max 1 h
NEWSLETTER_CLAIM_TIMEOUT = 900  # without PostgreSQL (embedded site): seconds before a claimed row is released

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Every sign-in form is allauth's (the admin UIs' login URLs lead there: accounts/urls.py).
    "accounts.backends.EmailSignInBackend",
    # Permissions only: nothing authenticates with a username and password any more.
    "accounts.backends.PermissionsOnlyBackend",
]
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = reverse_lazy("account_login")
WAGTAILADMIN_LOGIN_URL = "account_login"

# Accounts (accounts/, docs/accounts.md): django-allauth with the email as the login. Oscar's user
# model keeps a username column; allauth fills it with a generated value nobody types.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"  # no sign-in, so no checkout with the account, before it
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # mail scanners follow links: a person presses the button
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True  # one address at a time; the new one is used once it is verified
ACCOUNT_LOGOUT_ON_GET = False  # a GET shows a confirm button; only a POST signs out
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Folio Books: "
# Rates are "count/period/per": per ip (the visitor's, accounts.client_ip), per key (the email)
# or per user. allauth's defaults, tightened where one address could be flooded with mail.
ACCOUNT_RATE_LIMITS = {
    # 5 wrong passwords for one address lock it for 5 minutes, the right password included.
    "login_failed": env("ACCOUNT_LOGIN_FAILED_RATE", "10/m/ip,5/5m/key"),
    "login": "30/m/ip",
    "signup": "10/m/ip",
    "reset_password": "10/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
    # The footer's newsletter form (newsletters.views.subscribe).
    "newsletter_subscribe": "10/m/ip,3/h/key",
}
# Proxies whose X-Forwarded-For / X-Real-IP are believed (accounts.middleware): nginx on this host.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
# Shop pages run no inline script (themes/default/static/js/page-init.js starts Oscar's) and load
# everything from this site. No nonces: a nonce in a page nginx shares would be reused. The admin
# UIs (Wagtail, Oscar's dashboard, Django's admin) are left out: their own templates inline scripts.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/dashboard/", "/django-admin/", "/_paypal-sim/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Oscar's and Wagtail's templates use style attributes.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features the shop never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
# For cookies whose code names no SameSite (Oscar's basket cookie); Django's own are Lax already.
COOKIES_DEFAULT_SAMESITE = "Lax"
# Staff (anyone who reaches /admin/, /dashboard/ or /django-admin/) must have TOTP to get in.
ACCOUNTS_STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", False)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Folio Books"
MFA_TOTP_TOLERANCE = 1  # a phone clock 30 s off still works
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a verified GitHub address signs in to its verified account
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True  # ... and stays connected to it
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "github": {
        "SCOPE": ["read:user", "user:email"],
        **({"GITHUB_URL": env("GITHUB_URL")} if env("GITHUB_URL") else {}),
        "APPS": [{"client_id": env("GITHUB_CLIENT_ID", ""), "secret": env("GITHUB_CLIENT_SECRET", ""), "key": ""}]
        if env("GITHUB_CLIENT_ID")
        else [],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
SITE_ID = 1

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "themes" / "default" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Large page editors (StreamField) exceed Django's default of 1000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email. Every email is stored in the outbox, in the transaction that caused it, and delivered by
# Celery through OUTBOX_DELIVERY_BACKEND (docs/outbox.md); newsletter bulk sends use that transport too.
EMAIL_BACKEND = "outbox.backends.OutboxBackend"
OUTBOX_DELIVERY_BACKEND = env_mail_transport("django.core.mail.backends.smtp.EmailBackend")
OUTBOX_MAX_ATTEMPTS = int(env("OUTBOX_MAX_ATTEMPTS", "20"))  # then the email is marked failed (admin: retry)
OUTBOX_RETRY_BASE_SECONDS = int(env("OUTBOX_RETRY_BASE_SECONDS", "30"))  # doubles per attempt
OUTBOX_RETRY_MAX_SECONDS = int(env("OUTBOX_RETRY_MAX_SECONDS", "3600"))
# How long the relay trusts an enqueued task before it enqueues the email again (a killed worker,
# a broker that lost its queue). Longer than a send takes; a resend keeps the Message-ID.
OUTBOX_LEASE_SECONDS = int(env("OUTBOX_LEASE_SECONDS", "120"))
OUTBOX_RELAY_BATCH = 500  # emails the relay enqueues per run (every 30 s)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Folio Books <shop@folio-books.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Wagtail
# Wagtail writes every rendition it uses to this cache, once per image per render: on Redis that
# is a network round trip per book card. Rendition keys include the file hash, so a per-process
# cache is always right.
CACHES["renditions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "renditions",
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}
WAGTAIL_SITE_NAME = "Folio Books"
WAGTAILADMIN_BASE_URL = env("SITE_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    # On PostgreSQL this is PostgreSQL full-text search; on SQLite, FTS5.
    "default": {"BACKEND": "wagtail.search.backends.database"}
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_I18N_ENABLED = False
# No third-party calls from the admin: no gravatar.com avatars, no releases.wagtail.org check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Form pages (contact, requests): submissions one address may send per window (home/form_guard.py).
FORM_PAGE_SUBMISSIONS_PER_WINDOW = int(env("FORM_PAGE_SUBMISSIONS_PER_WINDOW", "5"))
FORM_PAGE_WINDOW_SECONDS = int(env("FORM_PAGE_WINDOW_SECONDS", "600"))

# Oscar
OSCAR_SHOP_NAME = "Folio Books"
OSCAR_SHOP_TAGLINE = "Good books, quickly"
OSCAR_HOMEPAGE = "/"
OSCAR_DEFAULT_CURRENCY = "EUR"
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "last_name", "line1", "line4", "postcode", "country")
OSCAR_MAX_BASKET_QUANTITY_THRESHOLD = 20
# Reviews are written from the book page by signed-in shoppers and shown once staff approve them
# in the dashboard (catalogue/book_reviews.py).
OSCAR_MODERATE_REVIEWS = True
OSCAR_ALLOW_ANON_REVIEWS = False
# Oscar leaves its shipping-method screens out of the dashboard menu; staff edit shipping there.
OSCAR_DASHBOARD_NAVIGATION = deepcopy(OSCAR_DASHBOARD_NAVIGATION)  # noqa: F405
for _section in OSCAR_DASHBOARD_NAVIGATION:
    if any(child.get("url_name") == "dashboard:order-list" for child in _section.get("children", [])):
        _section["children"].append({"label": "Shipping methods", "url_name": "dashboard:shipping-method-list"})
# Oscar's thumbnails are Wagtail renditions of the book covers (no sorl/easy-thumbnails).
OSCAR_THUMBNAILER = "catalogue.thumbnails.BookCoverThumbnailer"
# Oscar's search runs only behind its own URLs, which redirect to ours; Haystack needs a backend.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"

# The nginx page cache (docs/design.md §4, edgecache/caching.py). Seconds nginx keeps an anonymous page,
# by Wagtail page model label or by the name given to @cache_at_edge; purges keep long ones fresh.
EDGE_CACHE_TTLS = {
    "home.HomePage": 120,
    "catalogue.CategoryPage": 300,
    "catalogue.BookPage": 600,
    "search": 30,
    # The API's anonymous catalogue GETs (api/catalogue.py), purged with the books they show.
    "api-book": 600,
    "api-book-list": 60,  # filtered lists are only purged unfiltered and per shelf (docs/api.md)
    "api-categories": 300,
    "api-authors": 600,
    "default": 600,
}
# Anonymous pages nginx may share are also kept in the cache for every node (edgecache/page_cache.py).
SHARED_PAGE_CACHE = env_bool("SHARED_PAGE_CACHE", True)
# The query parameters the shop's pages read (search, shelf sorting, filtering and paging).
SHARED_PAGE_CACHE_QUERY_PARAMS = {"q", "page", "sort", "in_stock"}
# Never cached, whatever a view says; nginx gets the same list (render_nginx_config).
EDGE_CACHE_PRIVATE_PREFIXES = [
    "/basket/",
    "/checkout/",
    "/accounts/",
    "/dashboard/",
    "/admin/",
    "/django-admin/",
    "/_/",
    # The API's personal resources; its catalogue GETs follow the contract like pages.
    "/api/v1/basket",
    "/api/v1/checkout",
    "/api/v1/orders",
    "/api/v1/me",
    "/api/v1/newsletter",
    "/reviews/",
]
# nginx's outer rate limit (limit_req) on the forms that send mail or check passwords: POSTs per
# visitor address, with a burst; Django's own limits (ACCOUNT_RATE_LIMITS) stay the real ones.
EDGE_RATE_LIMITED_PATHS = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/newsletters/subscribe/",
]
EDGE_RATE_LIMIT = env("EDGE_RATE_LIMIT", "30r/m")
EDGE_RATE_LIMIT_BURST = int(env("EDGE_RATE_LIMIT_BURST", "20"))
# Each nginx node's public base URL (for the warmer) and loopback purge listener, in the same order.
EDGE_CACHE_NODES = env_list("EDGE_CACHE_NODES")
EDGE_CACHE_PURGE_URLS = env_list("EDGE_CACHE_PURGE_URLS")
# The gunicorn nodes every nginx node balances over (host:port).
EDGE_CACHE_UPSTREAMS = env_list("EDGE_CACHE_UPSTREAMS", "127.0.0.1:8001,127.0.0.1:8002")
EDGE_CACHE_PURGE_TIMEOUT = float(env("EDGE_CACHE_PURGE_TIMEOUT", "1.0"))
EDGE_CACHE_NODE_RETRY_AFTER = 30  # seconds a node that did not answer a purge is skipped
# Wagtail's frontend-cache backends, driven by edgecache.purge on commit. The app itself is not
# installed: its publish handlers purge inside the transaction (django-tasks 0.12 has no
# on-commit enqueue), and a visitor could re-cache the old page before the commit.
WAGTAILFRONTENDCACHE = {
    f"nginx-{number}": {"BACKEND": "edgecache.purge.NginxPurgeBackend", "LOCATION": location}
    for number, location in enumerate(EDGE_CACHE_PURGE_URLS, start=1)
}
# Cached pages carry no CSRF token: a no-JS add-to-basket gets a confirm form, not a bare 403.
CSRF_FAILURE_VIEW = "home.views.csrf_failure"
# Oscar's default names a cookie that does not exist ("oscar_recently_viewed_products").
OSCAR_COOKIES_DELETE_ON_LOGOUT = [OSCAR_RECENTLY_VIEWED_COOKIE_NAME]  # noqa: F405
# Every periodic job, in one place (seconds between runs).
CELERY_BEAT_SCHEDULE = {
    # Refreshes purged URLs and the top of the sitemap on every nginx node.
    "warm-page-cache": {"task": "edgecache.tasks.warm_page_cache", "schedule": 300.0},
    # Starts scheduled newsletters that are due and resumes interrupted sends.
    "resume-newsletter-sends": {"task": "newsletters.tasks.resume_newsletter_sends", "schedule": 60.0},
    # Completes or refunds PayPal attempts left paid but unplaced.
    "paypal-reconcile": {"task": "checkout.tasks.reconcile_payments", "schedule": 300.0},
    # Hands pending outbox mail to the workers again (broker was down, a worker died mid-send);
    # runs missed while no worker was up are not queued up.
    "relay-outbox": {"task": "outbox.tasks.relay_outbox", "schedule": 30.0, "options": {"expires": 30}},
    # Publishes pages whose go-live time has passed (and unpublishes expired ones), purging them.
    "publish-scheduled-pages": {
        "task": "operations.tasks.publish_scheduled_pages",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    # Deletes expired sessions from the database.
    "clear-expired-sessions": {"task": "operations.tasks.clear_expired_sessions", "schedule": 86400.0},
}

# The public REST API (api/, docs/api.md). Its views carry their own policy (api/policy.py:
# versioning, session + token authentication, JSON only, problem details, throttles), so Wagtail's
# admin API keeps DRF's defaults. Throttles count in the default cache (Redis in production), per
# client address for anonymous callers and per user once signed in.
API_VERSIONS = ["v1"]
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", "120/min"),
        "user": env("API_THROTTLE_USER", "600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Folio Books API",
    "DESCRIPTION": "The bookshop's public API: catalogue, basket, checkout, orders, newsletter. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from our own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["api.schema.only_the_public_api"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_problem_responses"],
}
# Browsers may call the API from these origins only (none by default); cookies are never sent
# cross-origin, so other sites get the anonymous answers at most.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"

# Shop defaults that the demo data and the shipping rules use.
SHOP_FREE_SHIPPING_THRESHOLD = Decimal(env("SHOP_FREE_SHIPPING_THRESHOLD", "40.00"))
# The country preselected on the checkout address form (ISO 3166-1 alpha-2, one of the shipping countries).
DEFAULT_SHIPPING_COUNTRY = env("DEFAULT_SHIPPING_COUNTRY", "IE")

# Order statuses, spelt as in checkout/order/statuses.py (checkout/tests/test_statuses.py checks it).
# A PENDING capture at PayPal places the order as "Payment pending"; only PayPal's webhooks move
# it on (to "Paid" or "Cancelled"), so staff are offered nothing there. "Refunded" is reached only
# by a refund, "Cancelled" refunds what is left (checkout/order/processing.py).
OSCAR_INITIAL_ORDER_STATUS = "Paid"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Payment pending": (),
    "Paid": ("Shipped", "Cancelled", "Refunded"),
    "Shipped": ("Refunded",),
    "Cancelled": (),
    "Refunded": (),
}
OSCAR_ORDER_STATUS_CASCADE = {"Paid": "Paid", "Shipped": "Shipped", "Cancelled": "Cancelled", "Refunded": "Refunded"}

# PayPal (checkout/paypal; docs/design.md §5). simulator|sandbox|live; only dev and
# test settings default to the simulator, production refuses it.
PAYPAL_MODE = env("PAYPAL_MODE", "live")
PAYPAL_CLIENT_ID = env("PAYPAL_CLIENT_ID", "")
PAYPAL_CLIENT_SECRET = env("PAYPAL_CLIENT_SECRET", "")
PAYPAL_WEBHOOK_ID = env("PAYPAL_WEBHOOK_ID", "")
# Overrides the API host of the mode (the simulator's address, e.g. http://127.0.0.1:18401).
PAYPAL_API_BASE = env("PAYPAL_API_BASE", "")
# Webhook certificates are only fetched from these hosts (PAYPAL-CERT-URL).
PAYPAL_WEBHOOK_CERT_HOSTS = env_list("PAYPAL_WEBHOOK_CERT_HOSTS", "api.paypal.com,api.sandbox.paypal.com")
PAYPAL_WEBHOOK_MAX_AGE_SECONDS = int(env("PAYPAL_WEBHOOK_MAX_AGE_SECONDS", "600"))
PAYPAL_BRAND_NAME = env("PAYPAL_BRAND_NAME", "Folio Books")
PAYPAL_TIMEOUT_SECONDS = int(env("PAYPAL_TIMEOUT_SECONDS", "20"))
# Attempts untouched this long after approval are completed or refunded by reconciliation.
PAYPAL_RECONCILE_AFTER_SECONDS = int(env("PAYPAL_RECONCILE_AFTER_SECONDS", "300"))

# Logs (operations/logs.py): LOG_FORMAT=json (production default) or plain; every line has the
# request id. Repeats of a warning or error are dropped for DEPENDENCY_LOG_INTERVAL seconds and
# counted on the next one let through, so a dependency that is down costs a line per interval.
DEPENDENCY_LOG_INTERVAL = float(env("DEPENDENCY_LOG_INTERVAL", "60"))
LOG_FORMAT = env("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "operations.logs.RequestIdFilter"},
        "repeated_errors": {"()": "operations.logs.RepeatedErrorFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "operations.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "repeated_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail 8 runs index updates as django-tasks and logs every one at INFO.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "oscar.alerts": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "bookshop.edge_cache": {"level": "INFO"},
    },
}
# /_/metrics (operations/metrics.py): for Prometheus, straight to each node, never through nginx.
METRICS_ENABLED = env_bool("METRICS_ENABLED", True)
# Workers log through LOGGING above (JSON, request ids, repeats dropped), not Celery's own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
