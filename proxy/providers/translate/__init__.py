"""OpenAI Chat Completions ⇄ other vendors' wire formats, as pure functions and state machines.

`chat` and `result` hold the typed, vendor-neutral shapes; `openai_out` writes them as OpenAI
JSON and SSE chunks; one module pair per vendor format (`anthropic_*`, `gemini_*`, `cohere_*`)
translates requests out and responses / stream events back; `anthropic_ingress` serves callers
that speak Anthropic's Messages API. Nothing here does I/O.
"""
