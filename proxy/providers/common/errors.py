"""Errors in the OpenAI shape, and the typed error a translation raises."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from proxy.errors import UNTRANSLATABLE_REQUEST, ErrorKind, GatewayError

_TYPE_BY_STATUS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    409: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}


def openai_error_type(status: int) -> str:
    if status >= 500:
        return "server_error"
    return _TYPE_BY_STATUS.get(status, "invalid_request_error")


@dataclass(frozen=True, slots=True)
class UpstreamError:
    """A vendor's error, read from its own shape."""

    status: int
    message: str
    code: str | None = None
    param: str | None = None

    def openai_body(self) -> bytes:
        return openai_error_body(self.status, self.message, self.code, self.param)


def openai_error_body(
    status: int, message: str, code: str | None, param: str | None = None
) -> bytes:
    error = {"message": message, "type": openai_error_type(status), "code": code, "param": param}
    return orjson.dumps({"error": error})


class TranslationError(GatewayError):
    """A request the vendor's format cannot carry, found before any I/O (or an unreadable
    answer); the proxy renders it like every gateway error."""

    def __init__(
        self, message: str, *, kind: ErrorKind = UNTRANSLATABLE_REQUEST, param: str | None = None
    ) -> None:
        super().__init__(kind, message, param=param)


def text_of(body: bytes, limit: int = 500) -> str:
    """A non-JSON error body, shortened, as a message."""
    return body.decode("utf-8", "replace").strip()[:limit] or "upstream error"
