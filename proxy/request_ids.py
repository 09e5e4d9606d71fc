"""Which request ids a response carries, and which the usage event stores.

The gateway's own id (a fresh uuid per call) is the usage event's `request_id`, its
idempotency key, always: a client reusing its ids can never make usage disappear. A caller's
valid `x-request-id` is echoed back as `x-request-id` and stored as `client_request_id`; the
gateway's id then travels as `x-gateway-request-id`. Without one, `x-request-id` is the
gateway's id.
"""

from __future__ import annotations

from proxy.asgi import Headers
from proxy.headers import valid_request_id
from proxy.record import CallRecord

REQUEST_ID = b"x-request-id"
GATEWAY_REQUEST_ID = b"x-gateway-request-id"


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
