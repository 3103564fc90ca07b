"""Fresh-query search latency at 100k books: p95 one at a time and under 8 connections (not a test).

Needs a PostgreSQL database holding a large catalogue, and Redis, for example:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bookshop_bench REDIS_URL=redis://127.0.0.1:6379/3
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py create_random_catalogue --books 100000
    .venv/bin/python bench/search.py --port 18300

Queries are drawn from the catalogue (title words, surnames, two-word titles, surname plus a
title word) and a quarter of them misspelt (a letter dropped, doubled, swapped or replaced), all
distinct: 200 for the run one at a time and 200 others for the run under load, so no query is
answered from an earlier one. Two measures, targets in brackets (issue #17):
1. `catalogue.book_search.search_books` in this process: the ranking query alone;
2. /search/ through gunicorn (deploy/gunicorn/gunicorn.conf.py, production settings,
   SHARED_PAGE_CACHE=0 so every page is rendered): one client at a time (p95 <= 50 ms), then
   8 clients, each with its own connection, sending the other 200 (p95 <= 150 ms).
"""

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR / "site"), str(PROJECT_DIR)]

from bench.pages import setup_django, start_gunicorn  # noqa: E402

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def misspell(word, rng):
    """One typing slip in a word of five letters or more: dropped, doubled, swapped or replaced."""
    at = rng.randrange(1, len(word) - 1)
    slip = rng.choice(["drop", "double", "swap", "replace"])
    if slip == "drop":
        return word[:at] + word[at + 1 :]
    if slip == "double":
        return word[:at] + word[at] + word[at:]
    if slip == "swap":
        return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    return word[:at] + rng.choice(LETTERS.replace(word[at], "")) + word[at + 1 :]


def distinct_queries(count, rng):
    """`count` distinct queries shaped like what shoppers type, a quarter of them misspelt."""
    from catalogue.book_search import BookSearchEntry

    sample = list(BookSearchEntry.objects.order_by("?").values_list("title", "authors")[: count * 3])
    if len(sample) < count:
        sys.exit("Build a catalogue first: manage.py create_random_catalogue --books 100000")
    queries, seen = [], set()
    for title, authors in sample:
        title_words = [word for word in title.lower().split() if word != "the"]
        surname = authors.split(",")[0].split()[-1].lower()
        shape = rng.random()
        if shape < 0.35:
            query = rng.choice(title_words)
        elif shape < 0.55:
            query = surname
        elif shape < 0.8:
            query = " ".join(title_words[:2])
        else:
            query = f"{surname} {rng.choice(title_words)}"
        if rng.random() < 0.25:
            words = query.split()
            longest = max(range(len(words)), key=lambda index: len(words[index]))
            if len(words[longest]) >= 5:
                words[longest] = misspell(words[longest], rng)
                query = " ".join(words)
        if query not in seen:
            seen.add(query)
            queries.append(query)
        if len(queries) == count:
            return queries
    sys.exit("Not enough distinct queries; build a larger catalogue.")


def percentile_95(timings):
    return statistics.quantiles(timings, n=100)[94]


def time_function(queries):
    from catalogue.book_search import search_books

    timings, misspelt_found = [], 0
    for query in queries:
        started = time.perf_counter()
        matches = search_books(query, start=0, count=20)
        timings.append((time.perf_counter() - started) * 1000)
        misspelt_found += bool(matches.ids)
    return timings, misspelt_found


def get_pages(port, queries, timings):
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    for query in queries:
        started = time.perf_counter()
        connection.request("GET", "/search/?" + urllib.parse.urlencode({"q": query}))
        response = connection.getresponse()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise SystemExit(f"/search/?q={query} answered {response.status}")
    connection.close()


def time_pages(port, queries, clients):
    timings = []
    threads = [threading.Thread(target=get_pages, args=(port, queries[n::clients], timings)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, len(queries) / (time.perf_counter() - started)


def report(label, timings, target=None):
    verdict = "" if target is None else ("  ok" if percentile_95(timings) <= target else f"  over {target} ms")
    print(
        f"  {label:<40} p50 {statistics.median(timings):6.1f} ms   p95 {percentile_95(timings):6.1f} ms"
        f"   max {max(timings):6.1f} ms{verdict}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18300)
    parser.add_argument("--queries", type=int, default=200, help="Distinct queries per run (default 200).")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seed", type=int, default=None, help="Query sample seed (default: new queries each run).")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL.")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    setup_django()
    from catalogue.book_search import BookSearchEntry

    rng = random.Random(args.seed)
    queries = distinct_queries(args.queries * 3, rng)
    in_process, alone, loaded = (queries[n::3] for n in range(3))
    print(f"Catalogue: {BookSearchEntry.objects.count()} live books; {args.queries} distinct queries per run.")
    timings, found = time_function(in_process)
    report("search_books() in process", timings)
    print(f"    {found} of {len(in_process)} queries found books")

    with tempfile.TemporaryDirectory(prefix="bench-search-") as work:
        work_dir = Path(work)
        gunicorn = start_gunicorn(args.port, work_dir / "static", work_dir, SHARED_PAGE_CACHE="0")
        try:
            timings, _ = time_pages(args.port, alone, 1)
            report("/search/ one at a time", timings, target=50)
            timings, rate = time_pages(args.port, loaded, args.connections)
            report(f"/search/ under {args.connections} connections ({rate:.0f} req/s)", timings, target=150)
        finally:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)


if __name__ == "__main__":
    main()
