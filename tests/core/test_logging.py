"""Web and worker log through the proxy's JSON formatter (Django's LOGGING, Celery included)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import logging
import django
django.setup()
from core.celery import app
app.log.setup_logging_subsystem(loglevel="INFO")  # what `celery worker` does at start
logging.getLogger("core.ingest").error("usage entry", extra={"event": "usage_entry_malformed"})
logging.getLogger("django.request").warning('Not Found: /a"b\\nc')
logging.getLogger("celery.worker").info("worker ready")
logging.getLogger("uvicorn.error").info("Started server process")
try:
    raise RuntimeError("publish failed")
except RuntimeError:
    logging.getLogger("core.registry.triggers").exception("registry publish failed")
"""


def test_web_and_worker_loggers_write_one_json_line_each(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "TOLLGATE_DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "INFO",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, cwd=REPO, env=env, check=True
    )
    lines = [orjson.loads(line) for line in done.stderr.decode().split("\n") if line]
    assert [line["logger"] for line in lines] == [
        "core.ingest",
        "django.request",
        "celery.worker",
        "uvicorn.error",
        "core.registry.triggers",
    ]
    assert lines[0]["event"] == "usage_entry_malformed"
    assert lines[1]["message"] == 'Not Found: /a"b\nc'
    assert "RuntimeError: publish failed" in lines[-1]["exception"]
