"""Publisher REST API: AI APIs, their production and sandbox endpoints, and the lifecycle."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from core import selectors
from core.api.base import TenantView, parse
from core.api.schema import example
from core.errors import NotFound
from core.models import AiApi, EndpointKind
from core.services import apis as api_services
from core.services.apis import UNCHANGED
from core.services.lifecycle import change_lifecycle
from core.services.versions import create_new_version, versions_of
from publisher.api.serializers import (
    LIFECYCLE_MOVE,
    ApiCreateInput,
    ApiSerializer,
    ApiUpdateInput,
    EndpointInput,
    EndpointSerializer,
    LifecycleInput,
    LifecycleSerializer,
    NewVersionInput,
)


class ApiListView(TenantView, generics.ListAPIView):
    serializer_class = ApiSerializer
    permission_map = {"GET": "api.view", "POST": "api.create"}

    def get_queryset(self):
        return AiApi.objects.none() if self.schema_only else selectors.apis(self.tenant)

    @extend_schema(
        request=ApiCreateInput,
        responses={201: ApiSerializer},
        examples=[
            example(
                "An OpenAI API",
                {"name": "OpenAI", "context": "{version}/openaiapi", "version": "2.3.0",
                 "vendor": "openai", "tags": ["chat"]},
            )
        ],
    )  # fmt: skip
    def post(self, request, tenant_slug: str):
        data = parse(ApiCreateInput, request)
        vendor_version = selectors.vendor_version_by_slug(
            self.tenant, data.pop("vendor"), data.pop("vendor_version", "")
        )
        api = api_services.create_api(
            tenant=self.tenant, actor=request.user, vendor_version=vendor_version, **data
        )
        api = selectors.api(self.tenant, api.pk)
        return Response(ApiSerializer(api).data, status=status.HTTP_201_CREATED)


class ApiDetailView(TenantView):
    serializer_class = ApiSerializer
    permission_map = {"GET": "api.view", "PATCH": "api.update", "DELETE": "api.delete"}

    def get(self, request, tenant_slug: str, api_id: int):
        return Response(ApiSerializer(selectors.api(self.tenant, api_id)).data)

    @extend_schema(request=ApiUpdateInput, responses=ApiSerializer)
    def patch(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        changes = parse(ApiUpdateInput, request, partial=True, tenant=self.tenant)
        api_services.update_api(api=api, actor=request.user, **changes)
        return Response(ApiSerializer(selectors.api(self.tenant, api_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, api_id: int):
        api_services.delete_api(api=selectors.api(self.tenant, api_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointListView(TenantView):
    serializer_class = EndpointSerializer
    pagination_class = None  # a short list: a plain array
    permission_map = {"GET": "api.view"}

    @extend_schema(responses=EndpointSerializer(many=True))
    def get(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        return Response(EndpointSerializer(selectors.endpoints(api), many=True).data)


class EndpointDetailView(TenantView):
    """One endpoint (`production` or `sandbox`). PATCH creates it when missing; the provider
    key is write-only (`api_key`), removed with `clear_api_key`."""

    serializer_class = EndpointSerializer
    permission_map = {"GET": "api.view", "PATCH": "api.update", "DELETE": "api.update"}

    def _kind(self, kind: str) -> str:
        if kind not in EndpointKind.values:
            raise NotFound("Endpoint kinds are production and sandbox.")
        return kind

    def get(self, request, tenant_slug: str, api_id: int, kind: str):
        api = selectors.api(self.tenant, api_id)
        endpoint = selectors.endpoints(api).filter(kind=self._kind(kind)).first()
        if endpoint is None:
            raise NotFound(f"{api.name} has no {kind} endpoint.")
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(
        request=EndpointInput,
        responses=EndpointSerializer,
        examples=[example("Set the provider key", {"api_key": "sk-..."})],
    )
    def patch(self, request, tenant_slug: str, api_id: int, kind: str):
        api = selectors.api(self.tenant, api_id)
        data = parse(EndpointInput, request)
        credential = data.get("api_key", None if data.get("clear_api_key") else UNCHANGED)
        endpoint = api_services.set_endpoint(
            api=api,
            kind=self._kind(kind),
            actor=request.user,
            credential=credential,
            url=data.get("url", UNCHANGED),
            settings=data.get("settings", UNCHANGED),
        )
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, api_id: int, kind: str):
        api = selectors.api(self.tenant, api_id)
        api_services.set_endpoint(api=api, kind=self._kind(kind), actor=request.user, url=None)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LifecycleView(TenantView):
    """The lifecycle state, the transitions allowed from it, and its history. POST moves it;
    a transition the state machine does not allow answers 409."""

    serializer_class = LifecycleSerializer
    permission_map = {"GET": "api.view", "POST": "api.lifecycle"}

    def get(self, request, tenant_slug: str, api_id: int):
        return Response(LifecycleSerializer(selectors.api(self.tenant, api_id)).data)

    @extend_schema(
        request=LIFECYCLE_MOVE,
        responses=LifecycleSerializer,
        examples=[
            example("Publish", {"state": "PUBLISHED"}),
            example("Block, by its action name", {"action": "Block", "note": "abuse"}),
        ],
    )
    def post(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        change_lifecycle(api=api, actor=request.user, **parse(LifecycleInput, request))
        return Response(LifecycleSerializer(api).data)


class VersionListView(TenantView):
    """The versions of an API (same name and context). POST creates a new version from this
    one (WSO2's Create New Version): settings and endpoints copied, provider keys not."""

    serializer_class = ApiSerializer
    pagination_class = None  # a short list: a plain array
    permission_map = {"GET": "api.view", "POST": "api.create"}

    @extend_schema(responses=ApiSerializer(many=True))
    def get(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        return Response(ApiSerializer(versions_of(api), many=True).data)

    @extend_schema(
        request=NewVersionInput,
        responses={201: ApiSerializer},
        examples=[
            example("Version 2.0.0, the default", {"version": "2.0.0", "make_default": True})
        ],
    )
    def post(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        copy = create_new_version(api=api, actor=request.user, **parse(NewVersionInput, request))
        body = ApiSerializer(selectors.api(self.tenant, copy.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)
