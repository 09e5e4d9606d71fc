"""Knowledge › collections: create, upload documents (the worker processes them while a bar
shows progress), search with scores, delete, and attach a collection to an API's gateway."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from core.errors import NotFound, TollgateError
from core.knowledge import selectors
from core.knowledge import services as knowledge
from core.knowledge.search import search_collection
from core.models import Collection, DocumentStatus
from core.permissions import can
from core.web.forms import apply_errors
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.knowledge_forms import AttachForm, CollectionForm, SearchForm, UploadForm
from publisher.views.common import forbidden, portal_view, status_of

MANAGE = "knowledge.manage"
BUSY = (DocumentStatus.PENDING, DocumentStatus.PROCESSING)


def _collection(request: MemberRequest, slug: str) -> Collection:
    try:
        return selectors.collection(request.tenant, slug)
    except NotFound:
        raise Http404("No such collection.") from None


@portal_view("knowledge.view")
def collection_list(request: MemberRequest) -> HttpResponse:
    form = CollectionForm(request.POST or None)
    if request.method == "POST":
        if not can(request.membership, MANAGE):
            return forbidden(request, MANAGE)
        if form.is_valid():
            try:
                created = knowledge.create_collection(
                    tenant=request.tenant, actor=request.user, **form.cleaned_data
                )
            except TollgateError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Created the collection {created.name}.")
                return redirect("publisher:collection", slug=created.slug)
    context = {
        "section": "knowledge",
        "collections": selectors.collections(request.tenant),
        "form": form,
    }
    return render_page(request, "publisher/knowledge_list.html", context, status=status_of(form))


@portal_view("knowledge.view")
def collection_detail(request: MemberRequest, slug: str) -> HttpResponse:
    collection = _collection(request, slug)
    upload = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can(request.membership, MANAGE):
            return forbidden(request, MANAGE)
        if upload.is_valid() and _upload(request, collection, upload):
            return redirect("publisher:collection", slug=collection.slug)
    return _page(request, collection, upload=upload)


def _upload(request: MemberRequest, collection: Collection, form: UploadForm) -> bool:
    file = form.cleaned_data["file"]
    try:
        knowledge.add_document(
            collection=collection,
            actor=request.user,
            source=file.read(),
            filename=file.name,
            title=form.cleaned_data["title"],
            media_type=form.cleaned_data["media_type"],
        )
    except TollgateError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, f"Uploaded {file.name}; it is being processed.")
    return True


def _page(
    request: MemberRequest,
    collection: Collection,
    *,
    upload: UploadForm | None = None,
    attach: AttachForm | None = None,
    partial: str | None = None,
) -> HttpResponse:
    documents = list(selectors.documents(collection))
    context = {
        "section": "knowledge",
        "collection": collection,
        "documents": documents,
        "busy": any(d.status in BUSY for d in documents),
        "upload": upload or UploadForm(),
        "search": SearchForm(),
        "attach": attach or AttachForm(tenant=request.tenant),
        "attached_to": _attached_to(request, collection),
        "can_manage": can(request.membership, MANAGE),
    }
    status = status_of(upload, attach)
    return render_page(
        request, "publisher/knowledge_detail.html", context, partial=partial, status=status
    )


def _attached_to(request: MemberRequest, collection: Collection) -> list:
    return [
        api
        for api in request.tenant.apis.order_by("name")
        if collection.slug
        in ((api.gateway_settings or {}).get("knowledge") or {}).get("collections", [])
    ]


@portal_view("knowledge.view")
def documents(request: MemberRequest, slug: str) -> HttpResponse:
    """The documents table alone: what the progress bars poll."""
    return _page(request, _collection(request, slug), partial="documents")


@portal_view(MANAGE)
def document_delete(request: MemberRequest, slug: str, document_id: int) -> HttpResponse:
    collection = _collection(request, slug)
    if request.method == "POST":
        try:
            document = selectors.document(collection, document_id)
        except NotFound:
            raise Http404("No such document.") from None
        knowledge.delete_document(document=document, actor=request.user)
        messages.success(request, f"Deleted {document.title}.")
    return redirect("publisher:collection", slug=collection.slug)


@portal_view(MANAGE)
def collection_delete(request: MemberRequest, slug: str) -> HttpResponse:
    collection = _collection(request, slug)
    if request.method == "POST":
        knowledge.delete_collection(collection=collection, actor=request.user)
        messages.success(request, f"Deleted the collection {collection.name}.")
        return redirect("publisher:collections")
    return redirect("publisher:collection", slug=collection.slug)


@portal_view("knowledge.view")
def search(request: MemberRequest, slug: str) -> HttpResponse:
    collection = _collection(request, slug)
    form = SearchForm(request.GET or None)
    hits = search_collection(collection, form.cleaned_data["query"]) if form.is_valid() else []
    context = {"collection": collection, "search": form, "hits": hits, "searched": form.is_valid()}
    return render_page(request, "publisher/knowledge_search.html", context, partial="results")


@portal_view("api.update")
def attach(request: MemberRequest, slug: str) -> HttpResponse:
    collection = _collection(request, slug)
    form = AttachForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        api = form.cleaned_data["api"]
        try:
            knowledge.attach_collections(
                api=api, actor=request.user, knowledge=form.knowledge(collection.slug)
            )
        except TollgateError as exc:
            apply_errors(form, exc, rename={"knowledge": "template"})
        else:
            messages.success(
                request, f"Attached to {api.name}. Create and deploy a revision to use it."
            )
            return redirect("publisher:collection", slug=collection.slug)
    return _page(request, collection, attach=form)
