"""Issue 6, groups 6 and 7: a gunicorn node dies under load, and Redis goes away. Shoppers
notice nothing: no failed GET, no 500."""

import threading
import time

import pytest
import requests
from django.contrib.auth import get_user_model

from testing.edge_stack import EdgeStack
from testing.factories import make_book, make_category
from tests.cache.conftest import REDIS_DOWN_STACK_PORT, TEST_WSGI_APP, django_env, serve_site_at
from tests.cache.shoppers import add_to_basket, signed_in_session

pytestmark = [pytest.mark.services]

LOAD_SECONDS = 20


@pytest.fixture
def shelf(fresh_edge, postgres):
    category = make_category(title="Failover Shelf", slug="failover-shelf")
    books = [make_book(category, title=f"Failover Book {n}", author="Ann Author", price="5.00") for n in range(3)]
    return category, books


def test_killing_a_gunicorn_node_under_load_fails_no_get(fresh_edge, shelf):
    category, books = shelf
    basket_session = requests.Session()
    assert add_to_basket(fresh_edge, basket_session, books[0]).status_code == 302
    # Cached pages, and pages that always reach gunicorn (basket cookie, private paths).
    plan = [
        (None, category.url),
        (None, books[1].url),
        (basket_session, category.url),
        (basket_session, "/basket/"),
        (None, "/_/csrf/"),
        (None, "/search/?q=failover"),
    ]
    results, failures, stop = [], [], threading.Event()
    lock = threading.Lock()

    def load(worker):
        session = requests.Session()
        index = worker
        while not stop.is_set():
            shared, path = plan[index % len(plan)]
            index += 1
            try:
                response = fresh_edge.get(path, session=shared or session, timeout=15)
                ok = response.status_code == 200
            except requests.RequestException as error:
                response, ok = error, False
            with lock:
                results.append(ok)
                if not ok:
                    failures.append((path, getattr(response, "status_code", response)))

    workers = [threading.Thread(target=load, args=(number,)) for number in range(4)]
    for worker in workers:
        worker.start()
    time.sleep(LOAD_SECONDS / 4)
    fresh_edge.kill_node(0)
    time.sleep(LOAD_SECONDS * 3 / 4)
    stop.set()
    for worker in workers:
        worker.join()
    fresh_edge.start_node(0)

    assert len(results) > 200, len(results)
    assert failures == []
    assert "exited on signal" not in fresh_edge.error_log()


def test_pages_still_render_with_redis_down(nginx_path, transactional_db, postgres, private_redis):
    redis_process, redis_url = private_redis
    serve_site_at(REDIS_DOWN_STACK_PORT)
    category = make_category(title="Redisless Shelf", slug="redisless-shelf")
    book = make_book(category, title="Redisless Radcliffe", author="Ann Radcliffe", price="6.00")
    reader = get_user_model().objects.create_user("radcliffe@example.test", "radcliffe@example.test", "pw")
    env = django_env(redis_url=redis_url)
    stack = EdgeStack(nginx_path, REDIS_DOWN_STACK_PORT, env, wsgi_app=TEST_WSGI_APP).start()
    try:
        assert stack.get("/_/ready").json()["cache"] == "ok"
        redis_process.kill()
        redis_process.wait()

        # The shop works without Redis: the node stays in the pool, reported as degraded.
        ready = stack.get("/_/ready")
        assert ready.status_code == 200 and ready.json()["status"] == "degraded" and ready.json()["cache"] == "down"
        signed_in, basket = signed_in_session(reader), requests.Session()
        added = add_to_basket(stack, basket, book)
        assert added.status_code == 302
        for session in (requests.Session(), basket, signed_in):
            for path in ("/", category.url, book.url, "/search/?q=radcliffe", "/basket/", "/accounts/", "/_/me/"):
                response = stack.get(path, session=session)
                assert response.status_code < 500, (path, response.status_code)
        assert "Redisless Radcliffe" in stack.get(book.url).text
        assert stack.get("/_/me/", session=basket).json()["basket_count"] == 1
        logged = "".join(path.read_text(errors="replace") for path in stack.log_dir.glob("gunicorn-*-error.log"))
        assert "Exception ignored" in logged  # django-redis logs each error it swallows
    finally:
        stack.stop()
        error_log = stack.error_log()
        stack.cleanup()
    assert "exited on signal" not in error_log
