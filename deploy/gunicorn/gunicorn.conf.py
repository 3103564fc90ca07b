"""Gunicorn settings for one app node. Every value can be overridden from the environment, so
Supervisor, systemd, compose and `make stack` share this file and differ only in env vars.

    gunicorn -c deploy/gunicorn/gunicorn.conf.py bookshop.wsgi
"""

import os
import shutil
from pathlib import Path

project_dir = Path(__file__).resolve().parents[2]
log_dir = Path(os.environ.get("BOOKSHOP_LOG_DIR", project_dir / "var" / "log"))
log_dir.mkdir(parents=True, exist_ok=True)
node_name = os.environ.get("GUNICORN_NAME", "web")

# site/ is a folder on the path, not a package (docs/design.md §1).
pythonpath = str(project_dir / "site") + "," + str(project_dir)
wsgi_app = "bookshop.wsgi:application"
proc_name = f"bookshop-{node_name}"

# Prometheus multi-process mode (operations/metrics.py): each process of this node writes its
# counters here; the directory is the node's own and is emptied when the node starts, so a
# restarted node does not add up the files of processes that are gone.
metrics_dir = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(log_dir.parent / "metrics" / node_name)))


def on_starting(server):
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """A worker that exits (recycled, killed) leaves its counters; its gauges stop counting."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# The control socket (gunicorn 23+, `gunicornc`) of this node alone: the default path is one per
# user, so two nodes of one user would fight over it.
run_dir = Path(os.environ.get("BOOKSHOP_STATE_DIR", log_dir.parent / "run"))
run_dir.mkdir(parents=True, exist_ok=True)
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", str(run_dir / f"gunicorn-{node_name}.ctl"))

# A TCP address, or unix:/run/bookshop/web.sock behind a local nginx.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001").split(",")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# gthread keeps connections alive, so nginx's upstream keepalive works (sync closes each one).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Above nginx's upstream keepalive_timeout (30 s), so nginx closes idle connections first.
keepalive = 35
# As long as nginx's default request-line buffer (large_client_header_buffers, 8k): every request
# nginx forwards reaches Django, which answers an over-long query under /api/ with problem details
# (docs/api.md) instead of gunicorn's own HTML 414 page.
limit_request_line = 8190
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle workers now and then, staggered, so slow leaks never take a node down. Rarely: a new
# worker starts with cold per-process caches (compiled templates, URL patterns, Wagtail's site
# paths, a new database connection), and at 2,000 requests the recycling alone halved a node's
# throughput and put its p95 at 400-700 ms under load (bench/pages.py).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", str(log_dir / f"gunicorn-{node_name}-access.log"))
errorlog = os.environ.get("GUNICORN_ERROR_LOG", str(log_dir / f"gunicorn-{node_name}-error.log"))
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Django's own log lines (console handler) go to the error log too.
capture_output = True
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms pid=%(p)s rid=%({x-request-id}i)s'
# nginx is the only client; it sets X-Forwarded-For/Proto itself.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
