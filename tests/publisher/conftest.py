"""Fixtures of the publisher-portal tests: signed-in clients per persona and a sample API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from core.models import AiApi, VendorVersion
from core.services import apis as api_services

MOCK_URL = "http://127.0.0.1:9/v1"


def builtin_version(slug: str = "openai") -> VendorVersion:
    return VendorVersion.objects.get(vendor__slug=slug, vendor__tenant__isnull=True)


def make_api(
    tenant,
    actor,
    *,
    context: str = "openaiapi",
    version: str = "1.0.0",
    vendor: str = "openai",
    name: str = "OpenAI API",
) -> AiApi:
    return api_services.create_api(
        tenant=tenant,
        actor=actor,
        name=name,
        context=context,
        version=version,
        vendor_version=builtin_version(vendor),
        endpoint_url=MOCK_URL,
    )


@pytest.fixture
def client_as(personas) -> Callable[[str], Client]:
    """`client_as("creator")`: a test client signed in as that persona."""

    def sign_in(role: str) -> Client:
        client = Client()
        client.force_login(getattr(personas, role))
        return client

    return sign_in


@pytest.fixture
def acme_api(personas) -> AiApi:
    return make_api(personas.tenant, personas.creator)


@pytest.fixture
def globex_api(personas) -> AiApi:
    return make_api(personas.outsider_tenant, personas.outsider, context="globex-ai")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
