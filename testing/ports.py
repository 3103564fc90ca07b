"""Loopback ports for the processes a test starts."""

import socket


def unused_port():
    """A port the kernel has just handed out and taken back: free unless something races for it.

    Each call asks the kernel anew, so two calls in a row give two ports (unlike scanning a range
    for the first free one, which answers the same port until somebody binds it).
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
