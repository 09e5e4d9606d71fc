"""What every vendor package builds on, owned by no vendor. Nothing here does I/O.

`chat` and `result` hold the typed, vendor-neutral shapes of a chat call; `openai_out` writes
them as OpenAI JSON and SSE chunks; `translating` is the skeleton of a driver that translates
OpenAI's format to its vendor's; `errors`, `sse` and `upstream` are its building blocks;
`usage_paths` and `jsonpath` read tokens and models where a vendor's configuration says;
`openapi` writes the catalog's OpenAPI documents.
"""
