"""Production never installs or talks to the PayPal simulator."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def run_with_production_settings(code, **env):
    environment = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bookshop.settings.production",
        SECRET_KEY="settings-test-" + "x" * 50,
        DATABASE_URL="sqlite:///:memory:",
        REDIS_URL="redis://127.0.0.1:6379/15",
        ALLOWED_HOSTS="shop.example",
        PYTHONPATH="site",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_simulator():
    result = run_with_production_settings("", PAYPAL_MODE="simulator")
    assert result.returncode != 0 and "PAYPAL_MODE must be 'sandbox' or 'live'" in result.stderr


def test_production_urls_have_no_simulator():
    result = run_with_production_settings(
        "import sys\nfrom django.urls import NoReverseMatch, reverse\n"
        "try:\n    reverse('paypal-simulator', kwargs={'path': 'v1/oauth2/token'})\nexcept NoReverseMatch:\n"
        "    sys.exit('checkout.paypal.simulator.views' in sys.modules)\nsys.exit(3)",
        PAYPAL_MODE="live",
    )
    assert result.returncode == 0, result.stderr[-2000:]
