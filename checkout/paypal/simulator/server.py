"""Serve the simulator over real HTTP on loopback: in a thread (tests) or as a process (bench).

python -m checkout.paypal.simulator.server --port 18401
"""

import argparse
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from checkout.paypal.simulator.core import DROP, SimRequest, Simulator


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = SimRequest(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
            base_url=self.server.base_url,
        )
        response = self.server.simulator.handle(request)
        if response is DROP:
            self.close_connection = True
            return
        data, content_type = response.encoded()
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("PayPal-Debug-Id", "sim")
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = _serve

    def log_message(self, format, *args):  # noqa: A002  (quiet in tests and benches)
        pass


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, simulator, host="127.0.0.1", port=0):
        super().__init__((host, port), _Handler)
        self.simulator = simulator
        self.base_url = f"http://{host}:{self.server_address[1]}"

    def start_in_thread(self):
        threading.Thread(target=self.serve_forever, name="paypal-simulator", daemon=True).start()
        return self


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18401)
    parser.add_argument("--client-id", default="simulator-client")
    parser.add_argument("--client-secret", default="simulator-secret")
    args = parser.parse_args()
    server = SimulatorServer(Simulator(args.client_id, args.client_secret), args.host, args.port)
    print(f"PayPal simulator on {server.base_url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
