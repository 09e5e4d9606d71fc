"""Counters shared by every proxy process, in Redis: one Lua script call per acquire.

Each counter window is one Redis string `{prefix}:{counter key}:{window start}` that expires
shortly after its window ends. The acquire script reads every counter of the call (MGET),
refuses if a hard one would pass its limit, else increments them all: the check and the
increment are one atomic step, so concurrent processes can never admit more than the limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from proxy.limits.model import Counter
from proxy.limits.store import Adjustment, Clock, Outcome, Take, Taken, window_start

# ARGV[1] = lease divisor; then per key: amount, extra, limit, hard (1/0), expire-at (ms).
ACQUIRE_LUA = """
local n = #KEYS
local used = redis.call('MGET', unpack(KEYS))
for i = 1, n do used[i] = tonumber(used[i]) or 0 end
local divisor = tonumber(ARGV[1])
for i = 1, n do
  local b = 1 + (i - 1) * 5
  local amount = tonumber(ARGV[b + 1])
  if ARGV[b + 4] == '1' and used[i] + math.max(amount, 1) > tonumber(ARGV[b + 3]) then
    local out = {0, i}
    for j = 1, n do out[#out + 1] = used[j] end
    return out
  end
end
local out = {1, 0}
for i = 1, n do
  local b = 1 + (i - 1) * 5
  local amount = tonumber(ARGV[b + 1])
  local extra = tonumber(ARGV[b + 2])
  local room = tonumber(ARGV[b + 3]) - used[i] - amount
  local grant = 0
  if extra > 0 and room > 0 then grant = math.min(extra, math.floor(room / divisor)) end
  local total = redis.call('INCRBY', KEYS[i], amount + grant)
  if total == amount + grant then redis.call('PEXPIREAT', KEYS[i], ARGV[b + 5]) end
  out[#out + 1] = total
  out[#out + 1] = grant
end
return out
"""

# Refund or charge finished calls; a window that already expired is left alone.
ADJUST_LUA = """
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    local v = redis.call('INCRBY', KEYS[i], ARGV[i])
    if v < 0 then redis.call('SET', KEYS[i], 0, 'KEEPTTL') end
  end
end
return 0
"""

EXPIRY_GRACE_SECONDS = 10  # keeps a window's key a little past its end, for late settles


class RedisStore:
    """The production counters seam. `redis` is a redis.asyncio client owned by the caller."""

    def __init__(
        self,
        redis: Any,
        clock: Clock,
        *,
        prefix: str = "tg:rl",
        timeout: float = 1.0,
        lease_divisor: int = 2,
    ) -> None:
        self.clock = clock
        self._prefix = prefix
        self._timeout = timeout
        self._lease_divisor = str(max(1, lease_divisor))
        self._acquire = redis.register_script(ACQUIRE_LUA)
        self._adjust = redis.register_script(ADJUST_LUA)

    def limit_of(self, counter: Counter) -> int:
        return counter.limit

    def window_key(self, take_key: str, start: int) -> str:
        return f"{self._prefix}:{take_key}:{start}"

    async def acquire(self, takes: Sequence[Take]) -> Outcome:
        now = self.clock()
        starts = [window_start(now, t.counter.unit_seconds, t.counter.anchor) for t in takes]
        keys = [self.window_key(t.counter.key, s) for t, s in zip(takes, starts, strict=True)]
        args: list[int | str] = [self._lease_divisor]
        for take, start in zip(takes, starts, strict=True):
            counter = take.counter
            expire_ms = (start + counter.unit_seconds + EXPIRY_GRACE_SECONDS) * 1000
            args += (take.amount, take.extra, counter.limit, int(counter.hard), expire_ms)
        async with asyncio.timeout(self._timeout):
            reply = await self._acquire(keys=keys, args=args)
        if reply[0] == 0:
            used = reply[2:]
            return Outcome([Taken(s, u) for s, u in zip(starts, used, strict=True)], reply[1] - 1)
        pairs = reply[2:]
        return Outcome(
            [Taken(start, pairs[2 * i], pairs[2 * i + 1]) for i, start in enumerate(starts)]
        )

    async def adjust(self, adjustments: Sequence[Adjustment]) -> None:
        keys = [self.window_key(a.counter.key, a.window_start) for a in adjustments]
        async with asyncio.timeout(self._timeout):
            await self._adjust(keys=keys, args=[a.delta for a in adjustments])
