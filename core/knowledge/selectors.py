"""Reads of collections and documents, always from the tenant."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from core.errors import NotFound
from core.models import Collection, Document, Tenant


def collections(tenant: Tenant) -> QuerySet[Collection]:
    return Collection.objects.filter(tenant=tenant).annotate(document_count=Count("documents"))


def collection(tenant: Tenant, slug: str) -> Collection:
    found = collections(tenant).filter(slug=slug).first()
    if found is None:
        raise NotFound("No such collection.")
    return found


def documents(collection: Collection) -> QuerySet[Document]:
    return Document.objects.filter(tenant_id=collection.tenant_id, collection=collection).defer(
        "source"
    )


def document(collection: Collection, document_id: int) -> Document:
    found = documents(collection).filter(pk=document_id).first()
    if found is None:
        raise NotFound("No such document.")
    return found
