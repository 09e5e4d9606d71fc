"""Azure OpenAI: `{endpoint}/openai/deployments/{deployment}/{operation}?api-version=…` with the
key in the `api-key` header (from the vendor's auth settings).

The deployment comes from the endpoint's settings (`deployment`), else from the request's
`model`; the API version from the endpoint's, else the vendor's `api_version` setting.
"""

from __future__ import annotations

from urllib.parse import quote

from proxy.credentials import with_query_param
from proxy.errors import MISSING_MODEL, GatewayError
from proxy.providers.openai.driver import OpenAIDriver

DEFAULT_API_VERSION = "2024-10-21"


class AzureOpenAIDriver(OpenAIDriver):
    def url(self, query: str) -> str:
        call = self.call
        settings = {**call.vendor.settings, **call.endpoint.settings}
        query = with_query_param(
            query, "api-version", str(settings.get("api_version") or DEFAULT_API_VERSION)
        )
        base = call.endpoint.url.rstrip("/").removesuffix("/openai")
        if call.operation.startswith("/models"):
            return f"{base}/openai{call.operation}?{query}"
        deployment = settings.get("deployment") or (call.payload or {}).get("model")
        if not isinstance(deployment, str) or not deployment:
            raise GatewayError(
                MISSING_MODEL, "Name the Azure deployment in 'model'.", param="model"
            )
        return f"{base}/openai/deployments/{quote(deployment, safe='')}{call.operation}?{query}"


DRIVER = AzureOpenAIDriver
