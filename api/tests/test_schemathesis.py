"""Schemathesis over the whole published schema, against a live gunicorn on the test database:
no 5xx, and every answer's status, content type and body conform to the schema."""

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ARTIFACTS_DIR, require_service
from testing.celery_workers import database_url
from testing.edge_stack import EdgeStack
from testing.factories import make_book, make_category
from testing.ports import unused_port
from tests.cache.conftest import TEST_WSGI_APP, serve_site_at

pytestmark = [pytest.mark.services]
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.fixture
def live_api(transactional_db, postgres, paypal_simulator):
    require_service(Path(SCHEMATHESIS).exists(), "needs schemathesis (requirements-dev.txt)")
    node_port = unused_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "bookshop.settings.test",
        "DATABASE_URL": database_url(),
        "PAYPAL_API_BASE": paypal_simulator.base_url,
        # Schemathesis sends hundreds of requests from one address: the throttles are tested apart.
        "API_THROTTLE_ANON": "100000/min",
        "API_THROTTLE_USER": "100000/min",
        "GUNICORN_WORKERS": "2",
    }
    stack = EdgeStack(None, node_port - 10, env, nodes=1, collect=False, wsgi_app=TEST_WSGI_APP)
    serve_site_at(node_port)
    shelf = make_category(title="Fiction")
    for number in range(3):
        make_book(shelf, title=f"Book {number}", price="9.99", stock=2, cover=number == 0)
    stack.start_nodes()
    try:
        yield stack.node_url(0, "")
    finally:
        stack.stop()
        stack.cleanup()


def test_no_generated_request_gets_a_5xx_or_an_answer_outside_the_schema(live_api):
    run = subprocess.run(
        [
            SCHEMATHESIS,
            "run",
            f"{live_api}/api/v1/schema/",
            "--checks",
            CHECKS,
            "--max-examples",
            "15",
            "--max-time",
            "50",
            "--phases",
            "examples,coverage,fuzzing",
            "--workers",
            "2",
            "--seed",
            "14",
            "--generation-database",
            "none",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS_DIR / "schemathesis.txt").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, f"see {ARTIFACTS_DIR / 'schemathesis.txt'}\n" + run.stdout[-3000:]
