"""/_/metrics: the exposition parses, counts what users did, and is not served through nginx."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from outbox.models import OutboxEmail
from testing.edge_stack import EdgeStack
from testing.ports import unused_port
from tests.cache.conftest import django_env


def scrape(text):
    """{(name, frozenset(labels)): value} of every sample."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0)


@pytest.mark.django_db
def test_requests_tasks_and_the_outbox_show_in_the_exposition(client):
    before = scrape(client.get("/_/metrics").content.decode())
    for _ in range(3):
        client.get("/_/live")
    client.get("/no-such-page-anywhere/")
    OutboxEmail.objects.create(
        message_id="<m@test>",
        from_email="shop@test",
        to=["a@test"],
        subject="s",
        body="b",
        created_at=timezone.now() - timedelta(minutes=7),
    )
    from operations.tasks import clear_expired_sessions

    clear_expired_sessions.delay()  # eager in tests: the task signals fire all the same

    response = client.get("/_/metrics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    after = scrape(response.content.decode())
    live = {"view": "health-live", "method": "GET", "status": "200"}
    assert (
        value(after, "bookshop_http_requests_total", **live) - value(before, "bookshop_http_requests_total", **live)
        == 3
    )
    assert value(after, "bookshop_http_request_duration_seconds_count", view="health-live") >= 3
    assert any(name == "bookshop_http_requests_total" and ("status", "404") in labels for name, labels in after)
    assert value(after, "bookshop_outbox_pending") == 1
    assert 7 * 60 <= value(after, "bookshop_outbox_oldest_pending_seconds") < 8 * 60
    assert value(after, "bookshop_payment_attempts_stuck", state="allocated") == 0
    task = {"task": "operations.tasks.clear_expired_sessions", "state": "SUCCESS"}
    assert (
        value(after, "bookshop_celery_tasks_total", **task) - value(before, "bookshop_celery_tasks_total", **task) == 1
    )


@pytest.mark.django_db
def test_a_request_that_came_through_a_proxy_gets_no_metrics(client):
    assert client.get("/_/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404


@pytest.mark.services
def test_nginx_refuses_metrics_and_each_node_adds_up_all_its_workers(nginx_path, transactional_db, postgres):
    port = unused_port()
    stack = EdgeStack(nginx_path, port, django_env(), nodes=1).start()
    try:
        through_nginx = stack.get("/_/metrics")
        for _ in range(20):  # spread over the node's two worker processes
            requests.get(stack.node_url(0, "/_/live"), headers={"Connection": "close"}, timeout=10)
        direct = requests.get(stack.node_url(0, "/_/metrics"), timeout=10)
    finally:
        stack.stop()
        stack.cleanup()
    assert through_nginx.status_code == 404 and "bookshop_" not in through_nginx.text
    assert direct.status_code == 200
    samples = scrape(direct.text)
    assert value(samples, "bookshop_http_requests_total", view="health-live", method="GET", status="200") == 20
