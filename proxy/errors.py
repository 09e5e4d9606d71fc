"""Every error the gateway itself raises, with a stable code, in OpenAI's error shape.

The codes are an API: clients branch on them. docs/errors.md lists each one; a test checks
that the two agree. Add new causes here, never inline elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson


@dataclass(frozen=True, slots=True)
class ErrorKind:
    code: str
    status: int
    type: str
    message: str


def _kind(code: str, status: int, type_: str, message: str) -> ErrorKind:
    kind = ErrorKind(code, status, type_, message)
    CATALOG[code] = kind
    return kind


CATALOG: dict[str, ErrorKind] = {}

INVALID = "invalid_request_error"
AUTH = "authentication_error"
PERMISSION = "permission_error"
RATE = "rate_limit_error"
SERVER = "server_error"

ROUTE_NOT_FOUND = _kind("route_not_found", 404, INVALID, "No API is deployed at this path.")
OPERATION_NOT_SUPPORTED = _kind(
    "operation_not_supported", 404, INVALID, "This API does not offer this operation."
)
MISSING_API_KEY = _kind(
    "missing_api_key", 401, AUTH, "Send your key as 'Authorization: Bearer <key>' or 'apikey'."
)
INVALID_API_KEY = _kind("invalid_api_key", 401, AUTH, "The API key is not valid.")
API_KEY_EXPIRED = _kind("api_key_expired", 401, AUTH, "The API key has expired.")
NOT_SUBSCRIBED = _kind(
    "not_subscribed", 403, PERMISSION, "The application is not subscribed to this API."
)
SUBSCRIPTION_BLOCKED = _kind(
    "subscription_blocked", 403, PERMISSION, "The subscription to this API is blocked."
)
API_BLOCKED = _kind("api_blocked", 403, PERMISSION, "This API is blocked by its publisher.")
NO_ENDPOINT_FOR_KEY_TYPE = _kind(
    "no_endpoint_for_key_type", 403, PERMISSION, "This API has no endpoint for this key type."
)
REQUEST_TIMEOUT = _kind(
    "request_timeout", 408, INVALID, "The request's headers or body did not arrive in time."
)
REQUEST_TOO_LARGE = _kind("request_too_large", 413, INVALID, "The request body is too large.")
MISSING_MODEL = _kind("missing_model", 400, INVALID, "The request must name a model for this API.")
RATE_LIMIT_EXCEEDED = _kind("rate_limit_exceeded", 429, RATE, "Rate limit exceeded.")
BUDGET_EXCEEDED = _kind("budget_exceeded", 429, RATE, "The budget for this period is spent.")
# The limit a refused call hit, as the engine names it (proxy/limits/codes.py; a test checks
# that every engine code is here).
LIMIT_KINDS = {
    code: _kind(code, 429, RATE, message)
    for code, message in (
        ("rate_limit_requests", "The subscription plan's request limit is reached."),
        ("quota_tokens", "The subscription plan's token quota is reached."),
        ("quota_prompt_tokens", "The subscription plan's prompt token quota is reached."),
        ("quota_completion_tokens", "The subscription plan's completion token quota is reached."),
        ("application_rate_limit_requests", "The application's request limit is reached."),
        ("application_quota_tokens", "The application's token quota is reached."),
        ("application_quota_prompt_tokens", "The application's prompt token quota is reached."),
        ("application_quota_completion_tokens", "The application's completion quota is reached."),
        ("backend_rate_limit_requests", "The API's request limit is reached."),
        ("backend_quota_tokens", "The API's token quota is reached."),
        ("backend_quota_prompt_tokens", "The API's prompt token quota is reached."),
        ("backend_quota_completion_tokens", "The API's completion token quota is reached."),
        ("request_too_large_for_quota", "The request reserves more tokens than a quota allows."),
    )
}
GUARDRAIL_BLOCKED = _kind(
    "guardrail_blocked", 400, INVALID, "The request was refused by one of the API's guardrails."
)
PROMPT_TEMPLATE_REQUIRED = _kind(
    "prompt_template_required",
    400,
    INVALID,
    "This API only accepts prompt templates: send {template://name} with its properties.",
)
PROMPT_TEMPLATE_INVALID = _kind(
    "prompt_template_invalid", 400, INVALID, "The prompt template reference is not valid."
)
UPSTREAM_TIMEOUT = _kind("upstream_timeout", 504, SERVER, "The provider did not answer in time.")
UPSTREAM_UNREACHABLE = _kind(
    "upstream_unreachable", 502, SERVER, "The provider could not be reached."
)
UPSTREAM_ADDRESS_REFUSED = _kind(
    "upstream_address_refused", 502, SERVER, "The provider's address is not allowed."
)
UPSTREAM_REDIRECT_REFUSED = _kind(
    "upstream_redirect_refused", 502, SERVER, "The provider answered with a redirect."
)
UPSTREAM_MISCONFIGURED = _kind(
    "upstream_misconfigured", 502, SERVER, "The API's provider configuration is not usable."
)
UPSTREAM_STREAM_INTERRUPTED = _kind(
    "upstream_stream_interrupted",
    502,
    SERVER,
    "The provider's connection broke off mid-stream; the answer is incomplete.",
)
NO_TARGET_AVAILABLE = _kind(
    "no_target_available",
    503,
    SERVER,
    "Every target of this API is suspended after failures; retry later.",
)
REGISTRY_UNAVAILABLE = _kind(
    "registry_unavailable", 503, SERVER, "The gateway cannot check keys right now."
)
UNTRANSLATABLE_REQUEST = _kind(
    "untranslatable_request",
    400,
    INVALID,
    "The request cannot be expressed in this provider's format.",
)
UPSTREAM_INVALID_RESPONSE = _kind(
    "upstream_invalid_response", 502, SERVER, "The provider's answer could not be read."
)
GATEWAY_SHUTTING_DOWN = _kind(
    "gateway_shutting_down", 503, SERVER, "The gateway is restarting; retry the call."
)
GATEWAY_NOT_READY = _kind("gateway_not_ready", 503, SERVER, "The gateway is starting.")
INTERNAL_ERROR = _kind("internal_error", 500, SERVER, "The gateway failed to handle the call.")


class GatewayError(Exception):
    """An error raised by the gateway; rendered once, in `render`."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str | None = None,
        *,
        param: str | None = None,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        super().__init__(message or kind.message)
        self.kind = kind
        self.message = message or kind.message
        self.param = param
        self.headers = headers or []

    @property
    def code(self) -> str:
        return self.kind.code

    @property
    def status(self) -> int:
        return self.kind.status

    def render(self) -> bytes:
        return orjson.dumps(
            {
                "error": {
                    "message": self.message,
                    "type": self.kind.type,
                    "code": self.kind.code,
                    "param": self.param,
                }
            }
        )
