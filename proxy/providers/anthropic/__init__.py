"""Anthropic: the Messages API driver, its request / response / stream translation, the
Messages ingress (callers speaking Anthropic's format to any vendor) and its catalog entry."""
