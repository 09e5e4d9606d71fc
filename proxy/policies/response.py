"""The answer on its way back: response guardrails and the restore of masked values, as a
driver wrapped around the vendor's (it sees the answer in the caller's format).

A whole answer is checked before it is sent: a trip answers `guardrail_blocked` instead (the
usage is still metered). A stream is held back in windows of `WINDOW_CHARS` characters of text;
each window is checked before its events go out, so text that trips a guardrail never reaches
the caller, and a trip ends the stream with the in-band error event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from proxy.errors import GatewayError
from proxy.policies.base import REPORT, RESPONSE, ResponseGuard, blocked
from proxy.policies.restore import StreamRestorer, restore_whole
from proxy.policies.text import answer_texts
from proxy.providers.base import Driver, Translated, UpstreamRequest
from proxy.record import CallRecord
from proxy.stream_break import delivered_text, error_event, speaks_anthropic

WINDOW_CHARS = 64


class PolicyDriver:
    """Delegates to the vendor's driver; checks and restores what it returns."""

    def __init__(
        self,
        inner: Driver,
        guards: tuple[ResponseGuard, ...],
        restore: dict[str, str],
        record: CallRecord,
    ) -> None:
        self.inner = inner
        self.call = getattr(inner, "call", None)
        self._guards = guards
        self._restore = restore
        self._record = record
        self._streamer = StreamRestorer(restore) if restore else None
        self._held: list[bytes] = []
        self._text = ""
        self._checked = 0
        self._tripped = False

    def build_request(self) -> UpstreamRequest:
        return self.inner.build_request()

    def map_error(self, status: int, body: bytes) -> tuple[int, bytes]:
        return self.inner.map_error(status, body)

    def parse_response(self, status: int, body: bytes) -> Translated:
        translated = self.inner.parse_response(status, body)
        if self._guards:
            self._check_whole(translated)
        if self._restore:
            translated.body = restore_whole(translated.body, self._restore)
        return translated

    def _check_whole(self, translated: Translated) -> None:
        try:
            document = orjson.loads(translated.body)
        except orjson.JSONDecodeError:
            return
        for guard in self._guards:
            path = getattr(guard, "path", None)
            if guard.violation("\n".join(answer_texts(document, path))) is None:
                continue
            if self._note(guard):
                if translated.usage:
                    self._record.usage.merge(translated.usage)
                raise blocked(guard.label, RESPONSE)

    def _note(self, guard: ResponseGuard) -> bool:
        """Record the trip; True when the guard blocks (False: report-only)."""
        action = "reported" if guard.mode == REPORT else "blocked"
        self._record.policy_actions = (*self._record.policy_actions, (guard.label, action))
        return guard.mode != REPORT

    def parse_stream_event(self, event: bytes) -> Translated:
        translated = self.inner.parse_stream_event(event)
        if self._tripped:
            translated.body = b""
            return translated
        body = translated.body
        if self._streamer is not None and body:
            body = self._streamer.rewrite(body)
        if self._guards and body:
            body = self._window(body, final=False)
        translated.body = body
        return translated

    def stream_end(self) -> bytes:
        end = self.inner.stream_end()
        if self._tripped:
            return b""
        if self._streamer is not None:
            end = self._streamer.flush() + end
        if self._guards:
            return self._window(end, final=True)
        return end

    def _window(self, body: bytes, final: bool) -> bytes:
        self._held.append(body)
        self._text += delivered_text([body])
        if not final and len(self._text) - self._checked < WINDOW_CHARS:
            return b""
        self._checked = len(self._text)
        for guard in self._guards:
            judged = final or not guard.whole_answer_only
            if judged and guard.violation(self._text) and self._note(guard):
                return self._trip(guard.label)
        out, self._held = b"".join(self._held), []
        return out

    def _trip(self, label: str) -> bytes:
        self._tripped = True
        self._held = []
        record = self._record
        error: GatewayError = blocked(label, RESPONSE)
        record.error_code, record.stream_cut = error.code, "guardrail"
        vendor = record.deployment.vendor.driver if record.deployment else ""
        return error_event(error, speaks_anthropic(record.ingress, vendor))


class HeaderReadingPolicyDriver(PolicyDriver):
    """The same, for a vendor driver that reads the upstream's response headers."""

    def on_response_headers(self, headers: Mapping[str, str]) -> None:
        self.inner.on_response_headers(headers)  # type: ignore[attr-defined]


def wrap(
    driver: Driver,
    guards: tuple[ResponseGuard, ...],
    restore: dict[str, str],
    record: CallRecord,
    reads_headers: bool,
) -> Any:
    cls = HeaderReadingPolicyDriver if reads_headers else PolicyDriver
    return cls(driver, guards, restore, record)
