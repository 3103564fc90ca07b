"""`make stack` on a server without its database: the database is created, not a traceback."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from testing.celery_workers import database_url

PROJECT_DIR = Path(__file__).resolve().parents[2]


def run_ensure_database(url):
    environment = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bookshop.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", "ensure_database"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


@pytest.mark.services
def test_a_missing_database_is_created_once(postgres, transactional_db):
    name = f"bookshop_ensure_{uuid.uuid4().hex[:8]}"
    url = database_url().rsplit("/", 1)[0] + "/" + name
    try:
        first = run_ensure_database(url)
        assert first.returncode == 0, first.stderr
        assert f"Created database '{name}'" in first.stdout
        again = run_ensure_database(url)
        assert again.returncode == 0 and again.stdout == ""
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.services
def test_an_unreachable_server_gets_one_line_of_advice(postgres):
    from testing.ports import unused_port

    result = run_ensure_database(f"postgres://postgres@127.0.0.1:{unused_port()}/bookshop")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot reach PostgreSQL" in result.stderr and "createdb" in result.stderr
