"""OpenTelemetry traces: one span per call, with the GenAI semantic conventions' attributes.

On with PROXY_TRACING=true; off, nothing here is imported and a call pays one `is None` check.
The span continues the caller's W3C `traceparent` (and `tracestate`) and the provider receives
the span's own, so its logs join the same trace. Exported over OTLP/HTTP and sampled by the
standard variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG,
OTEL_SERVICE_NAME); a process that installed its own SDK tracer provider first keeps it.
"""

from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from proxy.asgi import Scope
from proxy.record import CallRecord
from proxy.usage import UsageEvent

TRACE_HEADERS = frozenset({b"traceparent", b"tracestate"})
# gen_ai.operation.name by the operation path's ending (the vendors' own paths included).
OPERATIONS = (
    ("/chat/completions", "chat"),
    ("/messages", "chat"),
    ("/chat", "chat"),
    (":generateContent", "generate_content"),
    (":streamGenerateContent", "generate_content"),
    ("/completions", "text_completion"),
    ("/embeddings", "embeddings"),
    ("/embed", "embeddings"),
    (":embedContent", "embeddings"),
)


class CallTracer:
    def __init__(self, provider: TracerProvider, owned: bool = False) -> None:
        self._provider = provider
        self._owned = owned
        self._tracer = provider.get_tracer("tollgate.proxy")
        self._propagator = TraceContextTextMapPropagator()

    def start(self, record: CallRecord, scope: Scope) -> None:
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in TRACE_HEADERS
        }
        parent = self._propagator.extract(carrier) if carrier else None
        record.span = self._tracer.start_span(
            "gateway call",
            context=parent,
            kind=SpanKind.CLIENT,
            attributes={
                "http.request.method": record.method,
                "tollgate.request_id": record.request_id,
            },
        )

    def inject(self, record: CallRecord, headers: dict[str, str]) -> None:
        """Replace the caller's trace headers (if any) with the call span's own."""
        span = record.span
        if not isinstance(span, Span):
            return
        headers.pop("traceparent", None)
        headers.pop("tracestate", None)
        self._propagator.inject(headers, context=trace.set_span_in_context(span))

    def finish(self, record: CallRecord, event: UsageEvent) -> None:
        span = record.span
        if not isinstance(span, Span):
            return
        operation = operation_name(record.operation)
        span.update_name(f"{operation} {event.model_requested}".strip())
        span.set_attributes(_attributes(record, event, operation))
        if event.error_code:
            span.set_attribute("error.type", event.error_code)
            span.set_status(Status(StatusCode.ERROR, event.error_code))
        span.end()

    def close(self) -> None:
        if self._owned:
            self._provider.shutdown()  # flushes what the batch processor still holds


def operation_name(path: str) -> str:
    for ending, name in OPERATIONS:
        if path.endswith(ending):
            return name
    return path.rsplit("/", 1)[-1] or "call"


def _attributes(record: CallRecord, event: UsageEvent, operation: str) -> dict[str, str | int]:
    attributes: dict[str, str | int] = {
        "gen_ai.operation.name": operation,
        "http.response.status_code": event.status,
        "tollgate.streamed": int(event.streamed),
    }
    deployment = record.deployment
    if deployment is not None:
        attributes["gen_ai.system"] = deployment.vendor.slug
        attributes["gen_ai.provider.name"] = deployment.vendor.slug
        attributes["tollgate.tenant"] = deployment.tenant_slug
        attributes["tollgate.api"] = deployment.api_name
        attributes["tollgate.api_version"] = deployment.api_version
    optional: dict[str, str | int] = {
        "gen_ai.request.model": event.model_requested,
        "gen_ai.response.model": event.model_answered,
        "gen_ai.usage.input_tokens": event.prompt_tokens,
        "gen_ai.usage.output_tokens": event.completion_tokens,
        "tollgate.stream_cut": event.stream_cut,
    }
    attributes.update({name: value for name, value in optional.items() if value})
    return attributes


def open_tracer() -> CallTracer:
    """The tracer over the process's SDK provider, or a new one exporting over OTLP."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return CallTracer(current)
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    name = os.environ.get("OTEL_SERVICE_NAME") or "tollgate-proxy"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return CallTracer(provider, owned=True)
