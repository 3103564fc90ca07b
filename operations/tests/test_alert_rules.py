"""deploy/prometheus/alerts.yml passes promtool's checks and its unit tests (alerts.test.yml):
a forced 5xx burst fires HighServerErrorRatio, and each other alert fires on its own symptom."""

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import require_service

RULES_DIR = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"


@pytest.fixture
def promtool():
    path = shutil.which("promtool")
    require_service(path is not None, "needs promtool (apt-get install prometheus)")
    return path


def test_alert_rules_are_valid(promtool):
    checked = subprocess.run([promtool, "check", "rules", "alerts.yml"], cwd=RULES_DIR, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_alert_rule_unit_tests_pass(promtool):
    tested = subprocess.run(
        [promtool, "test", "rules", "alerts.test.yml"], cwd=RULES_DIR, capture_output=True, text=True
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_a_5xx_burst_that_does_not_fire_would_fail_the_unit_tests(promtool, tmp_path):
    # The unit tests can fail: with the threshold raised above the burst, the 5xx case fails.
    for name in ("alerts.yml", "alerts.test.yml"):
        shutil.copy(RULES_DIR / name, tmp_path / name)
    rules = tmp_path / "alerts.yml"
    rules.write_text(
        rules.read_text().replace(
            "/ sum(rate(bookshop_http_requests_total[5m])) > 0.05",
            "/ sum(rate(bookshop_http_requests_total[5m])) > 0.5",
        )
    )
    tested = subprocess.run(
        [promtool, "test", "rules", "alerts.test.yml"], cwd=tmp_path, capture_output=True, text=True
    )
    assert tested.returncode != 0 and "HighServerErrorRatio" in tested.stdout + tested.stderr
