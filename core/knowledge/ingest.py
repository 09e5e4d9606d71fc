"""The worker's side of an upload: extract, chunk, embed and store a document, reporting
progress for the portal's bar, then republish the collection's index."""

from __future__ import annotations

import logging

from django.db import transaction

from core.knowledge.chunking import split
from core.knowledge.extract import UnreadableDocument, ready_chunks, text_of
from core.knowledge.publish import publish_collection
from core.models import Chunk, Document, DocumentStatus
from proxy.public import embeddings

log = logging.getLogger(__name__)
BATCH = 256  # chunks embedded and written per step; progress is reported between steps


def ingest_document(document_id: int) -> None:
    document = Document.objects.select_related("collection").filter(pk=document_id).first()
    if document is None:
        return  # deleted before the worker came to it
    _report(document, DocumentStatus.PROCESSING, 0)
    try:
        chunks = chunks_of(document)
    except UnreadableDocument as exc:
        _report(document, DocumentStatus.FAILED, 0, error=str(exc))
        return
    if not chunks:
        _report(document, DocumentStatus.FAILED, 0, error="The document holds no text.")
        return
    with transaction.atomic():
        Chunk.objects.filter(document=document).delete()
    for start in range(0, len(chunks), BATCH):
        _store_batch(document, chunks, start)
        _report(document, DocumentStatus.PROCESSING, 99 * (start + BATCH) // len(chunks))
    if not Document.objects.filter(pk=document.pk).exists():
        return  # deleted meanwhile: its chunks went with it
    _report(document, DocumentStatus.READY, 100, chunk_count=len(chunks))
    publish_collection(document.collection_id)


def chunks_of(document: Document) -> list[str]:
    source = bytes(document.source)
    if document.media_type == "jsonl":
        return ready_chunks(source)
    collection = document.collection
    return split(
        text_of(source, document.media_type), collection.chunk_size, collection.chunk_overlap
    )


def _store_batch(document: Document, chunks: list[str], start: int) -> None:
    batch = chunks[start : start + BATCH]
    vectors = embeddings.embed(batch)
    Chunk.objects.bulk_create(
        Chunk(document=document, ordinal=start + i, text=text, embedding=vectors[i].tobytes())
        for i, text in enumerate(batch)
    )


def _report(document: Document, status: str, progress: int, **fields: object) -> None:
    Document.objects.filter(pk=document.pk).update(
        status=status, progress=min(progress, 100), **fields
    )
