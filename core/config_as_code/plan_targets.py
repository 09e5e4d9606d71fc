"""Planning and converging an API's target pools and routing settings (docs/routing.md).

Targets are compared by side and name; their provider keys like the endpoints' (`stored`,
`env:NAME` or `(none)`, never shown)."""

from __future__ import annotations

from typing import Any

from core.config_as_code.changes import Context, refuse
from core.config_as_code.schema import ApiDoc, EndpointDoc, SecretRef, TargetDoc
from core.models import AiApi, Target
from core.selectors import vendor_version_by_slug
from core.services import targets as target_service
from core.services.apis import UNCHANGED
from core.services.validation import clean_endpoint_url


def normalised_targets(doc: ApiDoc) -> dict[str, Any]:
    """The pool fields as the services store them, for `model_copy(update=…)`."""
    targets = {
        kind: [
            t.model_copy(update={"url": clean_endpoint_url(t.url, field=f"targets.{kind}.url")})
            for t in sorted(side, key=lambda t: t.name)
        ]
        for kind, side in (doc.targets or {}).items()
        if side
    }
    routing = target_service.clean_routing(doc.routing) if doc.routing else {}
    return {"targets": targets or None, "routing": routing or None}


def target_docs(api: AiApi) -> dict[str, list[TargetDoc]] | None:
    docs: dict[str, list[TargetDoc]] = {}
    for target in api.targets.select_related("vendor_version__vendor").order_by("kind", "name"):
        docs.setdefault(target.kind, []).append(target_doc(target))
    return docs or None


def target_doc(target: Target) -> TargetDoc:
    vv = target.vendor_version
    return TargetDoc(
        name=target.name,
        url=target.url,
        credential=SecretRef(secretRef="stored") if target.credential_encrypted else None,
        settings=dict(target.settings),
        vendor=vv.vendor.slug if vv else "",
        vendor_version=vv.version if vv else "",
        model=target.model,
        weight=target.weight,
        priority=target.priority,
    )


def primary_weighting(endpoint) -> dict[str, int | None]:
    """An endpoint's weight and priority for its document: None where they are the defaults."""
    return {
        "weight": endpoint.weight if endpoint.weight != 1 else None,
        "priority": endpoint.priority or None,
    }


def target_differences(
    ctx: Context, api: AiApi | None, before: ApiDoc | None, doc: ApiDoc, path: str
) -> dict[str, tuple[Any, Any]]:
    from core.config_as_code.plan_apis import _credential, _shown

    fields: dict[str, tuple[Any, Any]] = {}
    have = (before.targets if before else None) or {}
    want = doc.targets or {}
    stored = {(t.kind, t.name): t for t in api.targets.all()} if api else {}
    for kind in sorted(set(have) | set(want)):
        old_side = {t.name: t for t in have.get(kind, [])}
        new_side = {t.name: t for t in want.get(kind, [])}
        for name in sorted(set(old_side) | set(new_side)):
            old, new, where = old_side.get(name), new_side.get(name), f"targets.{kind}.{name}"
            if new is None:
                fields[where] = ("present", None)
                continue
            keep = {"credential"}
            if old is None or old.model_dump(exclude=keep) != new.model_dump(exclude=keep):
                fields[where] = (
                    old.model_dump(exclude=keep) if old else None,
                    new.model_dump(exclude=keep),
                )
            target = stored.get((kind, name))
            wanted = _credential(ctx, new.credential, target, f"{path}.{where}.credential")
            if wanted is not None:
                fields[f"{where}.credential"] = (
                    _shown(old.credential if old else None),
                    _shown(new.credential),
                )
    old_routing = before.routing if before else None
    if (old_routing or None) != (doc.routing or None):
        fields["routing"] = (old_routing, doc.routing)
    return fields


def set_targets(ctx: Context, api: AiApi, doc: ApiDoc, path: str) -> None:
    from core.config_as_code.plan_apis import _credential

    if (api.routing or None) != (doc.routing or None):
        target_service.set_routing(api=api, actor=ctx.actor, routing=doc.routing or {})
    for kind, endpoint_doc in doc.endpoints.items():
        _set_primary(ctx, api, kind, endpoint_doc)
    current = {(t.kind, t.name): t for t in api.targets.all()}
    wanted = {(kind, t.name): t for kind, side in (doc.targets or {}).items() for t in side}
    for kind, name in sorted(set(current) - set(wanted)):
        target_service.delete_target(api=api, kind=kind, name=name, actor=ctx.actor)
    for (kind, name), target in sorted(wanted.items()):
        where = f"{path}.targets.{kind}.{name}"
        credential = _credential(
            ctx, target.credential, current.get((kind, name)), where + ".credential"
        )
        vendor_version = None
        if target.vendor:
            vendor_version = vendor_version_by_slug(
                ctx.tenant, target.vendor, target.vendor_version
            )
        if kind not in doc.endpoints:
            raise refuse(where, f"The {kind} side has no endpoint: it is the pool's first target.")
        target_service.save_target(
            api=api,
            kind=kind,
            name=name,
            actor=ctx.actor,
            url=target.url,
            credential=UNCHANGED if credential is None else credential,
            settings=target.settings,
            vendor_version=vendor_version,
            model=target.model,
            weight=target.weight,
            priority=target.priority,
        )


def _set_primary(ctx: Context, api: AiApi, kind: str, endpoint_doc: EndpointDoc) -> None:
    endpoint = api.endpoints.filter(kind=kind).first()
    weight, priority = endpoint_doc.weight or 1, endpoint_doc.priority or 0
    if endpoint is not None and (endpoint.weight, endpoint.priority) != (weight, priority):
        target_service.set_primary(
            api=api, kind=kind, actor=ctx.actor, weight=weight, priority=priority
        )
