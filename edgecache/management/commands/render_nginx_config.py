"""Render deploy/nginx/bookshop.conf.tmpl from Django settings, so nginx and Django agree on the
cookie names that bypass the cache, the private paths, the hosts, the gunicorn nodes and the
purge listener (docs/design.md §4). `make stack` and the cache tests run nginx from its output."""

import os
import pwd
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template import Context, Engine

from edgecache.caching import personal_cookie_names, private_path_prefixes

DEPLOY_DIR = Path(settings.BASE_DIR) / "deploy" / "nginx"
DEFAULT_PUBLIC = "http://127.0.0.1:8080"
DEFAULT_PURGE = "http://127.0.0.1:8081"
WANTED_MODULES = {
    "ngx_http_cache_purge_module.so": True,  # required: the purge listener needs it
    "ngx_http_brotli_filter_module.so": False,
    "ngx_http_brotli_static_module.so": False,
}


def nginx_modules_path(nginx):
    """The absolute --modules-path of this nginx build (a relative load_module breaks under -p)."""
    try:
        output = subprocess.run([nginx, "-V"], capture_output=True, text=True, check=True).stderr
    except (OSError, subprocess.CalledProcessError):
        output = ""  # rendering on a machine without nginx: assume Debian's layout
    match = re.search(r"--modules-path=(\S+)", output)
    return Path(match.group(1)) if match else Path("/usr/lib/nginx/modules")


def host_port(url):
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 80}"


class Command(BaseCommand):
    help = "Write the nginx config for this site (standalone nginx.conf, or an http-level include)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default: standard output).")
        parser.add_argument(
            "--node",
            type=int,
            default=1,
            help="Which entry of EDGE_CACHE_NODES / EDGE_CACHE_PURGE_URLS this nginx is (1-based).",
        )
        parser.add_argument("--standalone", action="store_true", help="A whole nginx.conf run with `nginx -p PREFIX`.")
        parser.add_argument("--prefix", help="Standalone: the folder for pid, temp files and cache.")
        parser.add_argument("--cache-dir", help="Cache folder (default PREFIX/cache, or /var/cache/nginx/bookshop).")
        parser.add_argument("--log-dir", help="Log folder (default var/log).")
        parser.add_argument("--listen", help="Public address:port (default: this node's EDGE_CACHE_NODES entry).")
        parser.add_argument("--purge-listen", help="Purge address:port (default: this node's EDGE_CACHE_PURGE_URLS).")
        parser.add_argument("--upstream", action="append", help="gunicorn host:port (default EDGE_CACHE_UPSTREAMS).")
        parser.add_argument("--server-name", action="append", help="Accepted Host (default: ALLOWED_HOSTS).")
        parser.add_argument(
            "--trusted-address",
            action="append",
            help="Address allowed to PURGE and to refresh in place (default 127.0.0.1).",
        )
        parser.add_argument("--tls-certificate", help="Serve HTTPS with this certificate (and redirect HTTP).")
        parser.add_argument("--tls-certificate-key")
        parser.add_argument("--tls-listen", default="443")
        parser.add_argument("--workers", default="auto", help="Standalone worker_processes.")
        parser.add_argument("--nginx", default="nginx", help="nginx binary, for its modules path.")

    def handle(self, *args, **options):
        node = options["node"] - 1
        public_urls = settings.EDGE_CACHE_NODES or [DEFAULT_PUBLIC]
        purge_urls = settings.EDGE_CACHE_PURGE_URLS or [DEFAULT_PURGE]
        if not 0 <= node < min(len(public_urls), len(purge_urls)):
            raise CommandError(f"--node {node + 1}: EDGE_CACHE_NODES and EDGE_CACHE_PURGE_URLS have no such entry.")
        server_names = options["server_name"] or [host for host in settings.ALLOWED_HOSTS if host != "*"]
        if not server_names:
            raise CommandError("No host to serve: set ALLOWED_HOSTS (not '*') or pass --server-name.")
        upstreams = options["upstream"] or settings.EDGE_CACHE_UPSTREAMS
        if not upstreams:
            raise CommandError("No gunicorn node: set EDGE_CACHE_UPSTREAMS or pass --upstream.")
        if bool(options["tls_certificate"]) != bool(options["tls_certificate_key"]):
            raise CommandError("--tls-certificate and --tls-certificate-key go together.")

        standalone = options["standalone"]
        prefix = Path(options["prefix"] or Path(settings.VAR_DIR) / "nginx").resolve()
        log_dir = Path(options["log_dir"] or Path(settings.VAR_DIR) / "log").resolve()
        default_cache = prefix / "cache" if standalone else Path("/var/cache/nginx/bookshop")
        cache_dir = Path(options["cache_dir"] or default_cache).resolve()
        modules_path = nginx_modules_path(options["nginx"])
        modules = [str(modules_path / name) for name in WANTED_MODULES if (modules_path / name).exists()]
        for name, required in WANTED_MODULES.items():
            if required and not (modules_path / name).exists():
                raise CommandError(f"{modules_path / name} is missing: apt-get install libnginx-mod-http-cache-purge")
        # On a Debian host, modules-enabled/ loads the same modules for the http-level include.
        brotli = sum("brotli" in module for module in modules) == 2
        if standalone:
            for folder in (prefix / "tmp", cache_dir, log_dir):
                folder.mkdir(parents=True, exist_ok=True)

        context = {
            "standalone": standalone,
            "prefix": prefix,
            "conf_path": options["output"] or "-",
            "modules": modules,
            # nginx started by root would run its workers as nobody, who cannot read var/.
            "run_as_user": pwd.getpwuid(os.geteuid()).pw_name if standalone and os.geteuid() == 0 else "",
            "worker_processes": options["workers"],
            "log_dir": log_dir,
            "cache_dir": cache_dir,
            "cache_max_size": "1g",
            "personal_cookie_pattern": "|".join(re.escape(name) for name in personal_cookie_names()),
            "private_prefix_pattern": "|".join(re.escape(prefix_path) for prefix_path in private_path_prefixes()),
            "rate_limited_pattern": "|".join(re.escape(path) for path in settings.EDGE_RATE_LIMITED_PATHS),
            "rate_limit": settings.EDGE_RATE_LIMIT,
            "rate_limit_burst": settings.EDGE_RATE_LIMIT_BURST,
            "trusted_addresses": options["trusted_address"] or ["127.0.0.1"],
            "upstreams": upstreams,
            "brotli": brotli,
            "listen": options["listen"] or host_port(public_urls[node]),
            "purge_listen": options["purge_listen"] or host_port(purge_urls[node]),
            "server_names": server_names,
            "tls": bool(options["tls_certificate"]),
            "tls_listen": options["tls_listen"],
            "tls_certificate": options["tls_certificate"],
            "tls_certificate_key": options["tls_certificate_key"],
            "static_url": settings.STATIC_URL,
            "static_root": Path(settings.STATIC_ROOT).resolve(),
            "media_url": settings.MEDIA_URL,
            "media_root": Path(settings.MEDIA_ROOT).resolve(),
            "proxy_snippet": DEPLOY_DIR / "django-proxy.conf",
        }
        engine = Engine(dirs=[str(DEPLOY_DIR)], autoescape=False)
        text = engine.get_template("bookshop.conf.tmpl").render(Context(context))
        text = re.sub(r"\n{3,}", "\n\n", text)
        if options["output"]:
            Path(options["output"]).parent.mkdir(parents=True, exist_ok=True)
            Path(options["output"]).write_text(text)
            self.stdout.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
