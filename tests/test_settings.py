"""Production settings: secrets come from the environment and `check --deploy` is clean; real PayPal
only, while the demo stack's settings (`make stack` without credentials) allow only the simulator."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "bookshop.settings.production",
    "SECRET_KEY": "test-only-" + "x" * 50,
    "ALLOWED_HOSTS": "shop.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


def manage(*args, env):
    # The test process allows async-unsafe ORM calls for Playwright; production must not inherit that.
    inherited = set(PRODUCTION_ENV) | {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {key: value for key, value in os.environ.items() if key not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment" in result.stderr


def test_production_refuses_to_fall_back_to_sqlite():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"}
    result = manage("check", env=env)
    assert "DATABASE_URL must be set in the environment" in result.stderr


def test_production_settings_pass_the_deploy_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_paypal_simulator():
    result = manage("check", env={**PRODUCTION_ENV, "PAYPAL_MODE": "simulator"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: PAYPAL_MODE must be 'sandbox' or 'live' in production" in result.stderr


def test_the_demo_stack_settings_talk_to_the_simulator_and_pass_the_deploy_checklist():
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "bookshop.settings.stack_demo"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    result = manage("shell", "-c", "from django.conf import settings; print(settings.PAYPAL_MODE)", env=env)
    assert result.stdout.split()[-1] == "simulator", result.stderr


def test_the_demo_stack_settings_refuse_real_paypal():
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "bookshop.settings.stack_demo", "PAYPAL_MODE": "live"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "stack_demo only talks to the PayPal simulator" in result.stderr


@pytest.mark.parametrize(
    ("paypal_env", "message"),
    [
        ({"PAYPAL_MODE": "sandbox"}, "PAYPAL_MODE=sandbox needs PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET"),
        ({"PAYPAL_MODE": "live", "PAYPAL_CLIENT_ID": "id"}, "PAYPAL_MODE=live needs PAYPAL_CLIENT_ID and"),
        ({"PAYPAL_MODE": "simulated"}, "PAYPAL_MODE=simulated: use sandbox or live"),
    ],
)
def test_make_stack_refuses_half_configured_paypal_before_starting_anything(paypal_env, message):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAYPAL_")}
    started = PROJECT_DIR / "var" / "stack" / "started"
    before = started.read_bytes() if started.exists() else None
    result = subprocess.run(
        [str(PROJECT_DIR / "deploy" / "stack.sh"), "start"],
        env={**env, **paypal_env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and message in result.stdout, result.stdout + result.stderr
    assert (started.read_bytes() if started.exists() else None) == before
