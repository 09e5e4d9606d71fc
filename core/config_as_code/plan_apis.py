"""Planning and converging AI APIs: fields, endpoints and their provider keys, allowed plans,
deployments (a new revision when the configuration changed) and the lifecycle state.

A provider key is compared, never shown: the diff says `stored`, `env:NAME` or `(none)`."""

from __future__ import annotations

from collections import deque
from functools import partial
from typing import Any

from core.config_as_code.changes import Change, Context, refuse, reported_at
from core.config_as_code.exporter import api_doc, tenant_apis
from core.config_as_code.plan_targets import normalised_targets, set_targets, target_differences
from core.config_as_code.schema import ApiDoc, EndpointDoc, PolicyDoc, SecretRef
from core.errors import TollgateError
from core.models import AiApi, Deployment, Endpoint, GatewayEnvironment, Plan, Target
from core.registry.compiler import freeze_config
from core.secrets import key_ring
from core.selectors import vendor_version_by_slug
from core.services import apis as api_service
from core.services import deployments as deployment_service
from core.services import policies as policy_service
from core.services.gateway_settings import clean_gateway_settings
from core.services.lifecycle import TRANSITIONS, change_lifecycle
from core.services.validation import clean_backend_limits, clean_context, clean_endpoint_url

SETTABLE = ("description", "tags", "api_type", "backend_limits", "request_size_limit",
            "gateway_settings", "is_default_version", "pass_provider_headers")  # fmt: skip
NO_KEY = "(none)"
# What a revision does not keep (core.registry.compiler.freeze_config): no redeploy for these.
NOT_FROZEN = frozenset({"description", "tags", "lifecycle_state", "is_default_version"})


def plan_apis(ctx: Context, desired: list[ApiDoc]) -> list[Change]:
    current = {f"{a.name} {a.version}": a for a in tenant_apis(ctx.tenant)}
    changes = []
    for index, doc in enumerate(desired):
        api, path = current.get(doc.key), f"apis[{index}]"
        doc = _normalised(ctx, doc, api, path)
        fields = _api_differences(ctx, api, doc, path)
        if fields:
            run = partial(_converge, ctx, doc, path)
            changes.append(Change("update" if api else "create", "api", doc.key, path, fields, run))
    return changes


def _normalised(ctx: Context, doc: ApiDoc, api: AiApi | None, path: str) -> ApiDoc:
    """The document's values as the services would store them, so an equal configuration
    written differently is no change."""
    driver = _driver(ctx, api, doc)
    with reported_at(path):
        values: dict[str, Any] = {
            "context": clean_context(doc.context),
            "backend_limits": clean_backend_limits(doc.backend_limits),
            "allowed_plans": sorted(doc.allowed_plans),
            "deployments": sorted(doc.deployments),
            "endpoints": {k: _normalised_endpoint(e, k) for k, e in doc.endpoints.items()},
            **normalised_targets(doc),
        }
        if api is not None:
            values["policies"] = [
                PolicyDoc(**policy_service.clean_policy(api, policy.model_dump()))
                for policy in doc.policies
            ]
        if driver:
            values["gateway_settings"] = clean_gateway_settings(
                doc.gateway_settings, api_type=doc.api_type, driver=driver
            )
    return doc.model_copy(update=values)


def _driver(ctx: Context, api: AiApi | None, doc: ApiDoc) -> str:
    """The vendor's driver; "" for a vendor this same document creates."""
    if api is not None:
        return api.vendor_version.driver
    try:
        return vendor_version_by_slug(ctx.tenant, doc.vendor, doc.vendor_version).driver
    except TollgateError:
        return ""


def _normalised_endpoint(endpoint: EndpointDoc, kind: str) -> EndpointDoc:
    return endpoint.model_copy(
        update={"url": clean_endpoint_url(endpoint.url, field=f"endpoints.{kind}.url")}
    )


def _api_differences(ctx: Context, api: AiApi | None, doc: ApiDoc, path: str) -> dict:
    before = api_doc(api) if api else None
    if before is not None:
        _refuse_immutable_changes(before, doc, path)
    old = before.model_dump() if before else {}
    new = doc.model_dump()
    fields = {
        name: (old.get(name), new[name])
        for name in ("context", "vendor", *SETTABLE, "allowed_plans", "policies", "lifecycle_state")
        if old.get(name) != new[name]
    }
    fields |= _endpoint_differences(ctx, api, before, doc, path)
    fields |= target_differences(ctx, api, before, doc, path)
    if before is not None and before.lifecycle_state != doc.lifecycle_state:
        _lifecycle_path(before.lifecycle_state, doc.lifecycle_state, f"{path}.lifecycle_state")
    configured = bool(fields.keys() - NOT_FROZEN)
    if doc.deployments and (configured or _stale(api, doc.deployments)):
        fields["revision"] = (None, f"new revision deployed to {', '.join(doc.deployments)}")
    elif old.get("deployments") != new["deployments"]:
        fields["deployments"] = (old.get("deployments"), new["deployments"])
    return fields


def _refuse_immutable_changes(before: ApiDoc, doc: ApiDoc, path: str) -> None:
    for name in ("context", "vendor"):
        if getattr(before, name) != getattr(doc, name):
            raise refuse(f"{path}.{name}", "Cannot change on an existing API; use a new version.")
    if doc.vendor_version and doc.vendor_version != before.vendor_version:
        raise refuse(f"{path}.vendor_version", "Cannot change on an existing API.")


def _stale(api: AiApi | None, environments: list[str]) -> bool:
    """Whether some listed environment does not serve the API's current configuration."""
    if api is None:
        return True
    deployed = {d.environment.slug: d for d in api.deployments.select_related("revision")}
    if set(environments) - set(deployed):
        return True
    config = freeze_config(api)
    return any(deployed[slug].revision.config != config for slug in environments)


def _endpoint_differences(
    ctx: Context, api: AiApi | None, before: ApiDoc | None, doc: ApiDoc, path: str
) -> dict:
    fields: dict[str, tuple[Any, Any]] = {}
    have = before.endpoints if before else {}
    stored = {e.kind: e for e in api.endpoints.all()} if api else {}
    for kind in sorted(set(have) | set(doc.endpoints)):
        old, new, where = have.get(kind), doc.endpoints.get(kind), f"endpoints.{kind}"
        if new is None:
            fields[where] = ("present", None)
            continue
        if old is None or old.url != new.url:
            fields[f"{where}.url"] = (old.url if old else None, new.url)
        if old is None or old.settings != new.settings:
            fields[f"{where}.settings"] = (old.settings if old else None, new.settings)
        weighting = (new.weight, new.priority)
        old_weighting: tuple[int | None, int | None] = (None, None)
        if old is not None:
            old_weighting = (old.weight, old.priority)
        if old_weighting != weighting:
            fields[f"{where}.weighting"] = (old_weighting, weighting)
        wanted = _credential(ctx, new.credential, stored.get(kind), f"{path}.{where}.credential")
        if wanted is not None:
            fields[f"{where}.credential"] = (_shown(old.credential if old else None),
                                             _shown(new.credential))  # fmt: skip
    return fields


def _credential(
    ctx: Context, ref: SecretRef | None, endpoint: Endpoint | Target | None, path: str
) -> str | None:
    """The provider key to store ("" for none), or None when the stored one stays."""
    current = endpoint.credential_encrypted if endpoint else ""
    if ref is None:
        return "" if current else None
    if ref.secretRef == "stored":
        if not current:
            raise refuse(path, "No provider key is stored here yet; reference one with env:NAME.")
        return None
    name = ref.secretRef.removeprefix("env:")
    value = ctx.read_secret(name)
    if not value:
        raise refuse(path, f"The environment variable {name} is not set.")
    same = bool(current) and key_ring().decrypt(current) == value
    return None if same else value


def _shown(ref: SecretRef | None) -> str:
    return ref.secretRef if ref else NO_KEY


def _lifecycle_path(start: str, goal: str, path: str) -> list[str]:
    """The shortest run of allowed transitions from `start` to `goal`."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if state == goal:
            steps = []
            while previous[state] is not None:
                steps.append(state)
                state = previous[state]  # type: ignore[assignment]
            return steps[::-1]
        for following in sorted(TRANSITIONS[state]):
            if following not in previous:
                previous[following] = state
                queue.append(following)
    raise refuse(path, f"No lifecycle transitions lead from {start} to {goal}.")


def _converge(ctx: Context, doc: ApiDoc, path: str) -> None:
    with reported_at(path):
        api = _existing(ctx, doc) or _create(ctx, doc)
        _set_fields(ctx, api, doc)
        _set_endpoints(ctx, api, doc, path)
        set_targets(ctx, api, doc, path)
        _set_policies(ctx, api, doc)
        _deploy(ctx, api, doc, path)
        for state in _lifecycle_path(api.lifecycle_state, doc.lifecycle_state, path):
            change_lifecycle(api=api, to_state=state, actor=ctx.actor, note="tollgate apply")


def _existing(ctx: Context, doc: ApiDoc) -> AiApi | None:
    return AiApi.objects.filter(tenant=ctx.tenant, name=doc.name, version=doc.version).first()


def _create(ctx: Context, doc: ApiDoc) -> AiApi:
    return api_service.create_api(
        tenant=ctx.tenant,
        actor=ctx.actor,
        name=doc.name,
        context=doc.context,
        version=doc.version,
        vendor_version=vendor_version_by_slug(ctx.tenant, doc.vendor, doc.vendor_version),
        description=doc.description,
        tags=doc.tags,
        api_type=doc.api_type,
        endpoint_url=next(iter(doc.endpoints.values())).url if doc.endpoints else None,
    )


def _set_fields(ctx: Context, api: AiApi, doc: ApiDoc) -> None:
    current = api_doc(api)
    changed = {k: getattr(doc, k) for k in SETTABLE if getattr(current, k) != getattr(doc, k)}
    plans = None
    if current.allowed_plans != doc.allowed_plans:
        plans = list(Plan.objects.filter(tenant=ctx.tenant, name__in=doc.allowed_plans))
        missing = set(doc.allowed_plans) - {p.name for p in plans}
        if missing:
            raise TollgateError(
                "Unknown plan.",
                fields={"allowed_plans": [f"No plan {', '.join(sorted(missing))}."]},
            )
    if changed or plans is not None:
        api_service.update_api(api=api, actor=ctx.actor, allowed_plans=plans, **changed)


def _set_policies(ctx: Context, api: AiApi, doc: ApiDoc) -> None:
    wanted = [policy.model_dump() for policy in doc.policies]
    policy_service.replace_policies(api=api, actor=ctx.actor, policies=wanted)


def _set_endpoints(ctx: Context, api: AiApi, doc: ApiDoc, path: str) -> None:
    current = {e.kind: e for e in api.endpoints.all()}
    for kind in sorted(set(current) | set(doc.endpoints)):
        endpoint, wanted = current.get(kind), doc.endpoints.get(kind)
        if wanted is None:
            api_service.set_endpoint(api=api, kind=kind, actor=ctx.actor, url=None)
            continue
        where = f"{path}.endpoints.{kind}.credential"
        credential = _credential(ctx, wanted.credential, endpoint, where)
        same = endpoint is not None and (endpoint.url, endpoint.settings) == (
            wanted.url,
            wanted.settings,
        )
        if credential is None and same:
            continue
        api_service.set_endpoint(
            api=api,
            kind=kind,
            actor=ctx.actor,
            url=wanted.url,
            settings=wanted.settings,
            credential=api_service.UNCHANGED if credential is None else credential,
        )


def _deploy(ctx: Context, api: AiApi, doc: ApiDoc, path: str) -> None:
    environments = {e.slug: e for e in GatewayEnvironment.objects.filter(tenant=ctx.tenant)}
    unknown = sorted(set(doc.deployments) - set(environments))
    if unknown:
        raise refuse(f"{path}.deployments", f"No environment {', '.join(unknown)}.")
    for deployment in Deployment.objects.filter(api=api).select_related("environment"):
        if deployment.environment.slug not in doc.deployments:
            deployment_service.undeploy(deployment=deployment, actor=ctx.actor)
    if not doc.deployments:
        return
    revision = api.revisions.order_by("-number").first()
    if revision is None or revision.config != freeze_config(api):
        revision = deployment_service.create_revision(
            api=api, actor=ctx.actor, description="tollgate apply"
        )
    deployed = {d.environment_id: d.revision_id for d in Deployment.objects.filter(api=api)}
    for slug in doc.deployments:
        environment = environments[slug]
        if deployed.get(environment.pk) != revision.pk:
            deployment_service.deploy_revision(
                revision=revision, environment=environment, actor=ctx.actor
            )
