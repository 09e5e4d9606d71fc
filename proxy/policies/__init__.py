"""Per-API request policies applied on the hot path (gateway defaults: system prompt, default
parameters, assistant prefill)."""
