"""Serve the simulator over real HTTP on loopback: in a thread (tests) or as a process.

As a process it is the demo stack's PayPal (`make stack`, deploy/supervisor/paypal-simulator.conf)
and bench/checkout.py's:

python -m checkout.paypal.simulator.server --port 18401 \
    [--webhook-url http://127.0.0.1:8080/checkout/paypal/webhook/ --webhook-id WH-...]

With --webhook-url it also tells the shop about each capture the way PayPal does: a signed
PAYMENT.CAPTURE.COMPLETED (or .PENDING) webhook, retried until the shop answers 2xx.
"""

import argparse
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests

from checkout.paypal.simulator.core import DROP, SimRequest, Simulator

CAPTURE_PATH = re.compile(r"^/v2/checkout/orders/(?P<order_id>[^/]+)/capture$")
CAPTURE_EVENTS = {"COMPLETED": "PAYMENT.CAPTURE.COMPLETED", "PENDING": "PAYMENT.CAPTURE.PENDING"}
# PayPal retries an unacknowledged webhook for days; the demo gives up after a few minutes.
WEBHOOK_RETRY_DELAYS = (1, 5, 30, 120)


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
        capture = CAPTURE_PATH.match(url.path) if self.command == "POST" else None
        if capture and self.server.webhooks:
            # Even when the answer is dropped: PayPal's webhook is how the shop learns of it then.
            self.server.webhooks.announce_captures(capture["order_id"])
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


class CaptureWebhooks:
    """Sends each new capture's signed webhook to the shop once, in the background, with retries."""

    def __init__(self, simulator, base_url, url, webhook_id, retry_delays=WEBHOOK_RETRY_DELAYS):
        self.simulator = simulator
        self.base_url = base_url
        self.url = url
        self.webhook_id = webhook_id
        self.retry_delays = retry_delays
        self.announced = set()

    def announce_captures(self, order_id):
        with self.simulator.lock:
            order = self.simulator.orders.get(order_id)
            captures = order["purchase_units"][0].get("payments", {}).get("captures", []) if order else []
            new = [capture for capture in captures if capture["id"] not in self.announced]
            self.announced.update(capture["id"] for capture in new)
        for capture in new:
            event_type = CAPTURE_EVENTS[capture["status"]]
            resource = self.simulator.capture_resource(capture["id"])
            threading.Thread(target=self.deliver, args=(event_type, resource), daemon=True).start()

    def deliver(self, event_type, resource):
        body, headers = self.simulator.signed_webhook(self.base_url, self.webhook_id, event_type, resource)
        for delay in (0, *self.retry_delays):
            time.sleep(delay)
            try:
                status = requests.post(self.url, data=body, headers=headers, timeout=10).status_code
            except requests.RequestException as error:
                status = error.__class__.__name__
            print(f"webhook {event_type} for capture {resource['id']} -> {self.url}: {status}", flush=True)
            if isinstance(status, int) and 200 <= status < 300:
                return


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, simulator, host="127.0.0.1", port=0, webhook_url="", webhook_id=""):
        super().__init__((host, port), _Handler)
        self.simulator = simulator
        self.base_url = f"http://{host}:{self.server_address[1]}"
        self.webhooks = CaptureWebhooks(simulator, self.base_url, webhook_url, webhook_id) if webhook_url else None

    def start_in_thread(self):
        threading.Thread(target=self.serve_forever, name="paypal-simulator", daemon=True).start()
        return self


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18401)
    parser.add_argument("--client-id", default="simulator-client")
    parser.add_argument("--client-secret", default="simulator-secret")
    parser.add_argument("--webhook-url", default="", help="the shop's PayPal webhook listener")
    parser.add_argument("--webhook-id", default="WHSIMULATOR", help="the shop's PAYPAL_WEBHOOK_ID")
    args = parser.parse_args()
    server = SimulatorServer(
        Simulator(args.client_id, args.client_secret), args.host, args.port, args.webhook_url, args.webhook_id
    )
    print(f"PayPal simulator on {server.base_url}", flush=True)
    if args.webhook_url:
        print(f"Capture webhooks go to {args.webhook_url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
