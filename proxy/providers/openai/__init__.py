"""OpenAI and every OpenAI-compatible server: the driver and the catalog entries (OpenAI,
OpenAI-compatible server)."""
