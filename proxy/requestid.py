"""Request ids: a per-process random prefix and a counter, as cheap as an id can be.

32 lowercase hex characters like `uuid4().hex`: 64 random bits drawn once per process (again
in a forked child) and a 64-bit counter. Unique across processes and restarts, so the id stays
the usage event's idempotency key, without a `getrandom` call per request.
"""

from __future__ import annotations

import itertools
import os


class _Ids:
    __slots__ = ("counter", "prefix")

    def __init__(self) -> None:
        self.reseed()

    def reseed(self) -> None:
        self.prefix = os.urandom(8).hex()
        self.counter = itertools.count()


_ids = _Ids()
os.register_at_fork(after_in_child=_ids.reseed)


def new_request_id() -> str:
    return f"{_ids.prefix}{next(_ids.counter):016x}"
