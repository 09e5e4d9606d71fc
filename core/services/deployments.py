"""Revisions (frozen configurations) and their deployment to gateway environments."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from core.errors import Conflict, InvalidInput
from core.models import AiApi, Deployment, GatewayEnvironment, Revision
from core.registry.compiler import freeze_config
from core.registry.triggers import republish_deployment, unpublish_deployment
from core.services.audit import record

MAX_REVISIONS = 20


@transaction.atomic
def create_revision(*, api: AiApi, actor, description: str = "") -> Revision:
    api = AiApi.objects.select_for_update().get(pk=api.pk)
    if api.revisions.count() >= MAX_REVISIONS:
        raise Conflict(f"An API keeps at most {MAX_REVISIONS} revisions; delete an old one first.")
    number = (api.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = Revision.objects.create(
        api=api,
        number=number,
        description=description,
        config=freeze_config(api),
        created_by=actor,
    )
    record(
        tenant=api.tenant,
        actor=actor,
        action="revision.create",
        obj=revision,
        changes={"api": api.pk, "number": number},
    )
    return revision


@transaction.atomic
def deploy_revision(*, revision: Revision, environment: GatewayEnvironment, actor) -> Deployment:
    api = revision.api
    if environment.tenant_id != api.tenant_id:
        raise InvalidInput("Unknown gateway environment.", fields={"environment": ["Not found."]})
    deployment, _ = Deployment.objects.update_or_create(
        api=api,
        environment=environment,
        defaults={"revision": revision, "deployed_by": actor},
    )
    record(
        tenant=api.tenant,
        actor=actor,
        action="deployment.deploy",
        obj=deployment,
        changes={"revision": revision.number, "environment": environment.slug},
    )
    republish_deployment(deployment.pk)
    return deployment


@transaction.atomic
def undeploy(*, deployment: Deployment, actor) -> None:
    api = deployment.api
    record(
        tenant=api.tenant,
        actor=actor,
        action="deployment.undeploy",
        obj=deployment,
        changes={
            "revision": deployment.revision.number,
            "environment": deployment.environment.slug,
        },
    )
    unpublish_deployment(deployment)
    deployment.delete()


@transaction.atomic
def delete_revision(*, revision: Revision, actor) -> None:
    if revision.deployments.exists():
        raise Conflict("This revision is deployed; undeploy it first.")
    record(
        tenant=revision.api.tenant,
        actor=actor,
        action="revision.delete",
        obj=revision,
        changes={"number": revision.number},
    )
    revision.delete()
