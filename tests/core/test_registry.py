"""After each change the registry holds exactly what the proxy needs, in the embedded table and
in Redis, parsed with the proxy's own `proxy.contract` types."""

from __future__ import annotations

import time
from datetime import timedelta

import orjson
import pytest
from django.utils import timezone

from core.models import ApiKey, RegistryEntry
from core.registry import publisher
from core.secrets import key_ring
from core.services import access, apis, deployments, lifecycle, tenants
from tests.core.builders import PROVIDER_KEY, deploy, make_api, move_to, subscribe_with_key

ROUTE = "1.0.0/chat"
DEFAULT_KEY = f"default:acme:{ROUTE}"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit publishes of what happens inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def live(personas, commit):
    """A published API deployed to `default`, and a developer's key subscribed to it."""
    with commit():
        api = move_to(make_api(personas.tenant, personas.creator), "PUBLISHED", personas.publisher)
        deployment = deploy(api, personas.publisher)
        consumer = subscribe_with_key(personas.tenant, personas.subscriber, api)
    return api, deployment, consumer


def test_deploy_publishes_the_deployment_snapshot(registry, personas, live) -> None:
    api, deployment, _ = live
    snap = registry.deployment(DEFAULT_KEY)
    assert snap is not None and snap.key == DEFAULT_KEY
    assert (snap.environment, snap.tenant_slug) == ("default", "acme")
    assert snap.tenant_id == api.tenant_id
    assert (snap.api_id, snap.api_uuid, snap.api_name, snap.api_version) == (
        api.pk,
        str(api.uuid),
        "Chat",
        "1.0.0",
    )
    assert (snap.route, snap.lifecycle_state, snap.api_type) == (ROUTE, "PUBLISHED", "native")
    assert (snap.revision_id, snap.revision_number) == (deployment.revision_id, 1)
    assert (snap.vendor.slug, snap.vendor.driver) == ("openai", "openai")
    assert (snap.vendor.auth.name, snap.vendor.auth.prefix) == ("Authorization", "Bearer ")
    assert snap.vendor.usage_paths["total_tokens"] == "$.usage.total_tokens"
    assert ("POST", "/chat/completions") in {(op.method, op.path) for op in snap.operations}
    assert snap.production.url == snap.sandbox.url == "https://api.openai.com/v1"
    assert key_ring().decrypt(snap.production.credential) == f"{PROVIDER_KEY}-production"
    assert key_ring().decrypt(snap.sandbox.credential) == f"{PROVIDER_KEY}-sandbox"
    assert set(snap.allowed_plan_ids) == set(personas.tenant.plans.values_list("pk", flat=True))
    assert set(registry.everything()) == {("deployment", DEFAULT_KEY), ("key", live[2].key.digest)}


def test_key_snapshot_holds_the_subscriptions(registry, personas, live) -> None:
    api, _, consumer = live
    snap = registry.key(consumer.key.digest)
    assert snap.digest == consumer.key.digest and snap.key_id == consumer.key.pk
    assert (snap.tenant_slug, snap.application_id, snap.key_type) == (
        "acme",
        consumer.app.pk,
        "production",
    )
    assert snap.expires_at is None and snap.application_limits is None
    grant = snap.grant_for(api.pk)
    assert (grant.subscription_id, grant.plan_name, grant.status) == (
        consumer.subscription.pk,
        "Gold",
        "ACTIVE",
    )
    assert grant.limits.requests == 5000 and grant.limits.unit_seconds == 60


def test_an_api_is_not_routed_before_it_is_published(registry, personas, commit) -> None:
    """Created: in the registry for the publisher's Test console only (proxy/console.py)."""
    with commit():
        api = make_api(personas.tenant, personas.creator)
        deploy(api, personas.publisher)
    assert registry.deployment(DEFAULT_KEY).lifecycle_state == "CREATED"
    with commit():
        lifecycle.change_lifecycle(api=api, to_state="PROTOTYPED", actor=personas.publisher)
    assert registry.deployment(DEFAULT_KEY).lifecycle_state == "PROTOTYPED"


def test_the_gateway_serves_the_revision_not_the_working_copy(registry, personas, live, commit):
    api, _, _ = live
    with commit():
        apis.set_endpoint(
            api=api, kind="production", actor=personas.creator, url="https://1.1.1.1/v2"
        )
    assert registry.deployment(DEFAULT_KEY).production.url == "https://api.openai.com/v1"
    with commit():
        deploy(api, personas.publisher)
    second = registry.deployment(DEFAULT_KEY)
    assert (second.revision_number, second.production.url) == (2, "https://1.1.1.1/v2")
    with commit():  # roll back: deploy the earlier revision
        deployments.deploy_revision(
            revision=api.revisions.get(number=1),
            environment=api.tenant.environments.get(slug="default"),
            actor=personas.publisher,
        )
    rolled_back = registry.deployment(DEFAULT_KEY)
    assert (rolled_back.revision_number, rolled_back.production.url) == (
        1,
        "https://api.openai.com/v1",
    )
    assert rolled_back.version > second.version


def test_undeploy_removes_the_deployment(registry, personas, live, commit) -> None:
    _, deployment, consumer = live
    with commit():
        deployments.undeploy(deployment=deployment, actor=personas.publisher)
    assert registry.deployment(DEFAULT_KEY) is None
    assert registry.key(consumer.key.digest) is not None


def test_each_environment_has_its_own_deployment(registry, personas, live, commit) -> None:
    api, deployment, _ = live
    with commit():
        staging = tenants.save_environment(
            tenant=personas.tenant, actor=personas.admin, slug="staging", name="Staging"
        )
        deployments.deploy_revision(
            revision=deployment.revision, environment=staging, actor=personas.publisher
        )
    assert registry.deployment(f"staging:acme:{ROUTE}").environment == "staging"
    with commit():
        deployments.undeploy(deployment=deployment, actor=personas.publisher)
    assert registry.deployment(DEFAULT_KEY) is None
    assert registry.deployment(f"staging:acme:{ROUTE}") is not None


@pytest.mark.parametrize(
    ("path", "routed"),
    [
        (["BLOCKED"], "BLOCKED"),
        (["BLOCKED", "PUBLISHED"], "PUBLISHED"),
        (["DEPRECATED"], "DEPRECATED"),
        (["PROTOTYPED"], "PROTOTYPED"),
        (["CREATED"], "CREATED"),  # for the Test console's keys only
        (["DEPRECATED", "RETIRED"], None),
    ],
)
def test_lifecycle_changes(registry, personas, live, commit, path, routed) -> None:
    api = live[0]
    with commit():
        for state in path:
            lifecycle.change_lifecycle(api=api, to_state=state, actor=personas.publisher)
    snap = registry.deployment(DEFAULT_KEY)
    assert (snap.lifecycle_state if snap else None) == routed


def test_revoke_removes_the_key(registry, personas, live, commit) -> None:
    consumer = live[2]
    with commit():
        access.revoke_key(key=consumer.key, actor=personas.subscriber)
    assert registry.key(consumer.key.digest) is None


def test_regenerate_swaps_the_keys(registry, personas, live, commit) -> None:
    consumer = live[2]
    with commit():
        new_key, _ = access.regenerate_key(key=consumer.key, actor=personas.subscriber)
    assert registry.key(consumer.key.digest) is None
    assert registry.key(new_key.digest).grant_for(live[0].pk).plan_name == "Gold"


def test_unsubscribe_removes_the_grant(registry, personas, live, commit) -> None:
    api, _, consumer = live
    with commit():
        access.unsubscribe(sub=consumer.subscription, actor=personas.subscriber)
    snap = registry.key(consumer.key.digest)
    assert snap is not None and snap.grant_for(api.pk) is None


def test_blocking_a_subscription(registry, personas, live, commit) -> None:
    api, _, consumer = live
    with commit():
        access.change_subscription(
            sub=consumer.subscription, actor=personas.publisher, status="BLOCKED"
        )
    assert registry.key(consumer.key.digest).grant_for(api.pk).status == "BLOCKED"
    with commit():
        access.change_subscription(
            sub=consumer.subscription, actor=personas.publisher, status="ACTIVE"
        )
    assert registry.key(consumer.key.digest).grant_for(api.pk).status == "ACTIVE"


def test_plan_changes_reach_the_keys(registry, personas, live, commit) -> None:
    api, _, consumer = live
    with commit():
        tenants.save_plan(
            tenant=personas.tenant,
            actor=personas.admin,
            plan=consumer.subscription.plan,
            request_limit=7,
            total_token_limit=1000,
            unit_seconds=3600,
            stop_on_quota=False,
        )
    limits = registry.key(consumer.key.digest).grant_for(api.pk).limits
    assert (limits.requests, limits.total_tokens, limits.unit_seconds, limits.stop_on_quota) == (
        7,
        1000,
        3600,
        False,
    )
    with commit():  # moving the subscription to another plan
        access.change_subscription(
            sub=consumer.subscription,
            actor=personas.subscriber,
            plan=personas.tenant.plans.get(name="Unlimited"),
        )
    grant = registry.key(consumer.key.digest).grant_for(api.pk)
    assert (grant.plan_name, grant.limits) == ("Unlimited", None)


def test_application_changes_reach_the_keys(registry, personas, live, commit) -> None:
    consumer = live[2]
    with commit():
        access.update_application(app=consumer.app, actor=personas.subscriber, tier="10PerMin")
    assert registry.key(consumer.key.digest).application_limits.requests == 10
    with commit():
        access.delete_application(app=consumer.app, actor=personas.subscriber)
    assert registry.key(consumer.key.digest) is None


def test_deleting_an_api_removes_its_deployments(registry, personas, commit) -> None:
    with commit():
        api = move_to(make_api(personas.tenant, personas.creator), "PUBLISHED", personas.publisher)
        deploy(api, personas.publisher)
    assert registry.deployment(DEFAULT_KEY) is not None
    with commit():
        apis.delete_api(api=api, actor=personas.creator)
    assert registry.deployment(DEFAULT_KEY) is None


def test_removing_a_member_withdraws_their_keys(registry, personas, live, commit) -> None:
    consumer = live[2]
    membership = personas.tenant.memberships.get(user=personas.subscriber)
    with commit():
        tenants.remove_member(membership=membership, actor=personas.admin)
    assert registry.key(consumer.key.digest) is None
    assert ApiKey.objects.get(pk=consumer.key.pk).revoked_at is not None


def test_losing_the_developer_role_withdraws_their_keys(registry, personas, live, commit) -> None:
    consumer = live[2]
    membership = personas.tenant.memberships.get(user=personas.subscriber)
    with commit():
        tenants.change_roles(membership=membership, roles=["creator"], actor=personas.admin)
    assert registry.key(consumer.key.digest) is None
    assert ApiKey.objects.get(pk=consumer.key.pk).revoked_at is not None


def test_keeping_the_developer_role_keeps_their_keys(registry, personas, live, commit) -> None:
    consumer = live[2]
    membership = personas.tenant.memberships.get(user=personas.subscriber)
    with commit():
        tenants.change_roles(
            membership=membership, roles=["subscriber", "creator"], actor=personas.admin
        )
    assert registry.key(consumer.key.digest) is not None


def test_a_rolled_back_change_publishes_nothing(registry, personas, live, commit) -> None:
    consumer = live[2]

    class Abort(Exception):
        pass

    with commit(), pytest.raises(Abort):
        from django.db import transaction

        with transaction.atomic():
            access.revoke_key(key=consumer.key, actor=personas.subscriber)
            raise Abort
    assert registry.key(consumer.key.digest) is not None


def test_rebuild_restores_everything_after_a_loss(registry, personas, live, commit) -> None:
    with commit():
        expired = subscribe_with_key(personas.tenant, personas.subscriber, live[0], app_name="Old")
        revoked = subscribe_with_key(personas.tenant, personas.subscriber, live[0], app_name="Rev")
        access.revoke_key(key=revoked.key, actor=personas.subscriber)
    ApiKey.objects.filter(pk=expired.key.pk).update(expires_at=timezone.now() - timedelta(1))
    before = registry.everything()
    assert ("key", expired.key.digest) in before  # nothing withdrew it yet
    registry.wipe()
    assert registry.everything() == {}

    from django.core.management import call_command

    call_command("registry", "rebuild")
    after = registry.everything()
    del before[("key", expired.key.digest)]
    assert after == before
    assert ("key", revoked.key.digest) not in after


@pytest.mark.parametrize("registry", ["embedded"], indirect=True)
def test_embedded_versions_only_grow(registry, personas, live, commit) -> None:
    seen = list(RegistryEntry.objects.order_by("version").values_list("version", flat=True))
    with commit():
        access.revoke_key(key=live[2].key, actor=personas.subscriber)
    tombstone = RegistryEntry.objects.get(kind="key", key=live[2].key.digest)
    assert tombstone.body == "" and tombstone.version > max(seen)
    assert len(set(seen)) == len(seen)
    assert publisher.get_store().current_version() == tombstone.version  # a synced proxy says so


@pytest.mark.parametrize("registry", ["redis"], indirect=True)
def test_redis_announces_each_change_with_its_version(registry, personas, live, commit) -> None:
    listener = registry.client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(registry.names.invalidations)
    with commit():
        access.revoke_key(key=live[2].key, actor=personas.subscriber)
    registry.client.hdel(registry.names.deployments, DEFAULT_KEY)  # one entry lost
    report = publisher.rebuild()

    announced = _announcements(listener, expected=2)
    committed = int(registry.client.get(registry.names.committed))
    assert announced[0]["kind"] == "key" and announced[0]["key"] == live[2].key.digest
    assert announced[1] == {"kind": "deployment", "key": DEFAULT_KEY, "version": committed}
    assert announced[0]["version"] < committed == report.version
    assert report.written == 1


def _announcements(listener, expected: int) -> list[dict]:
    import orjson

    messages = []
    deadline = time.monotonic() + 5
    while len(messages) < expected and time.monotonic() < deadline:
        message = listener.get_message(timeout=0.1)  # None also for the ignored confirmation
        if message is not None:
            messages.append(orjson.loads(message["data"]))
    listener.close()
    return messages


def test_rebuild_writes_only_what_differs(registry, personas, live, commit) -> None:
    before = _versions(registry)
    quiet = publisher.rebuild()
    assert (quiet.deployments, quiet.keys, quiet.written) == (1, 1, 0)
    assert _versions(registry) == before  # nothing rewritten, so no proxy reloads anything

    with commit():
        other = make_api(personas.tenant, personas.creator, name="Other", context="other")
        api = move_to(other, "PUBLISHED", personas.publisher)
    ApiKey.objects.filter(pk=live[2].key.pk).update(expires_at=timezone.now() - timedelta(1))
    deployment = deploy(api, personas.publisher)  # not committed through the publisher
    report = publisher.rebuild()
    assert (report.deployments, report.keys, report.written) == (2, 0, 2)
    assert registry.key(live[2].key.digest) is None
    assert registry.deployment(f"default:acme:{deployment.revision.config['route']}")
    assert _versions(registry)[("deployment", DEFAULT_KEY)] == before[("deployment", DEFAULT_KEY)]


def test_rebuild_leaves_what_a_publish_changed_meanwhile(
    registry, personas, live, commit, monkeypatch
) -> None:
    """The reconcile compiled the database before the change; the publish after it wins."""
    compile_everything = publisher._compile_everything

    def compile_then_change():
        wanted = compile_everything()
        with commit():
            lifecycle.change_lifecycle(api=live[0], to_state="BLOCKED", actor=personas.publisher)
        return wanted

    monkeypatch.setattr(publisher, "_compile_everything", compile_then_change)
    report = publisher.rebuild()
    assert report.written == 0
    assert registry.deployment(DEFAULT_KEY).lifecycle_state == "BLOCKED"


def _versions(registry) -> dict[tuple[str, str], int]:
    store = publisher.get_store()
    return {
        name: orjson.loads(entry.body)["version"]
        for name, entry in store.entries().items()
        if entry.body
    }


def test_the_provider_headers_opt_in_reaches_the_snapshot(registry, personas, live, commit):
    api, _, _ = live
    assert registry.deployment(DEFAULT_KEY).pass_provider_headers is False
    with commit():
        apis.update_api(api=api, actor=personas.creator, pass_provider_headers=True)
        deploy(api, personas.publisher)
    assert registry.deployment(DEFAULT_KEY).pass_provider_headers is True
