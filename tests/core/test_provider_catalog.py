"""The built-in vendors (the vendor registry's catalog entries) as `migrate` syncs them, the
unified operation set the compiler publishes, and the validation of gateway settings on the
control-plane side."""

from __future__ import annotations

import pytest

from core.catalog import sync_builtin_vendors
from core.errors import InvalidInput
from core.models import VendorVersion
from core.registry.compiler import freeze_config
from core.services import apis
from core.services.gateway_settings import clean_gateway_settings
from proxy.providers.common.usage_paths import validate_usage_paths
from proxy.providers.registry import builtin_catalog, driver_class
from tests.core.builders import make_api

NEW_VENDORS = {
    # slug: (driver, auth name, auth prefix, a native operation)
    "anthropic": ("anthropic", "x-api-key", "", ("POST", "/v1/messages")),
    "gemini": (
        "gemini",
        "x-goog-api-key",
        "",
        ("POST", "/v1beta/models/{model}:generateContent"),
    ),
    "cohere": ("cohere", "Authorization", "Bearer ", ("POST", "/v2/chat")),
    "openai-compatible": ("openai", "Authorization", "Bearer ", ("POST", "/chat/completions")),
}
UNIFIED_ON_TRANSLATED = [("POST", "/chat/completions"), ("POST", "/v1/messages")]


def version_of(slug: str) -> VendorVersion:
    return VendorVersion.objects.get(vendor__slug=slug, vendor__tenant=None)


@pytest.mark.django_db
@pytest.mark.parametrize("entry", builtin_catalog(), ids=lambda entry: entry.slug)
def test_every_registered_vendor_is_synced_as_its_catalog_entry_says(entry):
    sync_builtin_vendors()
    version = version_of(entry.slug)
    assert (version.vendor.name, version.version, version.driver, version.base_url) == (
        entry.name,
        entry.version,
        entry.driver,
        entry.base_url,
    )
    assert (version.api_definition, version.usage_paths, version.settings) == (
        entry.api_definition,
        entry.usage_paths,
        entry.settings,
    )
    assert driver_class(version.driver)  # the proxy has a driver by that name
    assert version.operations() and all(op["summary"] for op in version.operations())
    assert validate_usage_paths(version.usage_paths) == {}
    assert {"prompt_tokens", "completion_tokens"} <= set(version.usage_paths)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", NEW_VENDORS)
def test_builtin_vendor_is_synced_with_an_honest_definition(slug):
    sync_builtin_vendors()
    sync_builtin_vendors()  # idempotent
    version = version_of(slug)
    driver, auth_name, prefix, operation = NEW_VENDORS[slug]
    assert (version.driver, version.auth_scheme, version.auth_name, version.auth_prefix) == (
        driver,
        "header",
        auth_name,
        prefix,
    )
    assert driver_class(version.driver)  # the proxy has a driver by that name
    assert operation in {(op["method"], op["path"]) for op in version.operations()}
    assert all(op["summary"] for op in version.operations())
    assert validate_usage_paths(version.usage_paths) == {}
    assert {"prompt_tokens", "completion_tokens"} <= set(version.usage_paths)


@pytest.mark.django_db
def test_driver_settings_of_the_builtins():
    sync_builtin_vendors()
    assert version_of("anthropic").settings == {"anthropic_version": "2023-06-01"}
    assert version_of("gemini").settings == {"api_version": "v1beta"}
    assert version_of("openai-compatible").base_url.startswith("https://")


def operations_of(api) -> list[tuple[str, str]]:
    return [(op["method"], op["path"]) for op in freeze_config(api)["operations"]]


@pytest.mark.parametrize("vendor", ["anthropic", "gemini", "cohere"])
def test_a_unified_api_publishes_the_unified_operations(personas, vendor):
    api = make_api(personas.tenant, personas.creator, vendor=vendor, context=f"{vendor}")
    native = operations_of(api)
    assert ("POST", "/chat/completions") not in native
    apis.update_api(api=api, actor=personas.creator, api_type="unified")
    assert operations_of(api) == UNIFIED_ON_TRANSLATED


def test_a_unified_api_on_openai_keeps_what_openai_offers(personas):
    api = make_api(personas.tenant, personas.creator)
    apis.update_api(api=api, actor=personas.creator, api_type="unified")
    assert operations_of(api) == [
        *UNIFIED_ON_TRANSLATED,
        ("POST", "/completions"),
        ("POST", "/embeddings"),
        ("GET", "/models"),
    ]


SETTINGS = {
    "system_prompt": "You are Acme's assistant.",
    "parameters": {
        "model": {"value": "gpt-4o-mini", "overridable": False},
        "stop": {"value": "END"},
    },
}


def test_gateway_settings_are_validated_and_normalised_on_save(personas):
    api = make_api(personas.tenant, personas.creator)
    apis.update_api(api=api, actor=personas.creator, gateway_settings=SETTINGS)
    api.refresh_from_db()
    assert api.gateway_settings == {
        "system_prompt": "You are Acme's assistant.",
        "parameters": {
            "model": {"value": "gpt-4o-mini", "overridable": False},
            "stop": {"value": ["END"], "overridable": True},
        },
    }
    assert freeze_config(api)["gateway_settings"] == api.gateway_settings


def test_invalid_gateway_settings_name_the_field(personas):
    api = make_api(personas.tenant, personas.creator)
    bad = {"parameters": {"temperature": {"value": 7}, "top_p": {"value": "high"}}}
    with pytest.raises(InvalidInput) as raised:
        apis.update_api(api=api, actor=personas.creator, gateway_settings=bad)
    assert set(raised.value.fields) == {"temperature", "top_p"}


def test_settings_are_refused_where_no_request_shape_can_carry_them(personas):
    api = make_api(personas.tenant, personas.creator, vendor="gemini", context="gemini")
    with pytest.raises(InvalidInput) as raised:
        apis.update_api(api=api, actor=personas.creator, gateway_settings=SETTINGS)
    assert "gateway_settings" in raised.value.fields
    apis.update_api(api=api, actor=personas.creator, api_type="unified", gateway_settings=SETTINGS)
    with pytest.raises(InvalidInput):  # back to native Gemini with the settings still on
        apis.update_api(api=api, actor=personas.creator, api_type="native")


def test_clean_gateway_settings_accepts_empty_settings_anywhere():
    assert clean_gateway_settings({}, api_type="native", driver="custom") == {}
    assert clean_gateway_settings(None, api_type="native", driver="gemini") == {}
