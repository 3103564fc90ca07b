"""Fixtures for tests that run real Celery workers."""

import uuid

import pytest

from bookshop.celery_app import app as celery_app


@pytest.fixture
def broker(redis_url):
    """Tasks from this test go through Redis (not eager) to this test's own queue."""
    queue = f"newsletter-test-{uuid.uuid4().hex[:8]}"
    saved = {name: celery_app.conf[name] for name in ("task_always_eager", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    yield queue
    celery_app.conf.update(saved)
