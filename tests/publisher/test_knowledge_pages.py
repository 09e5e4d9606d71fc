"""The knowledge pages without a browser: upload errors as field errors, the documents
partial that the progress bars poll, attaching, and the Gateway page keeping the attachment."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.knowledge.services import create_collection
from core.models import Document
from tests.publisher.test_gateway_settings import gateway_url, settings_form


def test_upload_attach_and_keep_the_attachment(client_as, acme_api, personas):
    create_collection(tenant=personas.tenant, actor=None, slug="faq", name="FAQ")
    client = client_as("creator")
    page = reverse("publisher:collection", args=["faq"])

    refused = client.post(page, {"file": SimpleUploadedFile("deck.pptx", b"x")})
    assert refused.status_code == 400 and "Unknown file type" in refused.content.decode()
    upload = {"file": SimpleUploadedFile("faq.md", b"# FAQ\n\nRefunds within 30 days.")}
    assert client.post(page, upload).status_code == 302
    assert Document.objects.get(collection__slug="faq").title == "faq.md"
    rows = client.get(
        reverse("publisher:collection-documents", args=["faq"]), HTTP_HX_REQUEST="true"
    )
    assert "faq.md" in rows.content.decode() and "<html" not in rows.content.decode()

    attach = {"api": acme_api.pk, "strategy": "conversation", "top_k": 3, "min_score": 0.1,
              "template": "Sources:\n{sources}"}  # fmt: skip
    assert (
        client.post(reverse("publisher:collection-attach", args=["faq"]), attach).status_code == 302
    )
    acme_api.refresh_from_db()
    assert acme_api.gateway_settings["knowledge"]["strategy"] == "conversation"

    assert client.post(gateway_url(acme_api), settings_form()).status_code == 302
    acme_api.refresh_from_db()
    assert acme_api.gateway_settings["knowledge"]["collections"] == ["faq"]


def test_another_tenants_collection_is_not_found(client_as, personas):
    create_collection(tenant=personas.outsider_tenant, actor=None, slug="theirs", name="Theirs")
    response = client_as("creator").get(reverse("publisher:collection", args=["theirs"]))
    assert response.status_code == 404
