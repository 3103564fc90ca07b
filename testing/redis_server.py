"""pytest plugin: a private redis-server that a test may kill (never the shared one on 6379).

Used by the Redis-outage tests of the page cache and of checkout.
"""

import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import redis


def unused_port():
    """A port the kernel has just handed out and taken back (free unless someone races for it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_redis():
    """(process, url) of a Redis of this test's own, without persistence; killed at the end if alive."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("needs redis-server")
    folder = tempfile.mkdtemp(prefix="bookshop-redis-")
    port = unused_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    yield process, url
    if process.poll() is None:
        process.kill()
        process.wait()
    shutil.rmtree(folder, ignore_errors=True)
