"""The one JSON log formatter of every process: proxy, web and worker.

Each record is one line of JSON on stderr: `ts`, `level`, `logger`, `message`, then the
record's structured fields (whatever the call passed with `extra=`, e.g. `event` and its
details), and `exception` / `stack` as string fields, so a traceback never spills over more
lines. Log a fact as a short human message plus fields, never by formatting JSON by hand:

    log.warning("registry store unreachable", extra={"event": "registry_redis_down",
                                                     "error": type(exc).__name__})

Built on python-json-logger's orjson formatter (a well-kept library that already merges
`extra=` fields, skips LogRecord internals and renders exceptions as a field; orjson does the
escaping). The per-call access log (`proxy.accesslog`) does not go through `logging`: it
serialises its own lines with orjson, off the logging machinery, for speed.

This module imports nothing from Django, so the proxy uses it directly and the control plane
uses it through `LOGGING` in its settings (`logging_config`).
"""

from __future__ import annotations

import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter

FIELDS = ("levelname", "name", "message")
RENAMED = {
    "levelname": "level",
    "name": "logger",
    "exc_info": "exception",
    "stack_info": "stack",
}
# Record attributes that are formatting aids of other libraries, not facts worth a field.
NOT_FIELDS = ("color_message", "taskName")
# Server loggers that install handlers of their own: routed to the root's JSON handler instead.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


class JsonFormatter(OrjsonFormatter):
    """`{"ts": …, "level": …, "logger": …, "message": …, <extra fields>, "exception": …}`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", RENAMED)
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *NOT_FIELDS])
        super().__init__(list(FIELDS), **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_data["ts"] = datetime.fromtimestamp(record.created, UTC).isoformat(
            timespec="milliseconds"
        )
        super().add_fields(log_data, record, message_dict)


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` mapping: every logger through one JSON handler on stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {name: {"handlers": [], "propagate": True} for name in SERVER_LOGGERS},
    }


def configure_logging(level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(level))


def ensure_logging(level: str = "INFO") -> None:
    """Configure JSON logging unless the server already gave the root logger a handler."""
    if not logging.getLogger().handlers:
        configure_logging(level)
