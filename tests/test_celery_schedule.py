"""Every periodic job an operator relies on is scheduled, and names a task a worker can run."""

from django.conf import settings

from bookshop.celery_app import app

EXPECTED_JOBS = {
    "checkout.tasks.reconcile_payments",  # paid-but-unplaced orders are completed or refunded
    "edgecache.tasks.warm_page_cache",  # purged and top pages are re-fetched into nginx
    "newsletters.tasks.resume_newsletter_sends",  # scheduled and interrupted sends go out
    "outbox.tasks.relay_outbox",  # mail stranded by a broker outage or a dead worker goes out
    "operations.tasks.publish_scheduled_pages",  # scheduled pages go live, expired ones go offline
    "operations.tasks.clear_expired_sessions",  # expired sessions leave the database
}


def test_beat_schedules_every_periodic_job():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert EXPECTED_JOBS <= scheduled


def test_every_scheduled_task_is_registered_with_the_worker():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, f"{entry['task']} is scheduled but no worker knows it"
