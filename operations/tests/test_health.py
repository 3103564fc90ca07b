"""/_/live and /_/ready against a real private Redis that is stopped, and a database that is gone."""

import logging

import pytest
import redis

from bookshop.celery_app import app as celery_app
from testing.ports import unused_port

pytestmark = [pytest.mark.services]


@pytest.fixture
def services_on_private_redis(settings, private_redis_server):
    """Cache and Celery broker on a private Redis this test may stop."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": private_redis_server.url,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        },
    }
    saved = {name: celery_app.conf[name] for name in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=private_redis_server.url)
    yield private_redis_server
    celery_app.conf.update(saved)


def connections_received(server):
    return redis.Redis(port=server.port).info("stats")["total_connections_received"]


def test_live_answers_without_touching_anything(client):
    response = client.get("/_/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_ready_is_ok_when_everything_answers(client, services_on_private_redis):
    response = client.get("/_/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_redis_down_degrades_but_keeps_the_node_ready_and_tells_the_public_nothing(
    client, services_on_private_redis, caplog
):
    server = services_on_private_redis
    assert client.get("/_/ready").json()["status"] == "ok"
    server.kill()
    caplog.set_level(logging.WARNING, logger="bookshop.health")

    response = client.get("/_/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down", "broker": "down"}
    assert str(server.port) not in response.text and "Error" not in response.text
    assert client.get("/_/health").json()["status"] == "degraded"  # the old name answers the same
    logged = caplog.text
    assert "broker is down" in logged and str(server.port) in logged  # the detail is in the log


@pytest.mark.django_db
def test_readiness_probes_reuse_one_broker_connection(client, services_on_private_redis):
    client.get("/_/ready")
    before = connections_received(services_on_private_redis)
    for _ in range(20):
        assert client.get("/_/ready").json()["broker"] == "ok"
    # The cache and the broker each keep their pooled connection: no new one per probe.
    assert connections_received(services_on_private_redis) - before <= 1


def test_database_down_makes_the_node_unready(client, transactional_db, postgres):
    settings_dict = postgres.settings_dict
    saved_port = settings_dict["PORT"]
    postgres.close()
    settings_dict["PORT"] = str(unused_port())  # nothing listens there: connection refused
    try:
        response = client.get("/_/ready")
    finally:
        postgres.close()
        settings_dict["PORT"] = saved_port
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable" and response.json()["database"] == "down"
    assert "refused" not in response.text and "5432" not in response.text
    assert client.get("/_/live").status_code == 200
