"""One JSON log formatter: one valid line per record, whatever the message or the exception."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

import orjson

from proxy.jsonlog import JsonFormatter
from tests.proxy.support import REPO, base_env, start_proxy


def formatted(record: logging.LogRecord) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.handle(record)
    return stream.getvalue()


def make_record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    logger = logging.getLogger("proxy.test")
    record = logger.makeRecord("proxy.test", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def only_line(output: str) -> dict:
    assert output.endswith("\n")
    lines = output[:-1].split("\n")  # what log shippers split on
    assert len(lines) == 1, lines
    return orjson.loads(lines[0])


def test_quotes_and_newlines_stay_inside_one_valid_line() -> None:
    nasty = 'he said "hi"\nthen {"event": "forged"}\r\n\\ and \u2028 and \x00'
    record = make_record("caller sent %s", nasty, event="odd_input", detail=nasty)
    line = only_line(formatted(record))
    assert line["message"] == f"caller sent {nasty}"
    assert line["detail"] == nasty
    assert line["event"] == "odd_input"
    assert line["level"] == "WARNING" and line["logger"] == "proxy.test"
    assert line["ts"].endswith("+00:00")


def test_an_exception_is_a_field_of_the_same_line() -> None:
    try:
        raise ValueError('bad "value"\non two lines')
    except ValueError:
        record = make_record("settling failed", event="settle_failed")
        record.exc_info = sys.exc_info()
    line = only_line(formatted(record))
    assert line["event"] == "settle_failed"
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert 'ValueError: bad "value"\non two lines' in line["exception"]


def test_only_facts_become_fields() -> None:
    record = make_record("started", color_message="\x1b[32mstarted\x1b[0m")
    line = only_line(formatted(record))
    assert set(line) == {"ts", "level", "logger", "message"}


PROBE = """
import logging
from proxy.jsonlog import configure_logging
configure_logging("INFO")
logging.getLogger("tollgate.limits").warning("limits", extra={"event": "limits_redis_down"})
logging.getLogger("proxy.registry").info("registry", extra={"deployments": 3})
logging.getLogger("uvicorn.error").info("server")
logging.getLogger("aiohttp.client").error("library")
try:
    {}["missing"]
except KeyError:
    logging.getLogger("proxy").exception("crash")
"""


def test_every_logger_of_the_proxy_goes_through_the_formatter() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, cwd=REPO, env=base_env(), check=True
    )
    lines = [orjson.loads(line) for line in done.stderr.decode().splitlines()]
    assert [line["logger"] for line in lines] == [
        "tollgate.limits",
        "proxy.registry",
        "uvicorn.error",
        "aiohttp.client",
        "proxy",
    ]
    assert lines[0]["event"] == "limits_redis_down" and lines[1]["deployments"] == 3
    assert "KeyError: 'missing'" in lines[-1]["exception"]


def test_a_proxy_process_writes_nothing_but_json_lines(tmp_path: Path) -> None:
    missing_db = tmp_path / "no-such-dir" / "tollgate.sqlite3"
    process = start_proxy(
        tmp_path, ready=False, REDIS_URL=None, DATABASE_URL=f"sqlite:///{missing_db}"
    )
    try:
        process.wait_for("/healthz")
    finally:
        process.stop()
    lines = [orjson.loads(line) for line in process.log.read_text().splitlines() if line]
    loggers = {line.get("logger") for line in lines}
    assert "uvicorn.error" in loggers  # the server's own start and stop messages
    assert any(line.get("event") == "registry_db_unavailable" for line in lines)
