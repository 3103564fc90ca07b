"""pytest plugin: a private redis-server that a test may kill and start again (never the shared one on 6379).

Used by the Redis-outage tests of the page cache, of checkout and of the outbox.
"""

import shutil
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import require_service
from testing.ports import unused_port


class PrivateRedis:
    """A redis-server without persistence on a port of its own; `kill` and `start` again keep the port."""

    def __init__(self):
        self.port = unused_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = tempfile.mkdtemp(prefix="bookshop-redis-")
        self.process = None

    def start(self):
        command = [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"the private redis-server on port {self.port} did not start")

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def remove(self):
        self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_redis_server():
    """A PrivateRedis of this test's own, started; removed at the end."""
    require_service(shutil.which("redis-server") is not None, "needs redis-server (apt-get install redis-server)")
    server = PrivateRedis().start()
    yield server
    server.remove()


@pytest.fixture
def private_redis(private_redis_server):
    """(process, url) of a private Redis, for tests that only ever kill it."""
    return private_redis_server.process, private_redis_server.url
