"""The rewrite strategy: the API's own upstream (a model of the tenant, through this same
deployment's endpoint and credential) turns the conversation into one standalone search query.
Its tokens are recorded on the call's usage row, beside the sources."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson

from proxy.ingress import open_call_driver
from proxy.knowledge.placement import ANTHROPIC
from proxy.knowledge.query import message_text
from proxy.providers.base import Call
from proxy.providers.registry import DriverFactory
from proxy.record import CallRecord

log = logging.getLogger("proxy.knowledge")
INSTRUCTION = (
    "Rewrite the user's last message as one standalone search query for a document search, "
    "using the conversation for context. Answer with the query only."
)
MAX_QUERY_TOKENS = 64
TIMEOUT = aiohttp.ClientTimeout(total=20)


@dataclass(frozen=True, slots=True)
class Upstream:
    """How to reach the model that rewrites: the deployment's own driver and endpoint."""

    call: Call  # the caller's call, whose vendor, endpoint, credential and ingress are reused
    driver: DriverFactory
    session: aiohttp.ClientSession


def rewrite_request(conversation: str, model: str, shape: str) -> dict[str, Any]:
    request: dict[str, Any] = {"model": model, "max_tokens": MAX_QUERY_TOKENS, "stream": False}
    user = {"role": "user", "content": conversation}
    if shape == ANTHROPIC:
        return {**request, "system": INSTRUCTION, "messages": [user]}
    return {**request, "messages": [{"role": "system", "content": INSTRUCTION}, user]}


async def rewrite_query(
    upstream: Upstream, record: CallRecord, conversation: str, model: str, shape: str
) -> str:
    """The rewritten query, or "" when the model could not answer (the caller's own message
    is then searched instead)."""
    payload = rewrite_request(conversation, model, shape)
    body = orjson.dumps(payload)
    base = upstream.call
    call = Call(
        vendor=base.vendor,
        endpoint=base.endpoint,
        credential=base.credential,
        method="POST",
        operation=base.operation,
        query="",
        headers={"content-type": "application/json"},
        body=body,
        payload=payload,
        ingress=base.ingress,
        extra=dict(base.extra),
    )
    driver = open_call_driver(upstream.driver, call)
    request = driver.build_request()
    try:
        async with upstream.session.request(
            request.method,
            request.url,
            headers=request.headers,
            data=request.body,
            allow_redirects=False,
            timeout=TIMEOUT,
        ) as response:
            status, raw = response.status, await response.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning(
            "query rewrite failed",
            extra={"event": "knowledge_rewrite_failed", "error": type(exc).__name__},
        )
        return ""
    if status >= 400:
        return ""
    translated = driver.parse_response(status, raw)
    if translated.usage:
        record.knowledge_rewrite_tokens = translated.usage.total
    return answer_text(translated.body, shape)


def answer_text(body: bytes, shape: str) -> str:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ""
    if not isinstance(data, dict):
        return ""
    if shape == ANTHROPIC:
        return message_text({"content": data.get("content")}).strip()
    choices = data.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        return message_text(choices[0].get("message")).strip()
    return ""
