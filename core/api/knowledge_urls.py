"""Knowledge routes, mounted under /api/v1/tenants/{tenant_slug}/knowledge/."""

from django.urls import path

import core.api.converters  # noqa: F401  (registers the id converter)
from core.api import knowledge

COLLECTION = "collections/<slug:collection_slug>/"

urlpatterns = [
    path("collections/", knowledge.CollectionListView.as_view(), name="collections"),
    path(COLLECTION, knowledge.CollectionDetailView.as_view(), name="collection"),
    path(COLLECTION + "documents/", knowledge.DocumentListView.as_view(), name="documents"),
    path(
        COLLECTION + "documents/<id:document_id>/",
        knowledge.DocumentDetailView.as_view(),
        name="document",
    ),
    path(COLLECTION + "search/", knowledge.SearchView.as_view(), name="collection-search"),
]
