"""A call's admission decision: admitted or which limit refused it, and its OpenAI headers."""

from __future__ import annotations

import math
from dataclasses import dataclass

from proxy.limits.model import Counter
from proxy.limits.store import CounterStore, Take, Taken


def openai_duration(seconds: float) -> str:
    """Go-style durations as OpenAI sends them: "20ms", "1s", "1.5s", "6m0s", "1h2m3s"."""
    millis = max(0, math.ceil(seconds * 1000))
    if millis < 1000:
        return f"{millis}ms"
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, frac = divmod(rest, 1000)
    secs = f"{whole}.{frac:03d}".rstrip("0").rstrip(".") if frac else str(whole)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


@dataclass(slots=True)
class Figure:
    """One header group: the tightest counter of its kind (requests or tokens)."""

    limit: int
    remaining: int
    reset_seconds: float


class Decision:
    """Returned by Limiter.admit; pass it back to Limiter.settle once the call is done."""

    __slots__ = (
        "admitted",
        "quota_exceeded",
        "code",
        "message",
        "error_type",
        "retry_after",
        "_takes",
        "_taken",
        "_limits",
        "_at",
        "_store",
        "_settled",
    )

    def __init__(
        self,
        *,
        admitted: bool,
        takes: list[Take] | None = None,
        taken: list[Taken] | None = None,
        limits: list[int] | None = None,
        at: float = 0.0,
        store: CounterStore | None = None,
    ) -> None:
        self.admitted = admitted
        self.quota_exceeded = False  # a soft (stop_on_quota off) plan limit was passed
        self.code: str | None = None  # stable code of the limit that refused the call
        self.message: str | None = None
        self.error_type: str | None = None  # "requests" or "tokens", as OpenAI's 429s say
        self.retry_after: int | None = None  # whole seconds until the refusing window resets
        self._takes = takes or []
        self._taken = taken or []
        self._limits = limits or []  # effective limit per take (divided while degraded)
        self._at = at
        self._store = store
        self._settled = False

    @property
    def status(self) -> int:
        return 200 if self.admitted else 429

    def figure(self, tokens: bool) -> Figure | None:
        """The counter of that kind with the least room left, as the headers report it."""
        return self._tightest()[tokens]

    def _tightest(self) -> tuple[Figure | None, Figure | None]:
        """(requests, tokens) figures in one pass over the takes."""
        best: list[Figure | None] = [None, None]
        for take, taken, limit in zip(self._takes, self._taken, self._limits, strict=True):
            counter: Counter = take.counter
            kind = 1 if counter.dimension.is_tokens else 0
            remaining = max(0, limit - taken.used)
            current = best[kind]
            if current is None or remaining < current.remaining:
                reset = taken.window_start + counter.unit_seconds - self._at
                best[kind] = Figure(limit, remaining, reset)
        return best[0], best[1]

    def headers(self) -> list[tuple[str, str]]:
        """x-ratelimit-* for the tightest request and token counters; retry-after on 429."""
        return [(name.decode(), value.decode()) for name, value in self.raw_headers()]

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The same headers, encoded for an ASGI response (names encoded once, at import)."""
        out: list[tuple[bytes, bytes]] = []
        tightest = self._tightest()
        for tokens, (limit_name, remaining_name, reset_name) in _HEADER_NAMES:
            figure = tightest[tokens]
            if figure is None:
                continue
            out.append((limit_name, b"%d" % figure.limit))
            out.append((remaining_name, b"%d" % figure.remaining))
            out.append((reset_name, openai_duration(figure.reset_seconds).encode()))
        if self.retry_after is not None:
            out.append((b"retry-after", b"%d" % self.retry_after))
        return out


_HEADER_NAMES = tuple(
    (
        tokens,
        tuple(f"x-ratelimit-{part}-{kind}".encode() for part in ("limit", "remaining", "reset")),
    )
    for kind, tokens in (("requests", False), ("tokens", True))
)


UNLIMITED = Decision(admitted=True)  # shared by every call with no limits: never mutated
