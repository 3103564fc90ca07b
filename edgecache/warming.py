"""Keeping the nginx page cache warm (docs/design.md §4.6, docs/nginx-cache.md §8).

The URLs come from the purge log (`edgecache.purge.remember_purged`) and from the top of the
sitemap. Each is fetched on every nginx node directly (`EDGE_CACHE_NODES`), with the public Host,
no cookies and `X-Cache-Refresh: 1`, which nginx honours from trusted addresses only: the entry
is replaced in place, so visitors never meet a MISS. A plain GET then checks that the node
serves it as a HIT; the report gives that HIT rate per node and names every failure (5xx, a
Set-Cookie, a page Django refused to share).
"""

import logging
import re
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.conf import settings
from wagtail.models import Site

from edgecache.purge import take_recently_purged

logger = logging.getLogger("bookshop.edge_cache")
SITEMAP_NAMESPACE = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
REFRESH_HEADER = "X-Cache-Refresh"


@dataclass
class NodeReport:
    node: str
    refreshed: int = 0
    hits_after: int = 0
    failures: list = field(default_factory=list)

    @property
    def hit_rate(self):
        return self.hits_after / self.refreshed if self.refreshed else 0.0


def sitemap_urls(node, host, limit):
    """The first `limit` page URLs of the sitemap (following a sitemap index), as listed."""
    urls, pending = [], ["/sitemap.xml"]
    while pending and len(urls) < limit:
        response = requests.get(node + pending.pop(0), headers={"Host": host}, timeout=10)
        if response.status_code != 200:
            continue
        root = ElementTree.fromstring(response.content)
        for location in root.iter(f"{SITEMAP_NAMESPACE}loc"):
            if root.tag == f"{SITEMAP_NAMESPACE}sitemapindex":
                pending.append(urlsplit(location.text.strip()).path)
            else:
                urls.append(location.text.strip())
    return urls[:limit]


def _request_target(url):
    parts = urlsplit(url)
    return parts.netloc, parts.path + (f"?{parts.query}" if parts.query else "")


def refresh(node, url):
    """Refresh one URL in place on one node; None when it is now a HIT, else what went wrong."""
    host, target = _request_target(url)
    refreshed = requests.get(node + target, headers={"Host": host, REFRESH_HEADER: "1"}, timeout=30)
    if refreshed.status_code >= 500:
        return f"{refreshed.status_code} from the node"
    if "Set-Cookie" in refreshed.headers:
        return "the response sets a cookie, so it is not cached"
    if refreshed.status_code != 200:
        return None if refreshed.status_code in (301, 302, 404) else f"status {refreshed.status_code}"
    if "s-maxage" not in refreshed.headers.get("Cache-Control", ""):
        return "Django did not mark it shareable (see the bookshop.edge_cache log)"
    check = requests.get(node + target, headers={"Host": host}, timeout=30)
    status = check.headers.get("X-Cache-Status")
    return None if status == "HIT" else f"served as {status} after the refresh"


def warm(urls, nodes=None, concurrency=3):
    """Refresh `urls` on every node; one NodeReport per node."""
    nodes = nodes or settings.EDGE_CACHE_NODES
    reports = []
    for node in nodes:
        report = NodeReport(node)
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            outcomes = list(pool.map(lambda url, node=node: (url, _safe_refresh(node, url)), urls))
        for url, problem in outcomes:
            report.refreshed += 1
            if problem is None:
                report.hits_after += 1
            else:
                report.failures.append((url, problem))
        reports.append(report)
    return reports


def _safe_refresh(node, url):
    try:
        return refresh(node, url)
    except requests.RequestException as error:
        return f"no answer: {error.__class__.__name__}"


def urls_to_warm(top):
    """Recently purged URLs first, then the top of the sitemap, without duplicates."""
    urls = take_recently_purged()
    site = Site.objects.filter(is_default_site=True).first()
    if top and settings.EDGE_CACHE_NODES and site is not None:
        host = urlsplit(site.root_url).netloc
        listed = sitemap_urls(settings.EDGE_CACHE_NODES[0], host, top)
        # Sections built on django.contrib.sites may name another domain; nginx would answer 400.
        foreign = [url for url in listed if urlsplit(url).netloc != host]
        if foreign:
            logger.warning("not warming %d sitemap URLs of other hosts, e.g. %s", len(foreign), foreign[0])
        urls += [url for url in listed if urlsplit(url).netloc == host]
    return list(dict.fromkeys(urls))


ACCESS_LOG_STATUS = re.compile(r" cache=(\w+|-) ")


def traffic_hit_rate(access_log_path, last_lines=10_000):
    """(share of page requests nginx answered from its cache, requests counted), read from the
    access log written with deploy/'s `log_format bookshop`."""
    with open(access_log_path, errors="replace") as log:
        lines = log.readlines()[-last_lines:]
    statuses = [match.group(1) for line in lines if (match := ACCESS_LOG_STATUS.search(line))]
    # "-": static files and private paths, which never use the page cache.
    cached = [status for status in statuses if status != "-"]
    served_from_cache = sum(status in ("HIT", "STALE", "UPDATING") for status in cached)
    return (served_from_cache / len(cached) if cached else None), len(cached)
