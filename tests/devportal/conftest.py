"""Fixtures of the developer-portal tests: a catalog with an API in every lifecycle state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from core.models import AiApi
from core.models import LifecycleState as S
from tests.core.builders import deploy, make_api, move_to

MOCK_URL = "http://127.0.0.1:9/v1"


@dataclass
class Catalog:
    published: AiApi  # deployed, tags chat + openai
    undeployed: AiApi  # published, never deployed (Mistral)
    deprecated: AiApi
    prototyped: AiApi
    created: AiApi
    blocked: AiApi
    retired: AiApi
    foreign: AiApi  # globex's published, deployed API

    @property
    def listed(self) -> list[AiApi]:
        return [self.published, self.undeployed, self.deprecated, self.prototyped]

    @property
    def hidden(self) -> list[AiApi]:
        return [self.created, self.blocked, self.retired, self.foreign]


def catalog_api(
    tenant,
    actor,
    name: str,
    state: str,
    *,
    deployed: bool = True,
    vendor: str = "openai",
    tags: list[str] | None = None,
    url: str = MOCK_URL,
) -> AiApi:
    slug = name.lower().replace(" ", "-")
    api = make_api(tenant, actor, name=name, context=slug, version="1.0.0", vendor=vendor, url=url)
    if tags:
        AiApi.objects.filter(pk=api.pk).update(tags=tags, description=f"{name} for testing.")
    if deployed:
        deploy(api, actor)
    return move_to(api, state, actor)


@pytest.fixture(autouse=True)
def _fast_passwords(request, settings):
    """Cheap hashing, except where other processes (the stack's web) must check passwords."""
    if not {"stack", "live_server"} & set(request.fixturenames):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalog(personas) -> Catalog:
    acme, actor = personas.tenant, personas.admin
    return Catalog(
        published=catalog_api(acme, actor, "Chat", S.PUBLISHED, tags=["chat", "openai"]),
        undeployed=catalog_api(
            acme,
            actor,
            "Mistral Chat",
            S.PUBLISHED,
            deployed=False,
            vendor="mistral",
            tags=["mistral"],
        ),
        deprecated=catalog_api(acme, actor, "Old Chat", S.DEPRECATED, tags=["chat"]),
        prototyped=catalog_api(acme, actor, "Proto Chat", S.PROTOTYPED),
        created=catalog_api(acme, actor, "Draft Chat", S.CREATED),
        blocked=catalog_api(acme, actor, "Blocked Chat", S.BLOCKED),
        retired=catalog_api(acme, actor, "Retired Chat", S.RETIRED),
        foreign=catalog_api(
            personas.outsider_tenant, personas.outsider, "Globex Secret", S.PUBLISHED, tags=["chat"]
        ),
    )


@pytest.fixture
def client_as(personas) -> Callable[[str], Client]:
    """`client_as("subscriber")`: a test client signed in as that persona."""

    def sign_in(role: str) -> Client:
        client = Client()
        client.force_login(getattr(personas, role))
        return client

    return sign_in


@pytest.fixture
def developer(client_as) -> Client:
    return client_as("subscriber")
