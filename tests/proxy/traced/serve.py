"""`python -m tests.proxy.traced.serve [proxy options]`: the proxy with an in-memory span
exporter installed first; every finished span is also written to TEST_SPANS_FILE (JSON), since
uvicorn ends the process by re-raising SIGTERM, past any exit hook."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from proxy.__main__ import main


class RecordingExporter(InMemorySpanExporter):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        result = super().export(spans)
        finished = [json.loads(span.to_json()) for span in self.get_finished_spans()]
        self._path.write_text(json.dumps(finished))
        return result


if __name__ == "__main__":
    provider = TracerProvider()
    exporter = RecordingExporter(Path(os.environ["TEST_SPANS_FILE"]))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    main()
