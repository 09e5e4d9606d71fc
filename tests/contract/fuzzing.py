"""Schemathesis against the live API (the WSGI application, in process) for every role: every
operation of the schema, all checks, a bounded number of examples and a fixed seed. Anything
it reports fails the test: a server error, an answer the schema does not describe, data the
schema allows refused, data it forbids accepted."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import World, build_world
from tests.contract.conftest import exported_schema

EXAMPLES = 6
SEED = 20261204


# Operations whose acceptance also rests on rules a JSON Schema cannot state; there a
# schema-valid body may still get a 400 naming the field (every other check still runs).
BEYOND_THE_SCHEMA = {
    # OpenAPI 3.0 has no `const` (apiVersion, kind), endpoint maps are keyed by production or
    # sandbox only, and names must refer to the tenant's vendors and plans
    "POST /api/v1/tenants/{tenant_slug}/config/diff/": "apiVersion, kind, endpoints, references",
    "POST /api/v1/tenants/{tenant_slug}/config/apply/": "apiVersion, kind, endpoints, references",
    # the URL safety checks (scheme, resolvable public host) and the OpenAPI document's own
    # validity; the header or parameter name depends on auth_scheme
    "POST /api/v1/tenants/{tenant_slug}/vendors/": "base_url, api_definition, auth_name",
    "POST /api/v1/tenants/{tenant_slug}/vendors/upload/": "base_url, api_definition, auth_name",
    "PATCH /api/v1/tenants/{tenant_slug}/vendors/{vendor_id}/": "base_url, api_definition",
    "PATCH /api/v1/tenants/{tenant_slug}/vendors/{vendor_id}/upload/": "base_url, api_definition",
    # the vendor (and version) must exist; the endpoint URL passes the URL safety checks
    "POST /api/v1/tenants/{tenant_slug}/apis/": "vendor, vendor_version, endpoint_url",
    # plans must be the tenant's; gateway settings must suit the API's type
    "PATCH /api/v1/tenants/{tenant_slug}/apis/{api_id}/": "allowed_plans, gateway_settings",
    # the URL safety checks; api_key and clear_api_key exclude each other
    "PATCH /api/v1/tenants/{tenant_slug}/apis/{api_id}/endpoints/{kind}/": "url, clear_api_key",
    # a target needs its side's endpoint and, when new, a URL passing the safety checks; its
    # vendor must exist (another vendor only on an OpenAI-compatible API); the name is a slug
    "PATCH /api/v1/tenants/{tenant_slug}/apis/{api_id}/targets/{kind}/{name}/": (
        "kind, url, vendor, name, clear_api_key"
    ),
    # a header name of whitespace is no header
    "PATCH /api/v1/tenants/{tenant_slug}/apis/{api_id}/routing/": "sticky_header",
    # range excludes start and end; start comes before end
    "GET /api/v1/tenants/{tenant_slug}/analytics/usage/": "range, start, end",
    "GET /api/v1/tenants/{tenant_slug}/analytics/summary/": "range, start, end",
    "GET /api/v1/tenants/{tenant_slug}/analytics/export/": "range, start, end",
    # a version is 1-30 letters, digits, '.', '-' or '_' (the schema's string pattern only
    # excludes NUL and blanks, as for every string)
    "POST /api/v1/tenants/{tenant_slug}/apis/{api_id}/versions/": "version",
    # each policy type has its own parameters (docs/policies.md); the operation must be the
    # API's; a reorder lists exactly the API's policies
    "POST /api/v1/tenants/{tenant_slug}/apis/{api_id}/policies/": "parameters, operation",
    "PATCH /api/v1/tenants/{tenant_slug}/apis/{api_id}/policies/{policy_id}/": "parameters",
    "POST /api/v1/tenants/{tenant_slug}/apis/{api_id}/policies/order/": "order",
    # the application, API and plan named in the body must exist (a field error, not a 404)
    "POST /api/v1/tenants/{tenant_slug}/subscriptions/": "application, api, plan",
    # a document comes as text or as base64 (a PDF only as base64), and must hold text
    "POST /api/v1/tenants/{tenant_slug}/knowledge/collections/{collection_slug}/documents/": (
        "text, content_base64"
    ),
    "PATCH /api/v1/tenants/{tenant_slug}/knowledge/collections/{collection_slug}/documents/"
    "{document_id}/": "text, content_base64",
    # the slug must be new in the tenant
    "POST /api/v1/tenants/{tenant_slug}/knowledge/collections/": "slug",
    # a budget names the object of its scope only, a positive amount, a downgrade model when it
    # downgrades, a secret with its webhook; names are unique in the tenant
    "POST /api/v1/tenants/{tenant_slug}/budgets/": "scope targets, amount, downgrade_model, "
    "webhook_secret, webhook_url, name",
    "PATCH /api/v1/tenants/{tenant_slug}/budgets/{budget_id}/": "scope targets, amount, "
    "downgrade_model, webhook_secret, webhook_url, name",
    # one price per model and start date
    "POST /api/v1/tenants/{tenant_slug}/prices/": "model, effective_from",
    "PATCH /api/v1/tenants/{tenant_slug}/prices/{price_id}/": "model, effective_from",
}


def fixed_parameters(world: World) -> dict:
    """Path parameters pinned to real objects of the caller's tenant, so the examples reach
    the views instead of 404s."""
    return {
        "tenant_slug": world.tenant.slug,
        "api_id": world.api.pk,
        "number": world.spare_revision.number,
        "environment": world.spare_environment.slug,
        "subscription_id": world.subscription.pk,
        "app_id": world.app.pk,
        "key_id": world.key.pk,
        "plan_id": world.spare_plan.pk,
        "user_id": world.member.pk,
        "invitation_id": world.invitation.pk,
        "vendor_id": world.vendor.pk,
        "token_id": world.token.pk,
        "collection_slug": world.collection.slug,
        "document_id": world.document.pk,
        "policy_id": world.policy.pk,
        "price_id": world.price.pk,
        "budget_id": world.budget.pk,
    }


def world_of(personas, django_user_model) -> World:
    return build_world(
        personas.tenant,
        admin=personas.admin,
        creator=personas.creator,
        publisher=personas.publisher,
        developer=personas.subscriber,
        env_slug="staging",
        member=django_user_model.objects.create_user("member1", "member@acme.test", "pw"),
    )


def fuzz(operation, mode: GenerationMode, fixed: dict) -> list[str]:
    """Run the examples of one operation; the failures schemathesis reports, as text."""
    failures: list[str] = []
    path_parameters = {name: v for name, v in fixed.items() if f"{{{name}}}" in operation.path}
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
    excluded = [positive_data_acceptance] if operation.label in BEYOND_THE_SCHEMA else []

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def run(case) -> None:
        try:
            case.call_and_validate(excluded_checks=excluded)
        except (Exception, BaseExceptionGroup) as failure:  # schemathesis: a FailureGroup
            failures.append(f"{mode.value} {operation.label}: {_brief(failure)}")

    try:
        run()
    except Unsatisfiable:  # nothing to break: no parameters and no body
        assert mode is GenerationMode.NEGATIVE
    except (Exception, BaseExceptionGroup) as failure:  # an explicit example fails
        failures.append(f"{mode.value} {operation.label}: {_brief(failure)}")
    return list(dict.fromkeys(failures))


def check_the_contract(role, tokens, personas, django_user_model, wsgi_app) -> None:
    world = world_of(personas, django_user_model)
    config = SchemathesisConfig.from_dict({"headers": {"Authorization": f"Bearer {tokens[role]}"}})
    schema = schemathesis.openapi.from_dict(exported_schema(), config=config)
    schema.app = wsgi_app
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in GenerationMode:
            failures.extend(fuzz(operation, mode, fixed_parameters(world)))
    assert not failures, "\n\n".join(failures)


def _brief(failure: Exception) -> str:
    return "\n".join(str(failure).splitlines()[:14])
