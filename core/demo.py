"""The demo tenant `make up` seeds: three users, plans, and a published API on the demo upstream."""

from __future__ import annotations

import json
import secrets
import shlex
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from core.models import AiApi, ApiKey, Application, Membership, Tenant, VendorVersion
from core.services import access, apis, deployments, lifecycle, tenants

DEMO_USERS = (
    ("admin", ["admin"]),
    ("publisher", ["creator", "publisher"]),
    ("developer", ["subscriber"]),
)
DEMO_PROVIDER_KEY = "mock-provider-key"


@dataclass
class DemoInfo:
    tenant: str
    passwords: dict[str, str] = field(default_factory=dict)
    api_route: str = ""
    production_key: str = ""


def info_path() -> Path:
    return Path(settings.DATA_DIR) / "demo.json"


def load_info() -> DemoInfo | None:
    path = info_path()
    return DemoInfo(**json.loads(path.read_text())) if path.exists() else None


def shell_env_path() -> Path:
    return Path(settings.DATA_DIR) / "demo.env"


def write_shell_env(info: DemoInfo, *, gateway_url: str, web_url: str) -> Path:
    """`var/demo.env`, for `source var/demo.env`: the demo key and URLs the README uses."""
    values = {
        "TOLLGATE_API_KEY": info.production_key,
        "TOLLGATE_GATEWAY": gateway_url,
        "TOLLGATE_WEB": web_url,
    }
    lines = [f"export {name}={shlex.quote(value)}" for name, value in values.items()]
    path = shell_env_path()
    path.write_text("# Written by `make up`: the demo's key and URLs.\n" + "\n".join(lines) + "\n")
    path.chmod(0o600)
    return path


def seed(mock_url: str) -> DemoInfo:
    info = load_info() or DemoInfo(tenant=settings.DEFAULT_TENANT)
    with (
        override_settings(ALLOW_PRIVATE_UPSTREAMS=True, ALLOW_HTTP_UPSTREAMS=True),
        transaction.atomic(),
    ):
        tenant = Tenant.objects.filter(slug=info.tenant).first() or tenants.create_tenant(
            slug=info.tenant, name="Demo Organization"
        )
        users = {name: _ensure_user(tenant, name, roles, info) for name, roles in DEMO_USERS}
        api = _ensure_api(tenant, users["publisher"], mock_url)
        _ensure_application(tenant, users["developer"], api, info)
    info.api_route = api.resolved_context
    info_path().write_text(json.dumps(asdict(info), indent=2))
    info_path().chmod(0o600)
    return info


def _ensure_user(tenant: Tenant, username: str, roles: list[str], info: DemoInfo):
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None or username not in info.passwords:
        password = info.passwords.get(username) or f"{username}-{secrets.token_urlsafe(6)}"
        user = user or user_model(username=username, email=f"{username}@demo.test")
        user.set_password(password)
        user.is_staff = user.is_superuser = username == "admin"
        user.save()
        info.passwords[username] = password
    if not Membership.objects.filter(tenant=tenant, user=user).exists():
        tenants.add_member(tenant=tenant, user=user, roles=roles, actor=None)
    return user


def _ensure_api(tenant: Tenant, publisher, mock_url: str) -> AiApi:
    api = AiApi.objects.filter(tenant=tenant, context="demo-openai", version="v1").first()
    if api:
        return api
    api = apis.create_api(
        tenant=tenant,
        actor=publisher,
        name="Demo OpenAI (mock provider)",
        context="demo-openai",
        version="v1",
        vendor_version=VendorVersion.objects.get(vendor__slug="openai", vendor__tenant=None),
        description="Fronts the demo upstream, a stand-in for OpenAI with canned answers, so "
        "you can try the gateway without an OpenAI account.",
        tags=["demo", "openai"],
        endpoint_url=f"{mock_url}/openai/v1",
    )
    for kind in ("production", "sandbox"):
        apis.set_endpoint(api=api, kind=kind, actor=publisher, credential=DEMO_PROVIDER_KEY)
    revision = deployments.create_revision(api=api, actor=publisher, description="Demo")
    environment = tenant.environments.get(is_default=True)
    deployments.deploy_revision(revision=revision, environment=environment, actor=publisher)
    lifecycle.change_lifecycle(api=api, to_state="PUBLISHED", actor=publisher)
    return api


def _ensure_application(tenant: Tenant, developer, api: AiApi, info: DemoInfo) -> None:
    app = Application.objects.filter(tenant=tenant, owner=developer, name="Demo App").first()
    if app is None:
        app = access.create_application(
            tenant=tenant, owner=developer, name="Demo App", description="The demo application."
        )
        access.subscribe(app=app, api=api, plan=tenant.plans.get(name="Gold"), actor=developer)
    key_alive = ApiKey.objects.filter(application=app, revoked_at__isnull=True).exists()
    if not info.production_key or not key_alive:
        _key, info.production_key = access.generate_key(
            app=app, key_type="production", actor=developer, name="Demo key"
        )
