"""Fixtures for the page-cache tests: a real nginx from deploy/'s rendered config, in front of
two real gunicorn nodes that share the test database (PostgreSQL) with the test process.

The Django processes must see what the tests write, so these tests commit for real: they use
`transactional_db` (through `fresh_edge`), which flushes the database after each test.
"""

import os

import pytest
import requests
from django.db import connection
from django.test import override_settings

from conftest import require_service
from testing.celery_workers import database_url
from testing.edge_stack import EdgeStack
from testing.factories import make_home

# Ports of this suite, all within BASE..BASE+51: nginx on BASE, its purge listener on BASE+1,
# gunicorn on BASE+10 and +11; the Redis-down stack on BASE+40...; the gunicorn nodes of the
# checkout fault tests (tests/test_checkout_faults.py, no nginx) on BASE+30 and +31.
# BOOKSHOP_CACHE_TEST_PORTS moves the block, e.g. when two checkouts run their tests at once.
PORT_BASE = int(os.environ.get("BOOKSHOP_CACHE_TEST_PORTS", "18600"))
MAIN_STACK_PORT = PORT_BASE
REDIS_DOWN_STACK_PORT = PORT_BASE + 40
CHECKOUT_FAULTS_STACK_PORT = PORT_BASE + 20
TEST_WSGI_APP = "tests.cache.wsgi:application"


def django_env(redis_url=None):
    """Environment of the gunicorn nodes: test settings on the test database."""
    env = {"DJANGO_SETTINGS_MODULE": "bookshop.settings.test", "DATABASE_URL": database_url()}
    redis_url = redis_url if redis_url is not None else os.environ.get("REDIS_URL", "")
    env["REDIS_URL"] = redis_url
    return env


def ensure_wagtail_roots():
    """The rows Wagtail's migrations create and every page tree needs. Transactional tests end
    with a flush that removes them, for the next test and for later modules too."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture(scope="module")
def shop_db(django_db_setup, django_db_blocker):
    """The tests here commit for real (`transactional_db`) so that gunicorn sees their data."""
    with django_db_blocker.unblock():
        require_service(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://...")
    yield
    with django_db_blocker.unblock():
        ensure_wagtail_roots()


def serve_site_at(port):
    """The default Site is the public nginx address, so purge URLs carry the Host visitors use."""
    from wagtail.models import Site

    ensure_wagtail_roots()
    home = make_home()
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port, site.root_page = "127.0.0.1", port, home
    site.save()
    return home


@pytest.fixture(scope="module")
def edge(shop_db, nginx_path):
    """nginx on 127.0.0.1:18600 (purge 18601) over gunicorn nodes on 18610 and 18611."""
    stack = EdgeStack(nginx_path, MAIN_STACK_PORT, django_env(), wsgi_app=TEST_WSGI_APP)
    purge_settings = override_settings(
        EDGE_CACHE_NODES=[stack.url("")],
        EDGE_CACHE_PURGE_URLS=[stack.purge_url],
        WAGTAILFRONTENDCACHE={"nginx-1": {"BACKEND": "edgecache.purge.NginxPurgeBackend", "LOCATION": stack.purge_url}},
    )
    stack.start()
    purge_settings.enable()
    try:
        yield stack
    finally:
        purge_settings.disable()
        stack.stop()
        error_log = stack.error_log()
        stack.cleanup()
    assert "exited on signal" not in error_log, error_log


@pytest.fixture
def fresh_edge(edge, transactional_db):
    """The stack with an empty page cache, over a shop with only its home page."""
    serve_site_at(edge.port)
    edge.clear_cache()
    return edge


@pytest.fixture
def anonymous():
    """A cookie-less client (a new requests.Session keeps whatever cookies it is given)."""
    with requests.Session() as session:
        yield session
