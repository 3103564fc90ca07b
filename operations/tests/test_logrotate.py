"""deploy/logrotate/bookshop rotates the logs of a log folder, keeping the file the writer holds."""

import shutil
import subprocess
from pathlib import Path

from conftest import require_service

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "logrotate" / "bookshop"


def test_logrotate_rotates_a_big_log_and_the_writer_keeps_writing(tmp_path):
    logrotate = shutil.which("logrotate") or "/usr/sbin/logrotate"
    require_service(Path(logrotate).exists(), "needs logrotate (apt-get install logrotate)")
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    config = tmp_path / "bookshop.conf"
    config.write_text(CONFIG.read_text().replace("/var/log/bookshop", str(log_dir)).replace("    su root root\n", ""))
    config.chmod(0o644)
    log = log_dir / "gunicorn-web1-error.log"
    with open(log, "a") as writer:
        writer.write("x" * 1000 + "\n")
        writer.flush()
        rotated = subprocess.run(
            [logrotate, "--force", "--state", str(tmp_path / "state"), str(config)], capture_output=True, text=True
        )
        assert rotated.returncode == 0, rotated.stderr
        writer.write("after rotation\n")
    assert (log_dir / "gunicorn-web1-error.log.1").read_text().startswith("x" * 1000)
    assert log.read_text().endswith("after rotation\n")
    assert log.stat().st_size < 1000  # truncated in place, not grown
