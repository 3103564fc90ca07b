"""Support for the tests and the benchmarks; never installed in production.

- pytest plugins, registered once in the root conftest.py: the PayPal simulator served over
  HTTP (`paypal`), a real SMTP server on loopback (`smtp`), real Celery workers (`celery_workers`);
- the real nginx + gunicorn stack of the cache tests and bench/cache.py (`edge_stack`);
- a bulk writer of published books (`bulk_books`) and the `create_random_catalogue` command
  that fills a database with a large random catalogue for benchmarks.

The dev and test settings install this package as a Django app for its command; production
settings do not, so no deployment ships a generator of made-up books.
"""
