"""Typed, vendor-neutral shapes of a chat answer: whole, or one stream step at a time."""

from __future__ import annotations

from dataclasses import dataclass, field

from proxy.providers.base import Usage
from proxy.providers.common.chat import ToolCall
from proxy.providers.common.errors import UpstreamError

# OpenAI finish reasons
STOP = "stop"
LENGTH = "length"
TOOL_CALLS = "tool_calls"
CONTENT_FILTER = "content_filter"


@dataclass(slots=True)
class Choice:
    index: int
    content: str | None
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = STOP


@dataclass(slots=True)
class ChatResult:
    id: str
    model: str
    choices: list[Choice]
    usage: Usage


@dataclass(slots=True)
class ToolCallDelta:
    index: int
    id: str | None = None
    name: str | None = None
    arguments: str | None = None


@dataclass(slots=True)
class ChunkDelta:
    choice: int = 0
    role: str | None = None
    content: str | None = None
    tool_calls: list[ToolCallDelta] = field(default_factory=list)
    finish_reason: str | None = None


@dataclass(slots=True)
class StreamStep:
    """What one upstream stream event means, before it is written in the caller's format."""

    deltas: list[ChunkDelta] = field(default_factory=list)
    usage: Usage | None = None
    id: str | None = None
    model: str | None = None
    done: bool = False  # the vendor's terminal event: write the usage chunk and [DONE]
    error: UpstreamError | None = None
