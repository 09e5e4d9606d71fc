"""Mistral: OpenAI's driver without stream-usage injection, and its catalog entry."""
