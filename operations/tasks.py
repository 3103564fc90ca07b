"""Housekeeping jobs of Django and Wagtail, run by Celery beat (CELERY_BEAT_SCHEDULE in settings)."""

import logging

from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Revision

logger = logging.getLogger("bookshop.jobs")


@shared_task
def publish_scheduled_pages():
    """Publish pages whose go-live time has passed and unpublish expired ones.

    Wagtail's command publishes through the page's revision, which sends page_published: the edge
    cache purges the page and its listings, and the catalogue mirrors a book into Oscar
    (catalogue/reactions.py), exactly as when an editor presses Publish.
    """
    due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).count()
    call_command("publish_scheduled")
    if due:
        logger.info("published %d scheduled revision(s)", due)
    return due


@shared_task
def clear_expired_sessions():
    """Delete expired sessions from the database (sessions are cached_db: the rows pile up)."""
    expired = Session.objects.filter(expire_date__lt=timezone.now()).count()
    call_command("clearsessions")
    logger.info("cleared %d expired session(s)", expired)
    return expired
