"""Shop pages under gunicorn vs a bare Django view of the same size, and search p95 (not a test).

Needs a PostgreSQL database holding a large catalogue and Redis, for example:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bookshop_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python manage.py create_random_catalogue --books 100000
    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/pages.py --port 18300

It starts gunicorn with deploy/gunicorn/gunicorn.conf.py (gthread, 2 workers x 4 threads) and the
production settings plus one bare view (site/bookshop/settings/bench.py), persistent DB connections
(DB_CONN_MAX_AGE), then measures with wrk, all in one run:
- requests/s of the home page, category pages, book pages and search results, each cycling
  through many URLs, and of the bare view returning static HTML of the same average size;
- the cost ratio bare req/s / page req/s (target: <= 3), from the medians of `--rounds` runs of
  each, page and bare view alternating: on a shared machine one run of either can be halved by a
  neighbour, and a ratio of two single runs then says more about the neighbour than the page;
- search latency p95: one client, one request at a time (service time), and under wrk's load.
Each URL is fetched once before its wrk run, so the caches are warm, as in production between
catalogue changes. Two passes, each with its own gunicorn:
1. as in production: anonymous pages come from the shared page cache (edgecache/page_cache.py);
2. with SHARED_PAGE_CACHE=0: every request is rendered (fragment caches still warm), which is
   what a page costs right after a change, and what every search for a new query costs.
If the home page has no blocks yet, it gets a hero, 8 featured books and a "new in" block.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR / "site"), str(PROJECT_DIR)]
WRK_REPORT = """
paths = {%s}
counter = 0
request = function()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH %%d %%.3f %%.3f %%d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(95) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read))
end
"""


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "bookshop.settings.dev"
    import django

    django.setup()


def sample_paths(rng):
    """URLs to cycle through for each kind of page, drawn from the catalogue."""
    from catalogue.pages import Author, BookPage, CategoryPage
    from testing.management.commands.create_random_catalogue import WORDS

    leaves = [page for page in CategoryPage.objects.live() if not CategoryPage.objects.child_of(page).exists()]
    if not leaves or BookPage.objects.count() < 1000:
        sys.exit("Build a catalogue first: manage.py create_random_catalogue --books 100000")
    categories = [
        f"{leaf.url}?sort={sort}&page={page}"
        for leaf in leaves
        for sort in ("newest", "title", "price-asc")
        for page in (1, 2, 3)
    ]
    ids = list(BookPage.objects.live().values_list("pk", flat=True)[:: max(BookPage.objects.count() // 300, 1)])
    books = [page.url for page in BookPage.objects.filter(pk__in=ids)]
    author_names = list(Author.objects.values_list("name", flat=True)[:50])
    queries = [rng.choice(WORDS) for _ in range(60)] + [name.split()[-1] for name in author_names[:20]]
    queries += [" ".join(rng.sample(WORDS, 2)) for _ in range(20)]
    search = [f"/search/?q={urllib.request.quote(query)}" for query in queries]
    return {"home": ["/"], "category": categories, "book": books, "search": search}


def ensure_home_blocks():
    from catalogue.pages import BookPage, CategoryPage
    from home.models import HomePage

    home = HomePage.objects.first()
    if home.body:
        return
    shelf = CategoryPage.objects.live().filter(depth=4).order_by("path").first()
    featured = list(BookPage.objects.live().order_by("?")[:8])
    home.body = [
        (
            "hero",
            {"heading": "Stories worth keeping", "text": "Next-day delivery.", "link_page": shelf, "link_text": ""},
        ),
        ("featured_books", {"heading": "Featured books", "books": featured}),
        ("new_in_category", {"category": shelf, "heading": "", "count": 8}),
        ("newsletter_signup", {"heading": "Our newsletter", "text": "Once a month."}),
    ]
    home.save_revision().publish()


def start_gunicorn(port, static_root, log_dir, **settings):
    env = dict(
        os.environ,
        **settings,
        DJANGO_SETTINGS_MODULE="bookshop.settings.bench",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-" + "k" * 50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DB_CONN_MAX_AGE="600",
        STATIC_ROOT=str(static_root),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="/dev/null",
        GUNICORN_ERROR_LOG=str(log_dir / "gunicorn-error.log"),
        BOOKSHOP_LOG_DIR=str(log_dir),
        LOG_LEVEL="WARNING",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=PROJECT_DIR, env=env, check=True
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-c", "deploy/gunicorn/gunicorn.conf.py"], cwd=PROJECT_DIR, env=env, start_new_session=True
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/100/", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    sys.exit(f"gunicorn did not start; see {log_dir / 'gunicorn-error.log'}")


def fetch(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        body = response.read()
        if response.headers.get("Set-Cookie"):
            print(f"  warning: {path} sets a cookie")
        return body


def wrk(base, paths, duration, connections, work_dir):
    script = work_dir / "paths.lua"
    script.write_text(WRK_REPORT % ", ".join(json.dumps(path) for path in paths))
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests, seconds, p95_ms, errors = re.search(r"BENCH (\d+) ([\d.]+) ([\d.]+) (\d+)", output).groups()
    return {"rps": int(requests) / float(seconds), "p95_ms": float(p95_ms), "errors": int(errors)}


def one_at_a_time_p95(port, paths, rounds):
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    timings = []
    for index in range(rounds):
        started = time.perf_counter()
        connection.request("GET", paths[index % len(paths)])
        response = connection.getresponse()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
    connection.close()
    return statistics.quantiles(timings, n=100)[94], statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18300)
    parser.add_argument("--duration", type=int, default=5, help="Seconds per wrk run.")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs of each page kind and of the bare view.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--search-rounds", type=int, default=400)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL.")

    # `timeout` or Ctrl-C: still stop gunicorn (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    setup_django()
    from catalogue.pages import BookPage

    ensure_home_blocks()
    paths = sample_paths(random.Random(7))
    print(f"Catalogue: {BookPage.objects.live().count()} live books. gunicorn gthread, 2 workers x 4 threads.")
    print(
        f"wrk -t2 -c{args.connections} -d{args.duration}s, cycling through each kind's URLs; "
        f"median of {args.rounds} runs, page and bare view alternating."
    )
    for shared_page_cache, title in (("1", "Served as in production (shared page cache on)"), ("0", RENDER_TITLE)):
        print(f"\n{title}")
        measure(args, paths, shared_page_cache)


RENDER_TITLE = "Rendered on every request (SHARED_PAGE_CACHE=0; fragment caches warm)"


def measure(args, paths, shared_page_cache):
    work_dir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    process = start_gunicorn(args.port, work_dir / "static", work_dir, SHARED_PAGE_CACHE=shared_page_cache)
    base = f"http://127.0.0.1:{args.port}"
    try:
        print(f"{'page':<10}{'URLs':>6}{'bytes':>9}{'page req/s':>12}{'bare req/s':>12}{'cost (x bare)':>15}")
        p95_under_load = {}
        for kind, kind_paths in paths.items():
            # One pass over every URL first: the steady state has the caches filled.
            sizes = [len(fetch(base, path)) for path in kind_paths]
            size = int(statistics.mean(sizes))
            pages, bares = [], []
            for _ in range(args.rounds):
                pages.append(wrk(base, kind_paths, args.duration, args.connections, work_dir))
                bares.append(wrk(base, [f"/bench/bare/{size}/"], args.duration, args.connections, work_dir))
            page_rps = statistics.median(run["rps"] for run in pages)
            bare_rps = statistics.median(run["rps"] for run in bares)
            p95_under_load[kind] = statistics.median(run["p95_ms"] for run in pages)
            errors = sum(run["errors"] for run in pages)
            errors = f"  ({errors} errors)" if errors else ""
            print(
                f"{kind:<10}{len(kind_paths):>6}{size:>9}{page_rps:>12.0f}{bare_rps:>12.0f}"
                f"{bare_rps / page_rps:>14.1f}x{errors}"
            )
        p95, median = one_at_a_time_p95(args.port, paths["search"], args.search_rounds)
        print(f"search, one request at a time ({args.search_rounds} queries): p95 {p95:.1f} ms, median {median:.1f} ms")
        print(
            f"search under wrk load ({args.connections} connections): p95 {p95_under_load['search']:.1f} ms "
            f"(median of the runs)"
        )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
