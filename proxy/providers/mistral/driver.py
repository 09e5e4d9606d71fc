"""Mistral: OpenAI's shape at api.mistral.ai/v1 with `Authorization: Bearer`.

Mistral always reports usage in its final stream chunk (alongside the last choice) and
refuses unknown request fields, so nothing is injected and no chunk is removed.
"""

from __future__ import annotations

from proxy.providers.openai.driver import OpenAIDriver


class MistralDriver(OpenAIDriver):
    inject_stream_usage = False


DRIVER = MistralDriver
