"""Settings for real Celery workers started by tests and by the newsletter benchmarks.

The test settings, with tasks going through the broker (not eager) on a queue of the caller's
choosing, so a test's worker only sees that test's tasks.
"""

from .test import *  # noqa: F403
from .test import env

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = env("NEWSLETTER_WORKER_QUEUE", "celery")
