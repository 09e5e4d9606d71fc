"""Golden files for the provider translations.

`UPDATE_GOLDEN=1 pytest tests/proxy/providers` rewrites every expected file from what the code
produces now; review the change with `git diff tests/fixtures/providers`. Without the flag a
missing or different golden file fails the test.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from proxy.contract import Auth, Endpoint, Vendor
from proxy.providers.base import Call, Translated, Usage
from proxy.sse import EventSplitter

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "providers"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CREDENTIAL = "sk-provider-secret-123"
REDACTED = "<credential>"
CREATED = 1_700_000_000
REQUEST_ID = "req-golden"


def fixtures(folder: str, suffix: str = ".json") -> list[Path]:
    return sorted((FIXTURES / folder).glob(f"*{suffix}"))


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def check_golden(path: Path, actual: Any) -> None:
    text = json.dumps(actual, indent=2, ensure_ascii=False) + "\n"
    assert CREDENTIAL not in text, "a provider credential leaked into a translated output"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return
    if not path.exists():
        pytest.fail(f"no golden file {path.relative_to(FIXTURES)}; run with UPDATE_GOLDEN=1")
    assert actual == json.loads(path.read_text()), f"differs from {path.relative_to(FIXTURES)}"


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def make_call(
    driver: str,
    *,
    payload: Any,
    ingress: str = "openai",
    operation: str = "/chat/completions",
    method: str = "POST",
    query: str = "",
    headers: dict[str, str] | None = None,
    endpoint: str = "https://provider.test",
    auth: Auth | None = None,
    usage_paths: dict[str, str] | None = None,
) -> Call:
    body = orjson.dumps(payload) if payload is not None else b""
    stream_options = payload.get("stream_options") if isinstance(payload, dict) else None
    return Call(
        vendor=Vendor(driver, driver, "1", driver, auth or Auth(), usage_paths or {}),
        endpoint=Endpoint(endpoint),
        credential=CREDENTIAL,
        method=method,
        operation=operation,
        query=query,
        headers=headers or {"content-type": "application/json"},
        body=body,
        payload=payload if isinstance(payload, dict) else None,
        stream=bool(isinstance(payload, dict) and payload.get("stream")),
        client_wants_usage=bool(stream_options and stream_options.get("include_usage")),
        ingress=ingress,
        extra={"request_id": REQUEST_ID},
    )


def upstream_view(request: Any) -> dict[str, Any]:
    """An UpstreamRequest as a golden document, its credential masked."""
    body = request.body
    return {
        "method": request.method,
        "url": request.url.replace(CREDENTIAL, REDACTED),
        "headers": {k: v.replace(CREDENTIAL, REDACTED) for k, v in sorted(request.headers.items())},
        "body": _maybe_json(body) if body else None,
    }


def usage_view(usage: Usage | None) -> dict[str, Any] | None:
    if usage is None:
        return None
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "model": usage.model,
    }


def run_stream(driver: Any, raw: bytes, chunk_size: int = 37) -> tuple[bytes, Usage]:
    """Feed an upstream SSE body through the driver the way the proxy does (arbitrary chunk
    boundaries, one whole event at a time), merging usage as the proxy does."""
    splitter = EventSplitter()
    usage = Usage()
    out: list[bytes] = []
    for start in range(0, len(raw), chunk_size):
        for event in splitter.feed(raw[start : start + chunk_size]):
            translated: Translated = driver.parse_stream_event(event)
            if translated.usage:
                usage.merge(translated.usage)
            out.append(translated.body)
    out.append(splitter.rest() + driver.stream_end())
    return b"".join(out), usage


def sse_view(body: bytes) -> list[dict[str, Any]]:
    """A translated stream as a list of events (name and parsed data), after checking framing."""
    text = body.decode()
    assert text.endswith("\n\n") or not text, "a stream must end with a whole event"
    events = []
    for raw in text.split("\n\n")[:-1]:
        lines = raw.split("\n")
        name = lines[0].removeprefix("event: ") if lines[0].startswith("event: ") else None
        data_lines = [line for line in lines if line.startswith("data: ")]
        assert len(data_lines) == 1 and len(lines) == (2 if name else 1), f"bad framing: {raw!r}"
        data = data_lines[0].removeprefix("data: ")
        events.append({"event": name, "data": data if data == "[DONE]" else json.loads(data)})
    return events


def _maybe_json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return body.decode("utf-8", "replace")


def error_input(path: Path) -> tuple[int, bytes]:
    data = read_json(path)
    body = data["body"]
    raw = body.encode() if isinstance(body, str) else orjson.dumps(body)
    return data["status"], raw
