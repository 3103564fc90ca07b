"""Shared test fixtures: how tests find real services (docs/design.md §3, §7).

PostgreSQL and Redis are found through DATABASE_URL and REDIS_URL; nginx and Chromium as
binaries. Without a service the dependent test is skipped with a reason; with REQUIRE_SERVICES=1
(set by .ci/run) a missing service fails the test instead.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the same
# test are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Fixtures every app's tests share (paypal_simulator, smtp_sink, broker, private_redis, fake_github): see testing/.
pytest_plugins = [
    "testing.paypal",
    "testing.smtp",
    "testing.celery_workers",
    "testing.redis_server",
    "testing.github",
]

PROJECT_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = PROJECT_DIR / "var" / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require_service(available, reason):
    """Skip (or, under REQUIRE_SERVICES=1, fail) when a real service is missing."""
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def postgres(settings):
    """The test runs on PostgreSQL (row locks, concurrency), or is skipped/failed."""
    from django.db import connection

    require_service(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://...")
    return connection


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        except redis.RedisError as error:
            require_service(False, f"Redis at {url} does not answer: {error}")
    require_service(bool(url), "needs Redis: set REDIS_URL=redis://...")
    return url


@pytest.fixture(scope="session")
def chromium_path():
    require_service(Path(CHROMIUM).exists(), f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def nginx_path():
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    require_service(path is not None, "needs nginx (apt-get install nginx libnginx-mod-http-cache-purge)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


_failed_key = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_failed_key] = report.failed
    return report


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test; a failed journey leaves a screenshot in var/test-artifacts."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    browser_page = context.new_page()
    yield browser_page
    if request.node.stash.get(_failed_key, False):
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        browser_page.screenshot(path=str(ARTIFACTS_DIR / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture(autouse=True)
def fresh_shared_page_cache():
    """Each test starts from its own database, so no page stored by an earlier test may be served."""
    from django.core.cache import cache

    from edgecache.page_cache import PAGES_VERSION

    cache.delete(PAGES_VERSION)


@pytest.fixture(autouse=True)
def mail_through_the_outbox(settings):
    """pytest-django swaps EMAIL_BACKEND for locmem; put the outbox back in front, as in production.

    Mail then reaches `django.core.mail.outbox` (OUTBOX_DELIVERY_BACKEND is locmem in the test
    settings) once the sending transaction commits: a test that reads it right after an action in
    a django_db test runs the on-commit callbacks (django_capture_on_commit_callbacks(execute=True)).
    """
    settings.EMAIL_BACKEND = "outbox.backends.OutboxBackend"
