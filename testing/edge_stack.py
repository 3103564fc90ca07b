"""A real nginx (rendered by `render_nginx_config`) in front of real gunicorn nodes, on loopback.

Used by the cache tests and by bench/cache.py. Each stack lives in its own temp prefix: nginx
pid, temp files, cache and logs; gunicorn logs. Processes are started as children and stopped by
their own PIDs.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

PROJECT_DIR = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))


def wait_for(url, timeout=30.0, **kwargs):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            return requests.get(url, timeout=10, allow_redirects=False, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as error:
            last_error = error
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s: {last_error}")


class EdgeStack:
    """nginx on `base_port` (purge listener on base_port + 1) and gunicorn nodes on base_port + 10...

    `env` is the environment of the Django processes (settings module, DATABASE_URL, REDIS_URL).
    """

    def __init__(
        self,
        nginx,
        base_port,
        env,
        nodes=2,
        server_names=("localhost", "127.0.0.1"),
        static_root=None,
        collect=True,
        wsgi_app="bookshop.wsgi:application",
    ):
        self.nginx = nginx
        self.port = base_port
        self.purge_port = base_port + 1
        self.node_ports = [base_port + 10 + index for index in range(nodes)]
        self.server_names = list(server_names)
        self.prefix = Path(tempfile.mkdtemp(prefix=f"bookshop-edge-{base_port}-"))
        self.log_dir = self.prefix / "log"
        self.cache_dir = self.prefix / "cache"
        self.conf = self.prefix / "nginx.conf"
        self.env = {**os.environ, **env, "BOOKSHOP_LOG_DIR": str(self.log_dir)}
        self.env.setdefault("EDGE_CACHE_NODES", self.url(""))
        self.env.setdefault("EDGE_CACHE_PURGE_URLS", self.purge_url)
        # nginx serves /static/ from disk: collect once into var/ (later runs copy only changes).
        self.env["STATIC_ROOT"] = str(static_root or PROJECT_DIR / "var" / "test-static")
        self.collect_static = collect
        self.wsgi_app = wsgi_app
        self.gunicorn = {}
        self.nginx_process = None

    @property
    def purge_url(self):
        return f"http://127.0.0.1:{self.purge_port}"

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def node_url(self, index, path):
        return f"http://127.0.0.1:{self.node_ports[index]}{path}"

    # Processes --------------------------------------------------------------------------

    def start(self):
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self):
        for port in (self.port, self.purge_port, *self.node_ports):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    raise RuntimeError(f"port {port} is already taken; a previous run may still be running")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if self.collect_static:
            subprocess.run(
                [PYTHON, str(PROJECT_DIR / "manage.py"), "collectstatic", "--noinput", "--verbosity=0"],
                env=self.env,
                check=True,
                cwd=PROJECT_DIR,
            )
        command = [
            PYTHON,
            str(PROJECT_DIR / "manage.py"),
            "render_nginx_config",
            "--standalone",
            f"--prefix={self.prefix}",
            f"--output={self.conf}",
            f"--log-dir={self.log_dir}",
            f"--cache-dir={self.cache_dir}",
            f"--listen=127.0.0.1:{self.port}",
            f"--purge-listen=127.0.0.1:{self.purge_port}",
            f"--nginx={self.nginx}",
            "--workers=2",
        ]
        command += [f"--upstream=127.0.0.1:{port}" for port in self.node_ports]
        command += [f"--server-name={name}" for name in self.server_names]
        subprocess.run(command, env=self.env, check=True, capture_output=True, cwd=PROJECT_DIR)
        subprocess.run(
            [self.nginx, "-p", str(self.prefix), "-c", str(self.conf), "-e", "stderr", "-t"],
            check=True,
            capture_output=True,
        )
        self.start_nodes()
        self.nginx_process = subprocess.Popen(
            [self.nginx, "-p", str(self.prefix), "-c", str(self.conf), "-e", "stderr", "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(self.log_dir / "nginx-stderr.log", "ab"),  # noqa: SIM115 (closed with the process)
        )
        wait_for(self.url("/_/csrf/"))

    def start_nodes(self):
        """All gunicorn nodes; alone (without nginx) for tests that talk to one node at a time."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for index in range(len(self.node_ports)):
            self.start_node(index, wait=False)
        for index in range(len(self.node_ports)):
            wait_for(self.node_url(index, "/_/csrf/"), timeout=60)
        return self

    def start_node(self, index, wait=True):
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.node_ports[index]}", "GUNICORN_NAME": f"node{index + 1}"}
        self.gunicorn[index] = subprocess.Popen(
            [GUNICORN, "-c", str(PROJECT_DIR / "deploy" / "gunicorn" / "gunicorn.conf.py"), self.wsgi_app],
            env=env,
            cwd=PROJECT_DIR,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log_dir / f"node{index + 1}-stderr.log", "ab"),  # noqa: SIM115
        )
        if wait:
            wait_for(self.node_url(index, "/_/csrf/"), timeout=60)

    def kill_node(self, index):
        """SIGKILL the whole node (master and workers), like a crashed host."""
        process = self.gunicorn.pop(index)
        children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
        process.kill()
        for child in children:
            try:
                os.kill(int(child), signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=10)

    def stop(self):
        if self.nginx_process is not None:
            self.nginx_process.send_signal(signal.SIGQUIT)
            try:
                self.nginx_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx_process.kill()
            self.nginx_process = None
        for process in self.gunicorn.values():
            process.terminate()
        for process in self.gunicorn.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.gunicorn = {}

    def cleanup(self):
        shutil.rmtree(self.prefix, ignore_errors=True)

    # Inspection -------------------------------------------------------------------------

    def clear_cache(self):
        """Forget every cached page (nginx treats missing files as misses)."""
        for entry in self.cache_dir.glob("*"):
            shutil.rmtree(entry, ignore_errors=True)

    def cache_files(self):
        return [path for path in self.cache_dir.rglob("*") if path.is_file()]

    def error_log(self):
        path = self.log_dir / "nginx-error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def get(self, path, session=None, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return (session or requests).get(self.url(path), **kwargs)
