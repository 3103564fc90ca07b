"""Refresh recently purged URLs and the top of the sitemap on every nginx node, in place."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from edgecache.warming import traffic_hit_rate, urls_to_warm, warm


class Command(BaseCommand):
    help = (
        "Warm the nginx page cache on every node (EDGE_CACHE_NODES): recently purged URLs, then the "
        "first --top URLs of the sitemap. Reports the HIT rate per node; exits 1 if any URL failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--top", type=int, default=50, help="How many sitemap URLs to warm (0: purged only).")
        parser.add_argument("--url", action="append", default=[], help="Warm this absolute URL too.")
        parser.add_argument("--access-log", help="nginx access log to report the traffic HIT rate from.")

    def handle(self, *args, **options):
        if not settings.EDGE_CACHE_NODES:
            raise CommandError("EDGE_CACHE_NODES is empty: no nginx node to warm.")
        urls = list(dict.fromkeys(options["url"] + urls_to_warm(options["top"])))
        self.stdout.write(f"Warming {len(urls)} URLs on {len(settings.EDGE_CACHE_NODES)} node(s)")
        reports = warm(urls)
        for report in reports:
            self.stdout.write(
                f"{report.node}: {report.hits_after}/{report.refreshed} HIT after refresh ({report.hit_rate:.0%})"
            )
            for url, problem in report.failures:
                self.stderr.write(f"  {url}: {problem}")
        if options["access_log"]:
            rate, counted = traffic_hit_rate(options["access_log"])
            if rate is not None:
                self.stdout.write(f"Traffic: {rate:.0%} of the last {counted} page requests served from the cache")
        if any(report.failures for report in reports):
            raise CommandError("Some URLs could not be warmed (listed above).")
