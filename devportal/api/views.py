"""Developer REST API: the catalog, the caller's applications, their keys and subscriptions.
Applications belong to the caller: another developer's application answers 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from core import selectors
from core.api.base import TenantView, parse
from core.api.schema import example
from core.api.serializers import SubscriptionSerializer
from core.errors import InvalidInput, NotFound
from core.models import AiApi, Application, Subscription
from core.services import access as access_services
from devportal.api.serializers import (
    ApplicationInput,
    ApplicationSerializer,
    CatalogApiSerializer,
    KeyInput,
    KeySerializer,
    NewKeySerializer,
    SubscribeInput,
    SubscriptionChangeInput,
)

T = TypeVar("T")
DEVELOPER = "devportal.use"


def referenced(field: str, lookup: Callable[[], T]) -> T:
    """Resolve an id from the request body; an unknown one is a field error, not a 404."""
    try:
        return lookup()
    except NotFound as exc:
        raise InvalidInput("Invalid input.", fields={field: [exc.message]}) from None


class CatalogListView(TenantView, generics.ListAPIView):
    """APIs developers can discover: published, prototyped and deprecated ones."""

    serializer_class = CatalogApiSerializer
    permission_map = {"GET": "catalog.view"}

    def get_queryset(self):
        return AiApi.objects.none() if self.schema_only else selectors.catalog(self.tenant)


class CatalogDetailView(TenantView):
    serializer_class = CatalogApiSerializer
    permission_map = {"GET": "catalog.view"}

    def get(self, request, tenant_slug: str, api_id: int):
        return Response(CatalogApiSerializer(selectors.catalog_api(self.tenant, api_id)).data)


class ApplicationListView(TenantView, generics.ListAPIView):
    serializer_class = ApplicationSerializer
    permission_map = {"GET": DEVELOPER, "POST": DEVELOPER}

    def get_queryset(self):
        if self.schema_only:
            return Application.objects.none()
        return selectors.applications(self.tenant, self.request.user)

    @extend_schema(
        request=ApplicationInput,
        responses={201: ApplicationSerializer},
        examples=[example("A chatbot", {"name": "bot", "description": "Support chatbot"})],
    )
    def post(self, request, tenant_slug: str):
        app = access_services.create_application(
            tenant=self.tenant, owner=request.user, **parse(ApplicationInput, request)
        )
        return Response(ApplicationSerializer(app).data, status=status.HTTP_201_CREATED)


class ApplicationDetailView(TenantView):
    serializer_class = ApplicationSerializer
    permission_map = {"GET": DEVELOPER, "PATCH": DEVELOPER, "DELETE": DEVELOPER}

    def _app(self, app_id: int) -> Application:
        return selectors.application(self.tenant, self.request.user, app_id)

    def get(self, request, tenant_slug: str, app_id: int):
        return Response(ApplicationSerializer(self._app(app_id)).data)

    @extend_schema(request=ApplicationInput, responses=ApplicationSerializer)
    def patch(self, request, tenant_slug: str, app_id: int):
        app = access_services.update_application(
            app=self._app(app_id),
            actor=request.user,
            **parse(ApplicationInput, request, partial=True),
        )
        return Response(ApplicationSerializer(self._app(app.pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, app_id: int):
        access_services.delete_application(app=self._app(app_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class KeyListView(TenantView):
    """An application's keys, listed by prefix. POST generates one: its plaintext is in that
    response only; Tollgate keeps just an HMAC of it."""

    serializer_class = KeySerializer
    pagination_class = None  # a short list: a plain array
    permission_map = {"GET": DEVELOPER, "POST": DEVELOPER}

    @extend_schema(responses=KeySerializer(many=True))
    def get(self, request, tenant_slug: str, app_id: int):
        app = selectors.application(self.tenant, request.user, app_id)
        return Response(KeySerializer(selectors.keys(app), many=True).data)

    @extend_schema(
        request=KeyInput,
        responses={201: NewKeySerializer},
        examples=[example("A production key", {"key_type": "production", "name": "ci"})],
    )
    def post(self, request, tenant_slug: str, app_id: int):
        key, plaintext = access_services.generate_key(
            app=selectors.application(self.tenant, request.user, app_id),
            actor=request.user,
            **parse(KeyInput, request),
        )
        body = NewKeySerializer(key, context={"plaintext": plaintext}).data
        return Response(body, status=status.HTTP_201_CREATED)


class KeyDetailView(TenantView):
    serializer_class = KeySerializer
    permission_map = {"GET": DEVELOPER, "DELETE": DEVELOPER}

    def get(self, request, tenant_slug: str, app_id: int, key_id: int):
        app = selectors.application(self.tenant, request.user, app_id)
        return Response(KeySerializer(selectors.key(app, key_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, app_id: int, key_id: int):
        """Revoke the key; the gateway refuses it from then on."""
        app = selectors.application(self.tenant, request.user, app_id)
        access_services.revoke_key(key=selectors.key(app, key_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class KeyRegenerateView(TenantView):
    """Revoke a key and issue a new one of the same type; the new plaintext is shown once."""

    serializer_class = NewKeySerializer
    permission_map = {"POST": DEVELOPER}

    @extend_schema(request=None, responses={201: NewKeySerializer})
    def post(self, request, tenant_slug: str, app_id: int, key_id: int):
        app = selectors.application(self.tenant, request.user, app_id)
        key, plaintext = access_services.regenerate_key(
            key=selectors.key(app, key_id), actor=request.user
        )
        body = NewKeySerializer(key, context={"plaintext": plaintext}).data
        return Response(body, status=status.HTTP_201_CREATED)


class SubscriptionListView(TenantView, generics.ListAPIView):
    """Subscriptions of the caller's applications."""

    serializer_class = SubscriptionSerializer
    permission_map = {"GET": DEVELOPER, "POST": DEVELOPER}

    def get_queryset(self):
        if self.schema_only:
            return Subscription.objects.none()
        return selectors.subscriptions(self.tenant, self.request.user)

    @extend_schema(
        request=SubscribeInput,
        responses={201: SubscriptionSerializer},
        examples=[example("Subscribe", {"application": 1, "api": 1, "plan": 2})],
    )
    def post(self, request, tenant_slug: str):
        data = parse(SubscribeInput, request)
        tenant, user = self.tenant, request.user
        sub = access_services.subscribe(
            app=referenced(
                "application", lambda: selectors.application(tenant, user, data["application"])
            ),
            api=referenced("api", lambda: selectors.catalog_api(tenant, data["api"])),
            plan=referenced("plan", lambda: selectors.plan(tenant, data["plan"])),
            actor=user,
        )
        return Response(SubscriptionSerializer(sub).data, status=status.HTTP_201_CREATED)


class SubscriptionDetailView(TenantView):
    serializer_class = SubscriptionSerializer
    permission_map = {"GET": DEVELOPER, "PATCH": DEVELOPER, "DELETE": DEVELOPER}

    def _sub(self, subscription_id: int) -> Subscription:
        return selectors.subscription(self.tenant, self.request.user, subscription_id)

    def get(self, request, tenant_slug: str, subscription_id: int):
        return Response(SubscriptionSerializer(self._sub(subscription_id)).data)

    @extend_schema(request=SubscriptionChangeInput, responses=SubscriptionSerializer)
    def patch(self, request, tenant_slug: str, subscription_id: int):
        """Move the subscription to another plan the API offers."""
        sub = self._sub(subscription_id)
        data = parse(SubscriptionChangeInput, request)
        plan = referenced("plan", lambda: selectors.plan(self.tenant, data["plan"]))
        sub = access_services.change_subscription(sub=sub, actor=request.user, plan=plan)
        return Response(SubscriptionSerializer(sub).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, subscription_id: int):
        access_services.unsubscribe(sub=self._sub(subscription_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
