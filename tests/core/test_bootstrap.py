"""`manage.py create_tenant` and the operators' Django admin."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from core.models import ApiKey, AuditLog, Invitation, Plan, Tenant
from core.services import invitations
from core.services.access import create_application, generate_key
from core.services.tenants import create_tenant

pytestmark = pytest.mark.django_db


def run_create_tenant(*args: str) -> str:
    out = StringIO()
    call_command("create_tenant", *args, stdout=out)
    return out.getvalue()


def test_create_tenant_prints_a_single_use_admin_link():
    printed = run_create_tenant(
        "--slug", "acme", "--name", "Acme", "--admin-email", "Ops@Acme.test"
    )
    tenant = Tenant.objects.get(slug="acme")
    assert Plan.objects.filter(tenant=tenant).count() == 4
    link = printed.strip().splitlines()[-1]
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = invitations.find_invitation(token)
    assert invitation.email == "ops@acme.test" and invitation.roles == ["admin"]
    assert token not in str(Invitation.objects.values_list())  # only its digest is stored
    assert AuditLog.objects.filter(tenant=tenant, action="member.invite").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--slug", "no spaces", "--name", "X", "--admin-email", "a@b.test"), "--slug"),
        (("--slug", "ok", "--name", "X", "--admin-email", "not-an-address"), "--admin-email"),
    ],
)
def test_create_tenant_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        run_create_tenant(*args)
    assert not Tenant.objects.exists()


def test_create_tenant_refuses_a_taken_slug_and_leaves_no_invitation():
    create_tenant(slug="acme", name="Acme")
    with pytest.raises(CommandError, match="acme is taken"):
        run_create_tenant("--slug", "acme", "--name", "Other", "--admin-email", "a@b.test")
    assert not Invitation.objects.exists()


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_superuser("root", "root@ops.test", "pw-123456!")
    client.force_login(user)
    return user


def test_admin_creates_a_tenant_with_its_admins_invitation(client, operator):
    response = client.post(
        "/admin/core/tenant/add/",
        {"slug": "globex", "name": "Globex", "allow_signup": "", "admin_email": "boss@globex.test"},
        follow=True,
    )
    assert response.status_code == 200
    tenant = Tenant.objects.get(slug="globex")
    assert not tenant.allow_signup
    assert Plan.objects.filter(tenant=tenant).count() == 4  # through the service
    link = next(str(m) for m in response.context["messages"] if "/accounts/invitation/" in str(m))
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert invitations.find_invitation(token).email == "boss@globex.test"
    assert AuditLog.objects.filter(tenant=tenant, action="tenant.create", actor=operator).exists()


def test_admin_lists_every_model_and_shows_no_secret(client, operator, personas):
    app = create_application(tenant=personas.tenant, owner=personas.subscriber, name="app")
    key, plaintext = generate_key(app=app, key_type="production", actor=personas.subscriber)
    for path in (
        "tenant",
        "membership",
        "invitation",
        "vendor",
        "aiapi",
        "plan",
        "apikey",
        "subscription",
        "personalaccesstoken",
        "auditlog",
    ):
        assert client.get(f"/admin/core/{path}/").status_code == 200, path
    page = client.get(f"/admin/core/apikey/{key.pk}/change/").content.decode()
    assert key.prefix in page
    assert plaintext not in page and key.digest not in page and key.lookup not in page
    found = client.get("/admin/core/apikey/", {"q": key.prefix}).content.decode()
    assert key.prefix in found


def test_admin_cannot_edit_what_services_write(client, operator, personas):
    plan = Plan.objects.filter(tenant=personas.tenant).first()
    assert client.post(f"/admin/core/plan/{plan.pk}/change/", {"name": "x"}).status_code == 403
    assert client.get("/admin/core/plan/add/").status_code == 403
    assert client.post(f"/admin/core/plan/{plan.pk}/delete/", {"post": "yes"}).status_code == 403
    plan.refresh_from_db()
    assert plan.name != "x"


def test_admin_revokes_keys_through_the_service(client, operator, personas):
    app = create_application(tenant=personas.tenant, owner=personas.subscriber, name="app")
    key, _ = generate_key(app=app, key_type="production", actor=personas.subscriber)
    client.post(
        "/admin/core/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    key = ApiKey.objects.get(pk=key.pk)
    assert key.revoked_at is not None
    assert AuditLog.objects.filter(action="key.revoke", actor=operator).exists()
