"""Page-cache benchmark, one run: nginx cache HIT vs a static file of the same size, vs the
uncached page through gunicorn, and publish-to-fresh latency.

Needs PostgreSQL with a catalogue (e.g. after `make stack` or `manage.py load_demo_data`), Redis,
nginx with the cache-purge module, and wrk (apt-get install wrk):

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/cache.py

It starts its own nginx (127.0.0.1:18650, purge :18651) over two gunicorn nodes (:18660, :18661)
with production settings and persistent DB connections, and stops them at the end. Numbers are
only comparable within one run (docs/design.md §8); the load generator shares the machine's cores.
"""

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR / "site"), str(PROJECT_DIR)]

PORT = 18650
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
# What `make stack` collected (hashed and compressed, which takes minutes on 2 cores).
STATIC_ROOT = PROJECT_DIR / "var" / "static"
PUBLISHES = 10


def django_env():
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            sys.exit(f"Set {name} (PostgreSQL with a catalogue, and Redis).")
    return {
        "DJANGO_SETTINGS_MODULE": "bookshop.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PAYPAL_MODE": "sandbox",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "0",
        "DB_CONN_MAX_AGE": "60",
        "EDGE_CACHE_NODES": f"http://127.0.0.1:{PORT}",
        "EDGE_CACHE_PURGE_URLS": f"http://127.0.0.1:{PORT + 1}",
        "STATIC_ROOT": str(STATIC_ROOT),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "4",
    }


def wrk(url, *headers):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, p50, p99, int(errors.group(1)) if errors else 0


def main():
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    os.environ.update(django_env())
    import django

    django.setup()
    import requests
    from wagtail.models import Site

    from catalogue.pages import BookPage
    from testing.edge_stack import EdgeStack

    # Purges use the Site's host; a cache shared with other runs may hold another Site's paths.
    Site.clear_site_root_paths_cache()
    book = BookPage.objects.live().filter(product__stockrecords__isnull=False).order_by("pk").first()
    if book is None:
        sys.exit("No live, priced book in this database: run `manage.py load_demo_data` first.")
    collected = (STATIC_ROOT / "staticfiles.json").exists()
    stack = EdgeStack(nginx, PORT, django_env(), static_root=STATIC_ROOT, collect=not collected).start()
    original_title = book.title
    try:
        page_url = stack.url(book.url)
        requests.get(page_url, timeout=30)
        hit = requests.get(page_url, timeout=30)
        assert hit.headers["X-Cache-Status"] == "HIT", hit.headers
        size = len(hit.content)
        static_file = STATIC_ROOT / "bench" / "same-size.html"
        static_file.parent.mkdir(parents=True, exist_ok=True)
        static_file.write_bytes(hit.content)

        print(f"Page: {book.url} ({size} bytes), wrk -t2 -c{CONNECTIONS} -d{DURATION}, one run\n")
        results = {
            "nginx cache HIT": wrk(page_url),
            "nginx static file, same size": wrk(stack.url("/static/bench/same-size.html")),
            "gunicorn direct, uncached (1 node)": wrk(stack.node_url(0, book.url)),
            "through nginx, BYPASS (2 nodes)": wrk(page_url, "Cookie: sessionid=bench-not-a-session"),
        }
        for name, (rate, p50, p99, errors) in results.items():
            print(f"{name:38} {rate:10.0f} req/s   p50 {p50:>8}   p99 {p99:>8}   non-2xx {errors}")
        hit_rate, static_rate = results["nginx cache HIT"][0], results["nginx static file, same size"][0]
        print(f"\nHIT / static file:        {hit_rate / static_rate:.2f}x (target >= 0.9x)")
        print(f"HIT / uncached gunicorn:  {hit_rate / results['gunicorn direct, uncached (1 node)'][0]:.0f}x")
        print(f"HIT / BYPASS via nginx:   {hit_rate / results['through nginx, BYPASS (2 nodes)'][0]:.0f}x")

        latencies = []
        for number in range(PUBLISHES):
            book.title = f"{original_title} (bench {number})"
            started = time.monotonic()
            book.save_revision().publish()
            while book.title not in requests.get(page_url, timeout=30).text:
                if time.monotonic() - started > 30:
                    sys.exit("The new title never reached nginx: is the Site's host the one requested?")
                time.sleep(0.005)
            latencies.append(time.monotonic() - started)
        print(
            f"\nPublish-to-fresh (publish call until nginx serves the new title), {PUBLISHES} publishes: "
            f"median {statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
        )
    finally:
        book.title = original_title
        book.save_revision().publish()
        stack.stop()
        stack.cleanup()


if __name__ == "__main__":
    # A SIGTERM (e.g. from `timeout`) still stops nginx and gunicorn in main()'s finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
