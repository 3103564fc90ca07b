"""Issue 16: Redis down for 30 s under requests. The nodes keep serving and their logs stay small:
each kind of failure is written once per DEPENDENCY_LOG_INTERVAL with a count, not per request.
(Before: 26.9 MB and 7,033 identical tracebacks in 30 s.)"""

import threading
import time

import pytest
import requests

from testing.edge_stack import EdgeStack
from testing.factories import make_book, make_category
from testing.ports import unused_port
from tests.cache.conftest import TEST_WSGI_APP, django_env, serve_site_at

pytestmark = [pytest.mark.services]

OUTAGE_SECONDS = 30
MAX_LOG_GROWTH = 100_000  # bytes over the outage, all error logs of both nodes and nginx


def error_log_bytes(stack):
    paths = [*stack.log_dir.glob("gunicorn-*-error.log"), *stack.log_dir.glob("node*-stderr.log")]
    paths.append(stack.log_dir / "nginx-error.log")
    return sum(path.stat().st_size for path in paths if path.exists())


def test_redis_down_for_30_seconds_under_requests_costs_little_log(
    nginx_path, transactional_db, postgres, private_redis
):
    redis_process, redis_url = private_redis
    port = unused_port()
    serve_site_at(port)
    category = make_category(title="Quiet Shelf", slug="quiet-shelf")
    book = make_book(category, title="Quiet Logs", author="Ann Quiet", price="6.00")
    env = {**django_env(redis_url=redis_url), "DEPENDENCY_LOG_INTERVAL": "60"}
    stack = EdgeStack(nginx_path, port, env, wsgi_app=TEST_WSGI_APP).start()
    # Paths that reach Django on every request: private ones, and pages for a basket holder.
    paths = ["/_/ready", "/basket/", "/_/me/", book.url, category.url, "/search/?q=quiet"]
    served, failed, stop = [], [], threading.Event()

    def shopper(offset):
        session = requests.Session()
        # A basket cookie on every request (no such basket): nginx passes even cached pages to Django.
        basket = {"oscar_open_basket": "1"}
        index = offset
        while not stop.is_set():
            response = stack.get(paths[index % len(paths)], session=session, cookies=basket)
            (served if response.status_code < 500 else failed).append(response.status_code)
            index += 1

    try:
        redis_process.kill()
        redis_process.wait()
        before = error_log_bytes(stack)
        shoppers = [threading.Thread(target=shopper, args=(number,)) for number in range(4)]
        for thread in shoppers:
            thread.start()
        time.sleep(OUTAGE_SECONDS)
        stop.set()
        for thread in shoppers:
            thread.join()
        time.sleep(1)  # the last lines reach the files
        growth = error_log_bytes(stack) - before
        logged = "".join(path.read_text(errors="replace") for path in stack.log_dir.glob("*error.log"))
    finally:
        stack.stop()
        stack.cleanup()
    print(f"{len(served)} requests answered in {OUTAGE_SECONDS} s with Redis down; error logs grew {growth} bytes")
    assert failed == []
    assert len(served) > 100, len(served)
    assert growth < MAX_LOG_GROWTH, growth
    assert "Exception ignored" in logged  # the failure itself is still reported, once
