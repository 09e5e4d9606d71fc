"""Writes on collections and documents: atomic, audited, tenant-checked; ingestion and index
publishing are queued on commit."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction

from core.errors import Conflict, InvalidInput
from core.knowledge.extract import UnreadableDocument, media_type_of
from core.knowledge.publish import publish_collection, withdraw_collection
from core.models import AiApi, Collection, Document, DocumentStatus, Tenant
from core.services.apis import update_api
from core.services.audit import record
from proxy.public import embeddings

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def _queue_ingest(document_id: int) -> None:
    from core.tasks import ingest_document

    transaction.on_commit(lambda: ingest_document.delay(document_id))


@transaction.atomic
def create_collection(
    *, tenant: Tenant, actor, slug: str, name: str, description: str = ""
) -> Collection:
    if not SLUG.match(slug or ""):
        raise InvalidInput(
            "Invalid collection.", fields={"slug": ["Lowercase letters, digits and -."]}
        )
    if not (name or "").strip():
        raise InvalidInput("Invalid collection.", fields={"name": ["Give the collection a name."]})
    if Collection.objects.filter(tenant=tenant, slug=slug).exists():
        raise Conflict("A collection with this slug exists.")
    try:
        collection = Collection.objects.create(
            tenant=tenant,
            slug=slug,
            name=name.strip(),
            description=description,
            embedder=embeddings.MODEL,
        )
    except IntegrityError:
        raise Conflict("A collection with this slug exists.") from None
    record(
        tenant=tenant,
        actor=actor,
        action="collection.create",
        obj=collection,
        changes={"slug": slug, "name": name},
    )
    return collection


@transaction.atomic
def update_collection(*, collection: Collection, actor, name: str, description: str) -> Collection:
    if not (name or "").strip():
        raise InvalidInput("Invalid collection.", fields={"name": ["Give the collection a name."]})
    collection.name, collection.description = name.strip(), description
    collection.save(update_fields=["name", "description", "updated_at"])
    record(
        tenant=collection.tenant,
        actor=actor,
        action="collection.update",
        obj=collection,
        changes={"name": name},
    )
    return collection


@transaction.atomic
def delete_collection(*, collection: Collection, actor) -> None:
    tenant_id, slug = collection.tenant_id, collection.slug
    record(tenant=collection.tenant, actor=actor, action="collection.delete", obj=collection)
    collection.delete()
    transaction.on_commit(lambda: withdraw_collection(tenant_id, slug))


@transaction.atomic
def add_document(
    *,
    collection: Collection,
    actor,
    source: bytes,
    filename: str = "",
    title: str = "",
    media_type: str = "",
) -> Document:
    media_type = _media_type(filename, media_type)
    _check_size(source)
    document = Document.objects.create(
        tenant_id=collection.tenant_id,
        collection=collection,
        title=(title or filename or "Untitled").strip()[:300],
        filename=filename[:300],
        media_type=media_type,
        source=source,
    )
    record(
        tenant=collection.tenant,
        actor=actor,
        action="document.create",
        obj=document,
        changes={"collection": collection.slug, "title": document.title},
    )
    _queue_ingest(document.pk)
    return document


@transaction.atomic
def update_document(
    *,
    document: Document,
    actor,
    title: str | None = None,
    source: bytes | None = None,
    media_type: str = "",
) -> Document:
    """A new title only renames; new content re-ingests (the old chunks serve until then)."""
    changes: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise InvalidInput("Invalid document.", fields={"title": ["Give it a title."]})
        document.title = changes["title"] = title.strip()[:300]
    if source is not None:
        _check_size(source)
        document.media_type = _media_type(document.filename, media_type or document.media_type)
        document.source, document.status, document.progress = source, DocumentStatus.PENDING, 0
        changes["content"] = "replaced"
    document.save()
    record(
        tenant=document.tenant, actor=actor, action="document.update", obj=document, changes=changes
    )
    if source is not None:
        _queue_ingest(document.pk)
    else:
        collection_id = document.collection_id
        transaction.on_commit(lambda: publish_collection(collection_id))
    return document


@transaction.atomic
def delete_document(*, document: Document, actor) -> None:
    collection_id = document.collection_id
    record(tenant=document.tenant, actor=actor, action="document.delete", obj=document)
    document.delete()
    transaction.on_commit(lambda: publish_collection(collection_id))


def attach_collections(*, api: AiApi, actor, knowledge: dict[str, Any] | None) -> AiApi:
    """Set (or, with None, remove) the `knowledge` section of an API's gateway settings
    (validated, and checked to name only the API's tenant's collections, by update_api); a new
    revision deploys it."""
    settings = dict(api.gateway_settings or {})
    if knowledge:
        settings["knowledge"] = knowledge
    else:
        settings.pop("knowledge", None)
    return update_api(api=api, actor=actor, gateway_settings=settings)


def _media_type(filename: str, declared: str) -> str:
    try:
        return media_type_of(filename, declared)
    except UnreadableDocument as exc:
        raise InvalidInput("Invalid document.", fields={"file": [str(exc)]}) from None


def _check_size(source: bytes) -> None:
    if not source:
        raise InvalidInput("Invalid document.", fields={"file": ["The file is empty."]})
    if len(source) > MAX_DOCUMENT_BYTES:
        raise InvalidInput("Invalid document.", fields={"file": ["At most 20 MB per document."]})
