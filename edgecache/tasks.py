"""Periodic jobs of the edge cache (scheduled by CELERY_BEAT_SCHEDULE in settings)."""

import logging

from celery import shared_task
from django.conf import settings

from edgecache.warming import urls_to_warm, warm

logger = logging.getLogger("bookshop.edge_cache")


@shared_task
def warm_page_cache(top=50):
    """Refresh purged and top sitemap URLs on every nginx node (see edgecache.warming)."""
    if not settings.EDGE_CACHE_NODES:
        return {}
    reports = warm(urls_to_warm(top))
    for report in reports:
        logger.info("warmed %s: %d/%d HIT", report.node, report.hits_after, report.refreshed)
        for url, problem in report.failures:
            logger.warning("could not warm %s on %s: %s", url, report.node, problem)
    return {report.node: report.hit_rate for report in reports}
