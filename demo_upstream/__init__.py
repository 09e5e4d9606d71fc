"""Tollgate's demo upstream: a STAND-IN for the LLM vendors, not a model and not a vendor.

It answers in each vendor's real wire format with canned text ("Hello from the mock
provider.") so the platform can be tried (`make up`, the compose `demo` profile) and tested
without an account at any provider. Nothing it says comes from a language model.

Run it with `python -m demo_upstream --port 8090`. Each vendor lives in its own module and is
mounted under its own prefix by `app.py` (`/openai/v1/…`, `/azure/openai/…`, `/mistral/v1/…`,
`/anthropic/v1/messages`, `/gemini/v1beta/models/…`, `/cohere/v2/chat`, and `/compatible/v1/…`,
an OpenAI-compatible server that needs no key). Every answer carries the header
`x-demo-upstream: stand-in`. Every received request is recorded and listed at
`GET /_mock/requests` (`{"requests": [...]}`), cleared with `DELETE /_mock/requests`;
`GET /_mock/health` answers when it is up and `GET /` says what it is.

Behaviour switches, so tests can reach every path:
- model `mock-error-<status>` answers that status in the vendor's error format;
- model `mock-redirect` answers 302;
- model `mock-invalid-json` (Anthropic) answers 200 with a body that is not JSON;
- header `x-mock-delay: <seconds>` (or model `mock-slow`, 60 s) waits before answering;
- header `x-mock-chunk-delay: <seconds>` waits between stream chunks;
- a provider key starting with `bad` is refused with the vendor's 401.
Token counts are deterministic: prompt tokens = words in the prompt, completion tokens =
words in the fixed reply (cut to max_tokens).
"""
