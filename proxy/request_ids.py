"""Request ids: the gateway's own, and which ids a response carries and the usage event stores.

The gateway's own id is 32 lowercase hex characters like `uuid4().hex`: 64 random bits drawn
once per process (again in a forked child) and a 64-bit counter, unique across processes and
restarts without a `getrandom` call per request. It is the usage event's `request_id`, its
idempotency key, always: a client reusing its ids can never make usage disappear. A caller's
valid `x-request-id` is echoed back as `x-request-id` and stored as `client_request_id`; the
gateway's id then travels as `x-gateway-request-id`. Without one, `x-request-id` is the
gateway's id.
"""

from __future__ import annotations

import itertools
import os

from proxy.asgi import Headers
from proxy.headers import valid_request_id
from proxy.record import CallRecord

REQUEST_ID = b"x-request-id"
GATEWAY_REQUEST_ID = b"x-gateway-request-id"


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


def response_ids(record: CallRecord, raw_headers: Headers) -> Headers:
    own = record.request_id.encode()
    for name, value in raw_headers:
        if name == REQUEST_ID:
            text = value.decode("latin-1")
            if valid_request_id(text):
                record.client_request_id = text
                return [(REQUEST_ID, value), (GATEWAY_REQUEST_ID, own)]
            break
    return [(REQUEST_ID, own)]
