"""Deploy: create revisions, deploy them to gateway environments, undeploy, roll back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from core.errors import TollgateError
from core.models import AiApi, Deployment, GatewayEnvironment, Revision
from core.permissions import can
from core.registry.compiler import freeze_config
from core.services import deployments as deploy_services
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.forms import DeployForm, RevisionForm
from publisher.views.common import api_view, finish, forbidden

TEMPLATE = "publisher/api_deploy.html"


@dataclass
class RevisionRow:
    revision: Revision
    live_in: list[GatewayEnvironment] = field(default_factory=list)
    is_latest: bool = False


def _revision(api: AiApi, request: MemberRequest) -> Revision:
    return get_object_or_404(api.revisions, pk=request.POST.get("revision", "").strip() or 0)


def _create(request: MemberRequest, api: AiApi) -> str:
    form = RevisionForm(request.POST)
    if not form.is_valid():
        raise TollgateError("The description is too long (300 characters at most).")
    revision = deploy_services.create_revision(
        api=api, actor=request.user, description=form.cleaned_data["description"]
    )
    return f"Created revision {revision.number}."


def _deploy(request: MemberRequest, api: AiApi) -> str:
    revision = _revision(api, request)
    form = DeployForm(request.POST, tenant=request.tenant)
    if not form.is_valid():
        raise TollgateError("Choose a gateway environment.")
    environment = form.cleaned_data["environment"]
    deploy_services.deploy_revision(revision=revision, environment=environment, actor=request.user)
    return f"Deployed revision {revision.number} to {environment.name}."


def _undeploy(request: MemberRequest, api: AiApi) -> str:
    deployment = get_object_or_404(
        api.deployments.select_related("environment", "revision"),
        pk=request.POST.get("deployment", "").strip() or 0,
    )
    deploy_services.undeploy(deployment=deployment, actor=request.user)
    return f"Undeployed revision {deployment.revision.number} from {deployment.environment.name}."


def _delete(request: MemberRequest, api: AiApi) -> str:
    revision = _revision(api, request)
    deploy_services.delete_revision(revision=revision, actor=request.user)
    return f"Deleted revision {revision.number}."


ACTIONS: dict[str, tuple[str, Callable[[MemberRequest, AiApi], str]]] = {
    "create": ("api.revision", _create),
    "deploy": ("api.deploy", _deploy),
    "undeploy": ("api.deploy", _undeploy),
    "delete": ("api.revision", _delete),
}


def _rows(api: AiApi, deployments: list[Deployment]) -> list[RevisionRow]:
    rows = [RevisionRow(revision) for revision in api.revisions.all()]
    by_id = {row.revision.pk: row for row in rows}
    for deployment in deployments:
        by_id[deployment.revision_id].live_in.append(deployment.environment)
    if rows:
        rows[0].is_latest = True
    return rows


def _context(request: MemberRequest, api: AiApi) -> dict:
    deployments = list(api.deployments.select_related("environment", "revision", "deployed_by"))
    rows = _rows(api, deployments)
    latest = rows[0].revision if rows else None
    return {
        "api": api,
        "section": "deploy",
        "rows": rows,
        "deployments": deployments,
        "live_env_ids": {deployment.environment_id for deployment in deployments},
        "environments": request.tenant.environments.all(),
        "revision_form": RevisionForm(),
        "unsaved_changes": latest is None or latest.config != freeze_config(api),
        "can_revise": can(request.membership, "api.revision"),
        "can_deploy": can(request.membership, "api.deploy"),
    }


@api_view("api.view")
def deploy(request: MemberRequest, api: AiApi) -> HttpResponse:
    status = 200
    if request.method == "POST":
        chosen = ACTIONS.get(request.POST.get("action", ""))
        if chosen is None:
            return render_page(request, TEMPLATE, _context(request, api), status=400)
        permission, action = chosen
        if not can(request.membership, permission):
            return forbidden(request, permission)
        try:
            confirmation = action(request, api)
        except TollgateError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            if done := finish(request, confirmation, request.path):
                return done
    return render_page(request, TEMPLATE, _context(request, api), partial="panel", status=status)
