"""Collections end to end in the control plane: upload through REST, the worker's ingestion
(run here as the embedded mode runs it), search with scores, the index published to the
registry store, updates and deletes republished, and attaching only the tenant's own."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from core.knowledge.ingest import ingest_document
from core.models import Document, DocumentStatus
from core.registry.store import get_store
from proxy.public import KNOWLEDGE, KnowledgeIndex
from tests.core.builders import make_api
from tests.core.knowledge.test_extract_and_chunking import pdf_with_text

pytestmark = pytest.mark.django_db(transaction=True)
REFUNDS = "Annual plans are refunded in full within 30 days of purchase."
SHIPPING = "Parcels ship from Rotterdam every weekday and arrive in two to four days."


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"tenant_slug": "acme", **kwargs})


@pytest.fixture
def creator(personas, client_for):
    return client_for(personas.creator)


def published_index(tenant_id: int, slug: str) -> KnowledgeIndex | None:
    body = get_store().get(KNOWLEDGE, f"{tenant_id}:{slug}")
    return KnowledgeIndex.from_json(body) if body else None


def upload(client, slug: str, **document) -> dict:
    response = client.post(url("documents", collection_slug=slug), document, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_upload_ingest_search_update_delete(personas, creator):
    response = creator.post(url("collections"), {"slug": "help", "name": "Help"}, format="json")
    assert response.status_code == 201, response.content
    refunds = upload(creator, "help", title="Refunds", media_type="markdown", text=REFUNDS)
    pdf = base64.b64encode(pdf_with_text(SHIPPING)).decode()
    shipping = upload(creator, "help", title="Shipping", media_type="pdf", content_base64=pdf)
    for document in (refunds, shipping):
        ingest_document(document["id"])  # what the worker (or the embedded mode) runs

    listed = creator.get(url("documents", collection_slug="help")).json()["results"]
    assert {d["title"]: (d["status"], d["progress"]) for d in listed} == {
        "Refunds": ("ready", 100),
        "Shipping": ("ready", 100),
    }
    search = creator.post(
        url("collection-search", collection_slug="help"),
        {"query": "how long does delivery take", "top_k": 2},
        format="json",
    ).json()["hits"]
    assert search[0]["title"] == "Shipping" and search[0]["score"] > search[1]["score"]
    index = published_index(personas.tenant.pk, "help")
    assert index is not None and [p.title for p in index.passages] == ["Refunds", "Shipping"]

    detail = url("document", collection_slug="help", document_id=refunds["id"])
    assert creator.patch(detail, {"title": "Refund policy"}, format="json").status_code == 200
    assert [p.title for p in published_index(personas.tenant.pk, "help").passages][0] == (
        "Refund policy"
    )
    assert creator.delete(detail).status_code == 204
    assert [p.title for p in published_index(personas.tenant.pk, "help").passages] == ["Shipping"]

    assert creator.delete(url("collection", collection_slug="help")).status_code == 204
    assert published_index(personas.tenant.pk, "help") is None


def test_json_lines_are_kept_as_chunks_and_bad_documents_fail_with_a_reason(personas, creator):
    creator.post(url("collections"), {"slug": "chunks", "name": "Chunks"}, format="json")
    lines = '{"text": "First ready chunk."}\n{"text": "Second ready chunk."}\n'
    ready = upload(creator, "chunks", title="Ready", media_type="jsonl", text=lines)
    broken = upload(creator, "chunks", title="Broken", media_type="jsonl", text="{oops")
    ingest_document(ready["id"])
    ingest_document(broken["id"])

    assert Document.objects.get(pk=ready["id"]).chunk_count == 2
    failed = Document.objects.get(pk=broken["id"])
    assert (failed.status, failed.error) == (DocumentStatus.FAILED, "Line 1 is not JSON.")


def test_field_errors(creator):
    creator.post(url("collections"), {"slug": "faq", "name": "FAQ"}, format="json")
    again = creator.post(url("collections"), {"slug": "faq", "name": "FAQ"}, format="json")
    assert again.status_code == 409
    pdf_as_text = creator.post(
        url("documents", collection_slug="faq"),
        {"title": "x", "media_type": "pdf", "text": "%PDF"},
        format="json",
    )
    assert pdf_as_text.status_code == 400 and "text" in pdf_as_text.json()["error"]["fields"]
    nothing = creator.post(
        url("documents", collection_slug="faq"), {"title": "x", "media_type": "text"}, format="json"
    )
    assert nothing.status_code == 400


def test_only_the_tenants_own_collections_attach(personas, client_for):
    from core.knowledge.services import create_collection

    create_collection(tenant=personas.tenant, actor=None, slug="mine", name="Mine")
    create_collection(tenant=personas.outsider_tenant, actor=None, slug="theirs", name="Theirs")
    api = make_api(personas.tenant, personas.creator, name="Grounded")
    creator = client_for(personas.creator)
    api_url = reverse("api:api", kwargs={"tenant_slug": "acme", "api_id": api.pk})

    def attach(slug: str, **more):
        settings = {"knowledge": {"collections": [slug], **more}}
        return creator.patch(api_url, {"gateway_settings": settings}, format="json")

    assert attach("theirs").json()["error"]["fields"]["knowledge"] == [
        "Unknown collection 'theirs'."
    ]
    assert (
        "strategy" in attach("mine", strategy="psychic").json()["error"]["fields"]["knowledge"][0]
    )
    response = attach("mine", strategy="rewrite", top_k=3)
    assert response.status_code == 200, response.content
    assert response.json()["gateway_settings"]["knowledge"]["strategy"] == "rewrite"


def test_a_lost_index_is_republished_by_the_registry_rebuild(personas, creator):
    from core.registry.publisher import rebuild

    creator.post(url("collections"), {"slug": "lost", "name": "Lost"}, format="json")
    document = upload(creator, "lost", title="Refunds", media_type="text", text=REFUNDS)
    ingest_document(document["id"])
    store = get_store()
    store.delete(KNOWLEDGE, f"{personas.tenant.pk}:lost", store.next_version())
    assert published_index(personas.tenant.pk, "lost") is None

    rebuild()

    assert [p.title for p in published_index(personas.tenant.pk, "lost").passages] == ["Refunds"]
