"""Validation of an API's gateway settings (system prompt, default parameters, assistant
prefill), for the services, the REST API and the portal forms.

The shape is defined once, in `proxy.policies.gateway_defaults` (the proxy reads it with the
same parser); field errors are keyed by the form field names: `system_prompt`,
`assistant_prefill`, `model`, `temperature`, `top_p`, `max_tokens`, `stop`, and
`gateway_settings` for the document as a whole.
"""

from __future__ import annotations

from typing import Any

from core.errors import InvalidInput
from proxy.public import parse_gateway_settings, shapes_understood


def clean_gateway_settings(settings: Any, *, api_type: str, driver: str) -> dict:
    """The normalised settings to store, or InvalidInput with field errors.

    `api_type` and `driver` are the API's: the defaults are applied to OpenAI-shaped and
    Anthropic Messages requests, so a native API of another format (Gemini, Cohere, a custom
    vendor) cannot carry them."""
    defaults, errors = parse_gateway_settings(settings)
    if errors:
        raise InvalidInput("Invalid gateway settings.", fields=errors)
    if not defaults.is_empty and not shapes_understood(api_type, driver):
        raise InvalidInput(
            "Invalid gateway settings.",
            fields={
                "gateway_settings": [
                    "System prompts and default parameters apply to OpenAI-compatible APIs and "
                    "to native OpenAI, Azure OpenAI, Mistral and Anthropic APIs."
                ]
            },
        )
    return defaults.to_dict()
