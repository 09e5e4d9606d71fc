"""The one gateway-URL builder: full `/t/{tenant}/…` URLs, the environment's base first, and
the short alias for the default tenant only."""

from __future__ import annotations

import pytest

from core.gateway_urls import gateway_url, short_gateway_url
from tests.core.builders import make_api

pytestmark = pytest.mark.django_db


def test_full_url_on_the_environment_base_else_the_gateway_url(personas, settings):
    settings.GATEWAY_URL = "http://gw.test:8080/"
    api = make_api(personas.tenant, personas.admin, context="support", version="1.0.0")
    environment = personas.tenant.environments.get(is_default=True)
    assert gateway_url(api) == "http://gw.test:8080/t/acme/support/1.0.0"
    assert gateway_url(api, environment) == "http://gw.test:8080/t/acme/support/1.0.0"
    environment.gateway_url = "https://eu.gw.test/"
    assert gateway_url(api, environment) == "https://eu.gw.test/t/acme/support/1.0.0"


def test_short_alias_only_for_the_default_tenant(personas, settings):
    settings.GATEWAY_URL = "http://gw.test"
    api = make_api(personas.tenant, personas.admin, context="{version}/chat", version="2.0")
    settings.DEFAULT_TENANT = "globex"
    assert short_gateway_url(api) is None
    settings.DEFAULT_TENANT = "acme"
    assert short_gateway_url(api) == "http://gw.test/2.0/chat"
    assert gateway_url(api) == "http://gw.test/t/acme/2.0/chat"
