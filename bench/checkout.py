"""Checkout throughput through gunicorn with the PayPal simulator (orders per second).

Each simulated shopper runs the whole journey over HTTP: add to basket, guest checkout, address,
shipping method, "Pay with PayPal" (the shop creates the PayPal order), approve at the simulator,
return (verify, lock stock, capture, place the order), thank-you page. The ratio printed at the
end compares it with a bare uncached request (/_/csrf/) measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bookshop_h4 .venv/bin/python bench/checkout.py \
        [--orders 120] [--concurrency 4] [--workers 2] [--port 18402] [--sim-port 18401]

Needs a migrated PostgreSQL database (it adds a "Bench" category with books); uses
bookshop.settings.test (DEBUG off, console-free locmem mail, Celery eager) with persistent
connections.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

PROJECT_DIR = Path(__file__).resolve().parents[1]
ADDRESS = {
    "first_name": "Ada",
    "last_name": "Bench",
    "line1": "1 Bench St",
    "line4": "Berlin",
    "postcode": "10115",
    "country": "DE",
}


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def make_books(count):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookshop.settings.test")
    sys.path[:0] = [str(PROJECT_DIR / "site"), str(PROJECT_DIR)]
    import django

    django.setup()
    from catalogue.pages import CategoryPage
    from testing.factories import make_book, make_category

    category = CategoryPage.objects.filter(slug="bench").first() or make_category(title="Bench", slug="bench")
    stamp = int(time.time())
    return [
        make_book(
            category, title=f"Bench {stamp} {n}", price="9.99", stock=100_000, isbn=bench_isbn(stamp, n)
        ).product.pk
        for n in range(count)
    ]


def bench_isbn(stamp, n):
    """A checksum-valid ISBN-13 unique per run (979-8 range, away from the demo and test books)."""
    from testing.bulk_books import isbn13

    return isbn13(f"9798{(stamp * 10 + n) % 10**8:08d}")


def one_order(base, product_id, email):
    from testing.paypal import approve_at_paypal

    with requests.Session() as shopper:
        token = shopper.get(f"{base}/_/csrf/", timeout=30).json()["token"]
        headers = {"X-CSRFToken": token, "Referer": base + "/"}

        def post(path, data):
            response = shopper.post(base + path, data=data, headers=headers, allow_redirects=False, timeout=60)
            assert response.status_code in (200, 302), (path, response.status_code, response.text[:300])
            return response

        post(f"/basket/add/{product_id}/", {"quantity": 1})
        post("/checkout/", {"username": email, "options": "anonymous"})
        post("/checkout/shipping-address/", ADDRESS)
        post("/checkout/shipping-method/", {"method_code": "standard"})
        approve_url = post("/checkout/preview/", {"action": "place_order"}).headers["Location"]
        return_url = approve_at_paypal(approve_url)  # the buyer's plain HTML approve form
        thank_you = shopper.get(return_url, timeout=60)
        assert thank_you.url.endswith("/checkout/thank-you/"), thank_you.url
        assert re.search(r"10\d{4}", thank_you.text)


def run_clients(count, concurrency, work):
    jobs = list(range(count))
    lock = threading.Lock()
    errors = []

    def client():
        while True:
            with lock:
                if not jobs:
                    return
                job = jobs.pop()
            try:
                work(job)
            except Exception as error:  # noqa: BLE001  (counted and reported)
                errors.append(repr(error))

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=18402)
    parser.add_argument("--sim-port", type=int, default=18401)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a migrated PostgreSQL database.")

    products = make_books(8)
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bookshop.settings.test",
        PYTHONPATH="site",
        DB_CONN_MAX_AGE="60",
        PAYPAL_API_BASE=f"http://127.0.0.1:{args.sim_port}",
    )
    env.pop("REDIS_URL", None)  # eager Celery, locmem cache: the checkout itself is measured
    simulator = subprocess.Popen(
        [sys.executable, "-m", "checkout.paypal.simulator.server", "--port", str(args.sim_port)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bookshop.wsgi:application",
            "--workers",
            str(args.workers),
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--pythonpath",
            "site",
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(f"{base}/_/csrf/")
        wait_for(f"http://127.0.0.1:{args.sim_port}/_sim/state")
        one_order(base, products[0], "warmup@example.com")

        bare_count = 400
        bare_seconds, _ = run_clients(
            bare_count, args.concurrency, lambda _: requests.get(f"{base}/_/csrf/", timeout=10).raise_for_status()
        )
        seconds, errors = run_clients(
            args.orders,
            args.concurrency,
            lambda n: one_order(base, products[n % len(products)], f"bench{n}@example.com"),
        )
        placed = args.orders - len(errors)
        print(
            f"checkout: {placed} orders in {seconds:.1f}s with {args.concurrency} shoppers, "
            f"gunicorn {args.workers} workers x 4 threads: {placed / seconds:.1f} orders/s "
            f"({seconds / max(placed, 1) * args.concurrency * 1000:.0f} ms per order journey, 10 HTTP requests)"
        )
        print(
            f"bare /_/csrf/: {bare_count / bare_seconds:.0f} req/s; "
            f"ratio request rate in checkout / bare = {placed * 10 / seconds / (bare_count / bare_seconds):.2f}"
        )
        if errors:
            print(f"{len(errors)} failed journeys, first: {errors[0]}")
    finally:
        gunicorn.terminate()
        simulator.terminate()
        gunicorn.wait()
        simulator.wait()


if __name__ == "__main__":
    main()
