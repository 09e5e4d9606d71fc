"""Typed errors of the control plane, each with a stable code and an HTTP status."""

from __future__ import annotations


class TollgateError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(TollgateError):
    code = "invalid_input"
    status = 400


class InvalidTransition(TollgateError):
    code = "invalid_lifecycle_transition"
    status = 409


class Conflict(TollgateError):
    code = "conflict"
    status = 409


class Forbidden(TollgateError):
    code = "permission_denied"
    status = 403


class NotFound(TollgateError):
    code = "not_found"
    status = 404
