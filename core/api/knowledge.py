"""Knowledge collections over REST: collections, their documents (uploaded as text or base64,
processed by the worker), and a search that shows the scores retrieval would see."""

from __future__ import annotations

import base64
import binascii

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from core.api.base import StrictSerializer, TenantView, parse
from core.api.schema import example
from core.errors import InvalidInput
from core.knowledge import selectors
from core.knowledge import services as knowledge
from core.knowledge.extract import MEDIA_TYPES
from core.knowledge.search import search_collection
from core.models import Collection, Document, DocumentStatus

VIEW, MANAGE = "knowledge.view", "knowledge.manage"


class CollectionSerializer(serializers.ModelSerializer):
    document_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Collection
        fields = [
            "slug", "name", "description", "embedder", "chunk_size", "chunk_overlap",
            "document_count", "created_at", "updated_at",
        ]  # fmt: skip


class CollectionInput(StrictSerializer):
    slug = serializers.RegexField(r"^[a-z0-9][a-z0-9-]{0,62}$", max_length=63)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CollectionUpdateInput(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DocumentSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(DocumentStatus.choices, read_only=True)
    media_type = serializers.ChoiceField(MEDIA_TYPES, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id", "title", "filename", "media_type", "status", "progress", "chunk_count",
            "error", "created_at", "updated_at",
        ]  # fmt: skip


class DocumentInput(StrictSerializer):
    title = serializers.CharField(max_length=300)
    media_type = serializers.ChoiceField(MEDIA_TYPES)
    text = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The document as text (not for pdf)."
    )
    content_base64 = serializers.CharField(
        required=False, help_text="The document's bytes in base64 (any type; pdf needs it)."
    )


class DocumentUpdateInput(StrictSerializer):
    title = serializers.CharField(max_length=300, required=False)
    text = serializers.CharField(required=False, trim_whitespace=False)
    content_base64 = serializers.CharField(required=False)


class SearchInput(StrictSerializer):
    query = serializers.CharField(max_length=4000)
    top_k = serializers.IntegerField(min_value=1, max_value=20, required=False)


class HitSerializer(serializers.Serializer):
    document_id = serializers.IntegerField()
    title = serializers.CharField()
    chunk = serializers.IntegerField()
    text = serializers.CharField()
    score = serializers.FloatField()


class SearchSerializer(serializers.Serializer):
    hits = HitSerializer(many=True)


def _content(data: dict, media_type: str) -> bytes | None:
    text, encoded = data.get("text"), data.get("content_base64")
    if text is not None and encoded is not None:
        raise InvalidInput("Invalid document.", fields={"text": ["Send text or content_base64."]})
    if encoded is not None:
        try:
            return base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(
                "Invalid document.", fields={"content_base64": ["Not base64."]}
            ) from None
    if text is not None:
        if media_type == "pdf":
            raise InvalidInput("Invalid document.", fields={"text": ["Send a PDF in base64."]})
        return text.encode()
    return None


class CollectionListView(TenantView, generics.ListAPIView):
    serializer_class = CollectionSerializer
    permission_map = {"GET": VIEW, "POST": MANAGE}

    def get_queryset(self):
        return Collection.objects.none() if self.schema_only else selectors.collections(self.tenant)

    @extend_schema(
        request=CollectionInput,
        responses={201: CollectionSerializer},
        examples=[example("A handbook", {"slug": "handbook", "name": "Employee handbook"})],
    )
    def post(self, request, tenant_slug: str):
        data = parse(CollectionInput, request)
        created = knowledge.create_collection(tenant=self.tenant, actor=request.user, **data)
        collection = selectors.collection(self.tenant, created.slug)
        return Response(CollectionSerializer(collection).data, status=status.HTTP_201_CREATED)


class CollectionDetailView(TenantView):
    serializer_class = CollectionSerializer
    permission_map = {"GET": VIEW, "PATCH": MANAGE, "DELETE": MANAGE}

    def get(self, request, tenant_slug: str, collection_slug: str):
        collection = selectors.collection(self.tenant, collection_slug)
        return Response(CollectionSerializer(collection).data)

    @extend_schema(request=CollectionUpdateInput, responses=CollectionSerializer)
    def patch(self, request, tenant_slug: str, collection_slug: str):
        collection = selectors.collection(self.tenant, collection_slug)
        data = parse(CollectionUpdateInput, request, partial=True)
        knowledge.update_collection(
            collection=collection,
            actor=request.user,
            name=data.get("name", collection.name),
            description=data.get("description", collection.description),
        )
        return Response(
            CollectionSerializer(selectors.collection(self.tenant, collection_slug)).data
        )

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, collection_slug: str):
        collection = selectors.collection(self.tenant, collection_slug)
        knowledge.delete_collection(collection=collection, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentListView(TenantView, generics.ListAPIView):
    serializer_class = DocumentSerializer
    permission_map = {"GET": VIEW, "POST": MANAGE}

    def get_queryset(self):
        if self.schema_only:
            return Document.objects.none()
        return selectors.documents(
            selectors.collection(self.tenant, self.kwargs["collection_slug"])
        )

    @extend_schema(
        request=DocumentInput,
        responses={201: DocumentSerializer},
        examples=[
            example(
                "A Markdown page",
                {"title": "Refunds", "media_type": "markdown",
                 "text": "# Refunds\n\nAnnual plans are refunded within 30 days."},
            )
        ],
    )  # fmt: skip
    def post(self, request, tenant_slug: str, collection_slug: str):
        collection = selectors.collection(self.tenant, collection_slug)
        data = parse(DocumentInput, request)
        source = _content(data, data["media_type"])
        if source is None:
            raise InvalidInput(
                "Invalid document.", fields={"text": ["Send text or content_base64."]}
            )
        document = knowledge.add_document(
            collection=collection,
            actor=request.user,
            source=source,
            title=data["title"],
            media_type=data["media_type"],
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetailView(TenantView):
    serializer_class = DocumentSerializer
    permission_map = {"GET": VIEW, "PATCH": MANAGE, "DELETE": MANAGE}

    def _document(self, collection_slug: str, document_id: int) -> Document:
        return selectors.document(selectors.collection(self.tenant, collection_slug), document_id)

    def get(self, request, tenant_slug: str, collection_slug: str, document_id: int):
        return Response(DocumentSerializer(self._document(collection_slug, document_id)).data)

    @extend_schema(request=DocumentUpdateInput, responses=DocumentSerializer)
    def patch(self, request, tenant_slug: str, collection_slug: str, document_id: int):
        document = self._document(collection_slug, document_id)
        data = parse(DocumentUpdateInput, request, partial=True)
        knowledge.update_document(
            document=document,
            actor=request.user,
            title=data.get("title"),
            source=_content(data, document.media_type),
        )
        return Response(DocumentSerializer(self._document(collection_slug, document_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, collection_slug: str, document_id: int):
        document = self._document(collection_slug, document_id)
        knowledge.delete_document(document=document, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SearchView(TenantView):
    serializer_class = SearchSerializer
    permission_map = {"POST": VIEW}

    @extend_schema(request=SearchInput, responses=SearchSerializer)
    def post(self, request, tenant_slug: str, collection_slug: str):
        collection = selectors.collection(self.tenant, collection_slug)
        data = parse(SearchInput, request)
        hits = search_collection(collection, data["query"], data.get("top_k", 5))
        rows = [
            {
                "document_id": hit.passage.document_id,
                "title": hit.passage.title,
                "chunk": hit.passage.ordinal,
                "text": hit.passage.text,
                "score": round(hit.score, 4),
            }
            for hit in hits
        ]
        return Response({"hits": rows})
