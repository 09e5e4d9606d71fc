"""The catalog's OpenAPI documents: one operation, one vendor document.

Each vendor's document (in its `catalog.py`) lists its own operations as its API reference
publishes them (paths, operation ids, a minimal request example); the proxy routes exactly
these on a native API.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


def operation(summary: str, op_id: str, example: Json | None = None) -> Json:
    """One OpenAPI operation, with a JSON request example when it takes a body."""
    op: Json = {
        "summary": summary,
        "operationId": op_id,
        "responses": {"200": {"description": "OK"}},
    }
    if example is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}, "example": example}},
        }
    return op


def document(title: str, version: str, server: str, key_header: str, paths: Json) -> Json:
    """A vendor's OpenAPI document: its server, its key header and its operations."""
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
        "servers": [{"url": server}],
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": key_header}}
        },
        "security": [{"apiKey": []}],
        "paths": paths,
    }
