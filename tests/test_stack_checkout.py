"""`make stack` takes a payment offline: the PayPal simulator as its own process, the site on
bookshop.settings.stack_demo, a guest pays and gets the thank-you page, the webhook and the mail.

deploy/stack.sh itself needs minutes on a fresh machine (migrations, collectstatic, demo data,
a private PostgreSQL), too slow for the suite. So this test runs the stack's own supervisor
program lines (deploy/supervisor/paypal-simulator.conf, and bookshop.conf's web node and Celery
worker) with an environment file like the one stack.sh writes, on free ports and the test database.
"""

import configparser
import os
import re
import secrets
import shlex
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.apps import apps
from oscar.core.loading import get_model

from checkout.defaults import create_all
from checkout.models import WebhookEvent
from checkout.tests.steps import ADDRESS
from testing.celery_workers import database_url
from testing.edge_stack import wait_for
from testing.factories import make_book, make_category
from testing.paypal import approve_at_paypal
from testing.ports import unused_port
from testing.smtp import SmtpSink

Order = get_model("order", "Order")

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
PROJECT_DIR = Path(__file__).resolve().parents[1]
SUPERVISOR_DIR = PROJECT_DIR / "deploy" / "supervisor"
STATIC_ROOT = PROJECT_DIR / "var" / "test-static"  # shared with the page-cache tests' nginx


def supervisor_program(conf_name, program, supervisor_env):
    """The argv and extra environment supervisord would give `program` of deploy/supervisor/`conf_name`."""
    parser = configparser.RawConfigParser()
    parser.read(SUPERVISOR_DIR / conf_name)
    section = parser[f"program:{program}"]

    def expand(value):
        value = re.sub(r"%\(ENV_(\w+)\)s", lambda match: supervisor_env[match[1]], value)
        return value.replace("%%", "%")

    extra = dict(
        (name, value.strip('"'))
        for name, value in (item.split("=", 1) for item in expand(section.get("environment", "")).split(",") if item)
    )
    return shlex.split(expand(section["command"])), extra


class DemoStack:
    """The stack's programs as child processes; each one stopped by its own PID."""

    def __init__(self, tmp_path, env_lines):
        self.supervisor_env = {
            "BOOKSHOP_DIR": str(PROJECT_DIR),
            "BOOKSHOP_ENV_FILE": str(tmp_path / "stack.env"),
            "BOOKSHOP_LOG_DIR": str(tmp_path / "log"),
            "BOOKSHOP_STATE_DIR": str(tmp_path),
        }
        (tmp_path / "log").mkdir()
        (tmp_path / "stack.env").write_text("".join(f"{name}={value}\n" for name, value in env_lines.items()))
        self.log_dir = tmp_path / "log"
        self.env_lines = env_lines
        self.python = str(PROJECT_DIR / ".venv" / "bin" / "python")
        self.processes = []

    def django_env(self):
        return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **self.env_lines}

    def start(self, conf_name, program):
        argv, extra = supervisor_program(conf_name, program, self.supervisor_env)
        # Like supervisord: only its own environment plus the program's; the env file does the rest.
        env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **self.supervisor_env, **extra}
        log = open(self.log_dir / f"supervisor-{program}.log", "ab")  # noqa: SIM115 (closed with the process)
        self.processes.append(
            subprocess.Popen(
                argv, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        )

    def stop(self):
        for process in self.processes:
            os.killpg(process.pid, 15)  # the program's group: gunicorn and Celery workers with it
        for process in self.processes:
            process.wait(timeout=30)

    def logs(self):
        return "\n".join(
            f"== {path.name}\n{path.read_text(errors='replace')[-3000:]}" for path in self.log_dir.iterdir()
        )


@pytest.fixture
def demo_stack(postgres, redis_url, tmp_path):
    create_all(apps)  # the checkout's starting data, which transactional tests flush
    sink = SmtpSink().start()
    site_port, simulator_port = unused_port(), unused_port()
    stack = DemoStack(
        tmp_path,
        {
            # What deploy/stack.sh writes without PayPal credentials (its choose_paypal)...
            "DJANGO_SETTINGS_MODULE": "bookshop.settings.stack_demo",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_BASE_URL": f"http://127.0.0.1:{site_port}",
            "PAYPAL_MODE": "simulator",
            "PAYPAL_API_BASE": f"http://127.0.0.1:{simulator_port}",
            "PAYPAL_CLIENT_ID": "stack-demo-client",
            "PAYPAL_CLIENT_SECRET": "stack-demo-secret",
            "PAYPAL_WEBHOOK_ID": "WH-STACK-DEMO",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "SECURE_COOKIES": "0",
            # ...but gunicorn on a free port with one worker, no nginx (so no purges), mail to a sink.
            "GUNICORN_BIND": f"127.0.0.1:{site_port}",
            "GUNICORN_WORKERS": "1",
            "STATIC_ROOT": str(STATIC_ROOT),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
        },
    )
    try:
        collectstatic = [stack.python, "manage.py", "collectstatic", "--noinput", "--verbosity=0"]
        subprocess.run(collectstatic, cwd=PROJECT_DIR, env=stack.django_env(), check=True)
        stack.start("paypal-simulator.conf", "paypal-simulator")
        stack.start("bookshop.conf", "bookshop-web1")
        stack.start("bookshop.conf", "bookshop-worker")
        wait_for(f"http://127.0.0.1:{simulator_port}/_sim/state", timeout=60)
        wait_for(f"http://127.0.0.1:{site_port}/_/csrf/", timeout=120)
        stack.url, stack.simulator_url, stack.mail = (
            f"http://127.0.0.1:{site_port}",
            f"http://127.0.0.1:{simulator_port}",
            sink,
        )
        yield stack
    except BaseException:
        print(stack.logs())
        raise
    finally:
        stack.stop()
        sink.stop()


def test_a_guest_pays_at_the_demo_stacks_paypal_simulator(demo_stack):
    book = make_book(make_category(), title="Cranford", price="12.00", stock=5)
    with requests.Session() as buyer:
        token = buyer.get(demo_stack.url + "/_/csrf/", timeout=30).json()["token"]

        def post(path, data):
            headers = {"X-CSRFToken": token, "Referer": demo_stack.url + "/"}
            response = buyer.post(demo_stack.url + path, data=data, headers=headers, allow_redirects=False, timeout=60)
            assert response.status_code == 302, (path, response.status_code, response.text[:2000])
            return response.headers["Location"]

        post(f"/basket/add/{book.product.pk}/", {"quantity": 2})
        post("/checkout/", {"username": "reader@example.com", "options": "anonymous"})
        post("/checkout/shipping-address/", ADDRESS)
        post("/checkout/shipping-method/", {"method_code": "standard"})
        approve_url = post("/checkout/preview/", {"action": "place_order"})

        assert approve_url.startswith(
            demo_stack.simulator_url + "/checkoutnow?token="
        )  # the buyer's browser goes there
        assert "Pay 27.90 EUR to Folio Books" in requests.get(approve_url, timeout=10).text  # 2 × 12.00 + 3.90
        thank_you = buyer.get(approve_at_paypal(approve_url), timeout=60)

    assert thank_you.url == demo_stack.url + "/checkout/thank-you/", thank_you.text[:2000]
    order = Order.objects.get()
    assert order.number in thank_you.text and order.guest_email == "reader@example.com"
    [confirmation] = demo_stack.mail.wait_for(lambda message: order.number in message["Subject"], timeout=60)
    assert confirmation["To"] == "reader@example.com"
    # PayPal's own word on the capture reaches the shop too: signed, verified, processed.
    capture_id = order.sources.get().transactions.get().reference
    assert wait_until(lambda: WebhookEvent.objects.filter(resource_id=capture_id, processed_at__isnull=False).exists())
    assert Order.objects.count() == 1


def wait_until(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
