"""Attaching AI policies to an API: add, change, reorder, remove, replace all (config as code).

Parameters are validated by the proxy's own reader (proxy/policies/spec.py, through
proxy.public) and the operation must be one the API offers. A change reaches the gateway
with the next revision deployed, like every other change to an API.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from core.errors import InvalidInput
from core.models import AiApi, ApiPolicy
from core.operations import offered_operations
from core.services.audit import record
from proxy.public import parse_policies, parse_policy

MAX_POLICIES = 50


def clean_policy(api: AiApi, raw: dict[str, Any]) -> dict[str, Any]:
    """The normalised policy, or InvalidInput with field errors."""
    spec, errors = parse_policy(raw)
    if spec is not None and spec.operation and spec.operation not in operation_paths(api):
        errors = {"operation": [f"This API has no operation {spec.operation}."]}
    if errors or spec is None:
        raise InvalidInput("Invalid policy.", fields=errors)
    return {
        "kind": spec.kind,
        "flow": spec.flow,
        "operation": spec.operation,
        "name": spec.name,
        "parameters": spec.parameters,
    }


def operation_paths(api: AiApi) -> list[str]:
    return sorted({op["path"].rstrip("/") or "/" for op in offered_operations(api)})


@transaction.atomic
def add_policy(*, api: AiApi, actor, **fields: Any) -> ApiPolicy:
    api = AiApi.objects.select_for_update().get(pk=api.pk)
    if api.policies.count() >= MAX_POLICIES:
        raise InvalidInput(f"An API has at most {MAX_POLICIES} policies.")
    values = clean_policy(api, fields)
    last = api.policies.aggregate(n=Max("position"))["n"]
    policy = ApiPolicy.objects.create(
        tenant=api.tenant, api=api, position=0 if last is None else last + 1, **values
    )
    _audit(policy, actor, "policy.add", values)
    return policy


@transaction.atomic
def update_policy(*, policy: ApiPolicy, actor, **changes: Any) -> ApiPolicy:
    values = clean_policy(policy.api, {**policy.as_spec(), **changes})
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()
    _audit(policy, actor, "policy.update", values)
    return policy


@transaction.atomic
def remove_policy(*, policy: ApiPolicy, actor) -> None:
    _audit(policy, actor, "policy.remove", {"kind": policy.kind})
    policy.delete()


@transaction.atomic
def reorder_policies(*, api: AiApi, actor, order: list[int]) -> list[ApiPolicy]:
    """`order`: every policy id of the API, in the new execution order."""
    policies = {p.pk: p for p in api.policies.select_for_update()}
    if sorted(order) != sorted(policies):
        raise InvalidInput(
            "List every policy of the API once.", fields={"order": ["Not this API's policies."]}
        )
    for position, policy_id in enumerate(order):
        ApiPolicy.objects.filter(pk=policy_id).update(position=position)
    record(
        tenant=api.tenant, actor=actor, action="policy.reorder", obj=api, changes={"order": order}
    )
    return list(api.policies.all())


@transaction.atomic
def move_policy(*, policy: ApiPolicy, actor, offset: int) -> None:
    """Move one place up (-1) or down (+1) in the execution order."""
    order = list(policy.api.policies.values_list("pk", flat=True))
    index = order.index(policy.pk)
    target = min(max(index + offset, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    reorder_policies(api=policy.api, actor=actor, order=order)


@transaction.atomic
def replace_policies(*, api: AiApi, actor, policies: list[dict[str, Any]]) -> None:
    """Make the API's policies exactly `policies`, in that order (config as code)."""
    _specs, errors = parse_policies(policies)
    if errors:
        raise InvalidInput("Invalid policies.", fields=errors)
    cleaned = [clean_policy(api, raw) for raw in policies]
    if [p.as_spec() for p in api.policies.all()] == cleaned:
        return
    api.policies.all().delete()
    for position, values in enumerate(cleaned):
        ApiPolicy.objects.create(tenant=api.tenant, api=api, position=position, **values)
    record(
        tenant=api.tenant,
        actor=actor,
        action="policy.replace",
        obj=api,
        changes={"policies": [p["kind"] for p in cleaned]},
    )


def policy_specs(api: AiApi) -> list[dict[str, Any]]:
    """The API's policies in execution order, as the revision freezes them."""
    return [policy.as_spec() for policy in api.policies.all()]


def _audit(policy: ApiPolicy, actor, action: str, values: dict[str, Any]) -> None:
    changes = {"api": policy.api_id, "kind": values.get("kind"), "flow": values.get("flow")}
    record(tenant=policy.tenant, actor=actor, action=action, obj=policy, changes=changes)
