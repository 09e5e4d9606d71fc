"""Deploy: revisions, deployments per environment, undeploy, roll back, delete."""

from __future__ import annotations

from django.urls import reverse

from core.models import Deployment
from core.registry.store import get_store
from core.services import deployments as deploy_services
from core.services import tenants as tenant_services


def url(api) -> str:
    return reverse("publisher:deploy", kwargs={"api_uuid": api.uuid})


def test_create_deploy_roll_back_undeploy(client_as, personas, acme_api):
    publisher = client_as("publisher")
    env = personas.tenant.environments.get(is_default=True)
    publisher.post(url(acme_api), {"action": "create", "description": "First"})
    publisher.post(url(acme_api), {"action": "create", "description": "Second"})
    first, second = acme_api.revisions.order_by("number")
    assert first.description == "First"

    publisher.post(
        url(acme_api), {"action": "deploy", "revision": second.pk, "environment": env.pk}
    )
    assert Deployment.objects.get(api=acme_api, environment=env).revision == second
    page = publisher.get(url(acme_api)).content.decode()
    assert "Deployed revision 2 to Default." in page and "Roll back to this" in page

    publisher.post(url(acme_api), {"action": "deploy", "revision": first.pk, "environment": env.pk})
    assert Deployment.objects.get(api=acme_api, environment=env).revision == first

    deployment = Deployment.objects.get(api=acme_api, environment=env)
    publisher.post(url(acme_api), {"action": "undeploy", "deployment": deployment.pk})
    assert not Deployment.objects.filter(api=acme_api).exists()
    assert "Undeployed revision 1 from Default." in publisher.get(url(acme_api)).content.decode()


def test_deploying_to_a_second_environment(client_as, personas, acme_api):
    eu = tenant_services.save_environment(tenant=personas.tenant, actor=None, slug="eu", name="EU")
    revision = deploy_services.create_revision(api=acme_api, actor=personas.creator)
    client_as("publisher").post(
        url(acme_api), {"action": "deploy", "revision": revision.pk, "environment": eu.pk}
    )
    assert Deployment.objects.get(api=acme_api).environment == eu


def test_a_deployed_revision_cannot_be_deleted(client_as, personas, acme_api):
    revision = deploy_services.create_revision(api=acme_api, actor=personas.creator)
    env = personas.tenant.environments.get(is_default=True)
    deploy_services.deploy_revision(revision=revision, environment=env, actor=personas.publisher)
    response = client_as("publisher").post(
        url(acme_api), {"action": "delete", "revision": revision.pk}
    )
    assert response.status_code == 409
    assert "undeploy it first" in response.content.decode()
    assert acme_api.revisions.filter(pk=revision.pk).exists()


def test_delete_an_undeployed_revision(client_as, personas, acme_api):
    revision = deploy_services.create_revision(api=acme_api, actor=personas.creator)
    client_as("creator").post(url(acme_api), {"action": "delete", "revision": revision.pk})
    assert not acme_api.revisions.exists()


def test_creator_may_revise_but_not_deploy(client_as, personas, acme_api):
    page = client_as("creator").get(url(acme_api)).content.decode()
    assert "Create new revision" in page and "Deploying needs the publisher role" in page


def test_htmx_deploy_returns_the_panel(client_as, personas, acme_api):
    revision = deploy_services.create_revision(api=acme_api, actor=personas.creator)
    env = personas.tenant.environments.get(is_default=True)
    response = client_as("publisher").post(
        url(acme_api),
        {"action": "deploy", "revision": revision.pk, "environment": env.pk},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="deploy-panel">')
    assert "Deployed revision 1 to Default." in content


def test_unknown_action_is_a_bad_request(client_as, acme_api):
    assert client_as("publisher").post(url(acme_api), {"action": "x"}).status_code == 400


def test_deploying_a_published_api_compiles_a_snapshot(
    client_as, personas, acme_api, django_capture_on_commit_callbacks
):
    client = client_as("publisher")
    client.post(
        reverse("publisher:lifecycle", kwargs={"api_uuid": acme_api.uuid}),
        {"to_state": "PUBLISHED"},
    )
    client.post(url(acme_api), {"action": "create"})
    env = personas.tenant.environments.get(is_default=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url(acme_api),
            {"action": "deploy", "revision": acme_api.revisions.get().pk, "environment": env.pk},
        )
    key = f"default:acme:{acme_api.resolved_context}"
    assert Deployment.objects.filter(api=acme_api).exists()
    assert get_store().get("deployment", key) is not None  # in this mode's store
