"""The API type (chosen in Create AI API, changed on the Gateway page) and the Gateway page's
AIVAX-style settings, validated by core.services.gateway_settings on save."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.models import AiApi, AuditLog
from tests.publisher.conftest import builtin_version, make_api
from tests.publisher.test_create import DETAILS, details


def gateway_url(api: AiApi) -> str:
    return reverse("publisher:gateway", kwargs={"api_uuid": api.uuid})


def settings_form(**overrides) -> dict:
    data = {
        "api_type": "native",
        "system_prompt": "You are Acme's support assistant.",
        "assistant_prefill": "",
        "model": "gpt-4o-mini",
        "temperature": "0.2",
        "temperature_overridable": "on",
        "top_p": "",
        "max_tokens": "512",
        "stop": "END\nSTOP",
        "stop_overridable": "on",
    }
    return {key: value for key, value in {**data, **overrides}.items() if value is not None}


@pytest.mark.parametrize("api_type", ["native", "unified"])
def test_create_wizard_sets_the_api_type(client_as, personas, api_type):
    response = client_as("creator").post(DETAILS, details(builtin_version(), api_type=api_type))
    assert response.status_code == 302
    assert AiApi.objects.get(tenant=personas.tenant, name="Chat").api_type == api_type


def test_create_wizard_offers_both_types_and_defaults_to_native(client_as):
    url = f"{DETAILS}?vendor_version={builtin_version().pk}"
    content = client_as("creator").get(url).content.decode()
    assert "Vendor&#x27;s own format" in content and "OpenAI-compatible" in content
    assert re.search(r'<input type="radio" name="api_type" value="native"[^>]* checked', content)


def test_create_wizard_refuses_an_unknown_type(client_as):
    response = client_as("creator").post(DETAILS, details(builtin_version(), api_type="soap"))
    assert response.status_code == 400
    assert 'id="id_api_type_error"' in response.content.decode()


def test_page_shows_the_current_settings(client_as, acme_api, personas):
    from core.services import apis as api_services

    api_services.update_api(
        api=acme_api,
        actor=personas.creator,
        gateway_settings={
            "system_prompt": "Be brief.",
            "parameters": {"stop": {"value": ["\n\n"], "overridable": False}},
        },
    )
    content = client_as("publisher").get(gateway_url(acme_api)).content.decode()
    assert "Be brief." in content
    assert "[&quot;\\n\\n&quot;]" in content  # a line break is shown as a JSON array
    assert 'id="id_stop_overridable"' in content and "openai-api" in content
    assert "needs the creator role" in content  # publishers see, creators change


def test_save_stores_the_normalised_settings(client_as, acme_api, personas):
    client = client_as("creator")
    response = client.post(gateway_url(acme_api), settings_form(api_type="unified"))
    assert response.status_code == 302
    acme_api.refresh_from_db()
    assert acme_api.api_type == "unified"
    assert acme_api.gateway_settings == {
        "system_prompt": "You are Acme's support assistant.",
        "parameters": {
            "model": {"value": "gpt-4o-mini", "overridable": False},
            "temperature": {"value": 0.2, "overridable": True},
            "max_tokens": {"value": 512, "overridable": False},
            "stop": {"value": ["END", "STOP"], "overridable": True},
        },
    }
    assert "Saved the gateway settings." in client.get(gateway_url(acme_api)).content.decode()
    assert AuditLog.objects.filter(action="api.update", object_id=str(acme_api.pk)).exists()


def test_htmx_save_returns_the_panel_with_the_message(client_as, acme_api):
    response = client_as("creator").post(
        gateway_url(acme_api), settings_form(), HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="gateway-panel"' in content and "<html" not in content
    assert "Saved the gateway settings." in content


def test_clearing_everything_removes_the_settings(client_as, acme_api):
    client = client_as("creator")
    client.post(gateway_url(acme_api), settings_form())
    empty = {"api_type": "native", "system_prompt": "", "model": "", "max_tokens": "", "stop": ""}
    assert client.post(gateway_url(acme_api), empty).status_code == 302
    acme_api.refresh_from_db()
    assert acme_api.gateway_settings == {}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"temperature": "3"}, "temperature", "A number from 0 to 2."),
        ({"top_p": "1.5"}, "top_p", "A number from 0 to 1."),
        ({"max_tokens": "0"}, "max_tokens", "A whole number of tokens, at least 1."),
        ({"stop": '["a", ""]'}, "stop", "non-empty stop sequences"),
        ({"stop": '["a",'}, "stop", "Not a valid JSON array."),
        ({"temperature": "warm"}, "temperature", "Enter a number."),
        ({"system_prompt": "x" * 32_001}, "system_prompt", "At most 32000 characters."),
    ],
)
def test_field_errors(client_as, acme_api, overrides, field, message):
    response = client_as("creator").post(gateway_url(acme_api), settings_form(**overrides))
    content = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in content
    assert message in content
    acme_api.refresh_from_db()
    assert acme_api.gateway_settings == {}


def test_native_gemini_api_refuses_settings_until_it_is_openai_compatible(client_as, personas):
    api = make_api(personas.tenant, personas.creator, vendor="gemini", context="gem")
    client = client_as("creator")
    page = client.get(gateway_url(api)).content.decode()
    assert 'id="gateway-applies"' in page
    response = client.post(gateway_url(api), settings_form())
    assert response.status_code == 400
    assert "apply to OpenAI-compatible APIs" in response.content.decode()
    api.refresh_from_db()
    assert (api.api_type, api.gateway_settings) == ("native", {})
    assert client.post(gateway_url(api), settings_form(api_type="unified")).status_code == 302
    api.refresh_from_db()
    assert api.api_type == "unified" and api.gateway_settings["system_prompt"]


def test_publisher_cannot_save(client_as, acme_api):
    assert client_as("publisher").post(gateway_url(acme_api), settings_form()).status_code == 403
    acme_api.refresh_from_db()
    assert acme_api.gateway_settings == {}


def test_overview_shows_the_type_and_the_unified_operations(client_as, personas):
    api = make_api(personas.tenant, personas.creator, vendor="anthropic", context="claude")
    client = client_as("creator")
    client.post(gateway_url(api), settings_form(api_type="unified", system_prompt=""))
    content = client.get(reverse("publisher:overview", kwargs={"api_uuid": api.uuid})).content
    assert b"OpenAI-compatible" in content
    assert b"/chat/completions" in content and b"/v1/messages" in content
