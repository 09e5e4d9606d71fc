"""Azure OpenAI's wire format, mounted at `/azure`.

`/azure/openai/deployments/{deployment}/{chat/completions|completions|embeddings}` and
`/azure/openai/models`, all requiring `?api-version=`; auth by the `api-key` header. Errors use
Azure's shape `{"error": {"code", "message"}}`; responses carry content-filter results.
"""

from __future__ import annotations

from demo_upstream.common import MockRequest, Response, StreamResponse, json_response
from demo_upstream.openai import serve

PREFIX = "/azure"
DEPLOYMENTS = "/openai/deployments/"


def error(status: int, message: str, code: str | None = None) -> Response:
    return json_response(status, {"error": {"code": code or str(status), "message": message}})


async def handle(request: MockRequest) -> Response | StreamResponse:
    if not request.query_param("api-version"):
        return error(404, "Resource not found")
    key = request.headers.get("api-key", "")
    if not key or key.startswith("bad"):
        return error(
            401,
            "Access denied due to invalid subscription key or wrong API endpoint. "
            "Make sure to provide a valid key for an active subscription and use a "
            "correct regional API endpoint for your resource.",
        )
    if request.path == "/openai/models":
        return await serve(request, "/models", str, error, "azure")
    if not request.path.startswith(DEPLOYMENTS):
        return error(404, "Resource not found")
    deployment, _, operation = request.path.removeprefix(DEPLOYMENTS).partition("/")
    if deployment.startswith("missing"):
        return error(
            404, "The API deployment for this resource does not exist.", "DeploymentNotFound"
        )
    return await serve(
        request, "/" + operation, lambda _model: f"{deployment}-2024-08-06", error, "azure"
    )
