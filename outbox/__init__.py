"""The transactional email outbox: mail is stored with the change that causes it, then delivered
by Celery with retries, so no outage loses it. The design is in docs/outbox.md."""
