"""Publisher REST API: revisions, their deployment to gateway environments, and the
subscriptions to an API (block and unblock)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from core import selectors
from core.api.base import TenantView, parse
from core.api.schema import example
from core.api.serializers import SubscriptionSerializer
from core.models import Subscription
from core.services import access as access_services
from core.services import deployments as deployment_services
from publisher.api.serializers import (
    DeployInput,
    DeploymentSerializer,
    RevisionInput,
    RevisionSerializer,
    SubscriptionStatusInput,
)


class RevisionListView(TenantView):
    serializer_class = RevisionSerializer
    pagination_class = None  # a short list: a plain array
    permission_map = {"GET": "api.view", "POST": "api.revision"}

    @extend_schema(responses=RevisionSerializer(many=True))
    def get(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        return Response(RevisionSerializer(selectors.revisions(api), many=True).data)

    @extend_schema(request=RevisionInput, responses={201: RevisionSerializer})
    def post(self, request, tenant_slug: str, api_id: int):
        revision = deployment_services.create_revision(
            api=selectors.api(self.tenant, api_id),
            actor=request.user,
            **parse(RevisionInput, request),
        )
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)


class RevisionDetailView(TenantView):
    serializer_class = RevisionSerializer
    permission_map = {"GET": "api.view", "DELETE": "api.revision"}

    def get(self, request, tenant_slug: str, api_id: int, number: int):
        api = selectors.api(self.tenant, api_id)
        return Response(RevisionSerializer(selectors.revision(api, number)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, api_id: int, number: int):
        revision = selectors.revision(selectors.api(self.tenant, api_id), number)
        deployment_services.delete_revision(revision=revision, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeploymentListView(TenantView):
    """Deployed revisions per environment. POST deploys a revision (replacing the one live in
    that environment); rolling back is deploying an earlier revision."""

    serializer_class = DeploymentSerializer
    pagination_class = None  # a short list: a plain array
    permission_map = {"GET": "api.view", "POST": "api.deploy"}

    @extend_schema(responses=DeploymentSerializer(many=True))
    def get(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        return Response(DeploymentSerializer(selectors.deployments(api), many=True).data)

    @extend_schema(
        request=DeployInput,
        responses={201: DeploymentSerializer},
        examples=[example("Deploy revision 1 to the default gateway", {"revision": 1})],
    )
    def post(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        data = parse(DeployInput, request)
        environment = (
            selectors.environment(self.tenant, data["environment"])
            if "environment" in data
            else selectors.environments(self.tenant).get(is_default=True)
        )
        deployment = deployment_services.deploy_revision(
            revision=selectors.revision(api, data["revision"]),
            environment=environment,
            actor=request.user,
        )
        return Response(DeploymentSerializer(deployment).data, status=status.HTTP_201_CREATED)


class DeploymentDetailView(TenantView):
    serializer_class = DeploymentSerializer
    permission_map = {"GET": "api.view", "DELETE": "api.deploy"}

    def get(self, request, tenant_slug: str, api_id: int, environment: str):
        api = selectors.api(self.tenant, api_id)
        return Response(DeploymentSerializer(selectors.deployment(api, environment)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, api_id: int, environment: str):
        deployment = selectors.deployment(selectors.api(self.tenant, api_id), environment)
        deployment_services.undeploy(deployment=deployment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiSubscriptionListView(TenantView, generics.ListAPIView):
    serializer_class = SubscriptionSerializer
    permission_map = {"GET": "api.subscriptions"}

    def get_queryset(self):
        if self.schema_only:
            return Subscription.objects.none()
        return selectors.api_subscriptions(selectors.api(self.tenant, self.kwargs["api_id"]))


class ApiSubscriptionDetailView(TenantView):
    """One subscription to the API; PATCH its status to block or unblock it."""

    serializer_class = SubscriptionSerializer
    permission_map = {"GET": "api.subscriptions", "PATCH": "api.subscriptions"}

    def get(self, request, tenant_slug: str, api_id: int, subscription_id: int):
        api = selectors.api(self.tenant, api_id)
        return Response(
            SubscriptionSerializer(selectors.api_subscription(api, subscription_id)).data
        )

    @extend_schema(request=SubscriptionStatusInput, responses=SubscriptionSerializer)
    def patch(self, request, tenant_slug: str, api_id: int, subscription_id: int):
        sub = selectors.api_subscription(selectors.api(self.tenant, api_id), subscription_id)
        sub = access_services.change_subscription(
            sub=sub, actor=request.user, **parse(SubscriptionStatusInput, request)
        )
        return Response(SubscriptionSerializer(sub).data)
