"""Contract tests: the OpenAPI schema as the server exports it, a populated tenant, and a
personal access token per role."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from core.api.auth import create_token

ROLES = ("admin", "creator", "publisher", "subscriber")


def exported_schema() -> dict:
    """What `/api/v1/schema/?format=json` answers (and `manage.py spectacular` writes)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tokens(personas) -> dict[str, str]:
    """A read-write token per role in `acme`."""
    return {
        role: create_token(
            user=getattr(personas, role),
            name=f"{role} fuzz",
            access="write",
            tenant=personas.tenant,
        )[1]
        for role in ROLES
    }


@pytest.fixture
def wsgi_app():
    """The WSGI application, called in process within the test's transaction: as Django's
    test client does, requests do not close the database connection when they finish."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from core.wsgi import application

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield application
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)
