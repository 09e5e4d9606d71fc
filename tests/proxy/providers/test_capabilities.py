"""Optional driver capabilities: declared protocols, found on the driver classes that have them
and only there, and what the proxy does with them."""

from __future__ import annotations

import pytest

from proxy.ingress import open_call_driver, requested_model
from proxy.providers.capabilities import REQUESTED_MODEL, RESPONSE_HEADERS
from proxy.providers.registry import VENDORS, driver_class
from tests.proxy.providers.golden import make_call

# driver: (names the requested model, reads the response headers)
EXPECTED = {
    "openai": (False, False),
    "azure-openai": (False, False),
    "mistral": (False, False),
    "anthropic": (True, False),
    "gemini": (True, False),
    "cohere": (True, False),
    "custom": (True, True),
}
CHAT = {"model": "asked-model", "messages": [{"role": "user", "content": "hi"}]}


def test_every_registered_vendor_has_its_capabilities_stated_here():
    assert {entry.driver for entry in VENDORS} == set(EXPECTED)


@pytest.mark.parametrize("driver", EXPECTED)
def test_a_driver_has_exactly_the_capabilities_its_class_declares(driver):
    instance = driver_class(driver)(make_call(driver, payload=CHAT))
    found = (REQUESTED_MODEL[type(instance)], RESPONSE_HEADERS[type(instance)])
    assert found == EXPECTED[driver]


def test_the_requested_model_is_the_drivers_when_it_names_one():
    call = make_call(
        "gemini",
        payload={"contents": []},
        ingress="native",
        operation="/v1beta/models/gemini-2.5-flash:generateContent",
    )
    driver = driver_class("gemini")(call)
    assert requested_model(driver, "from-the-body") == "gemini-2.5-flash"


def test_the_requested_model_stays_the_gateways_when_the_driver_names_none():
    driver = driver_class("openai")(make_call("openai", payload=CHAT, ingress="native"))
    assert requested_model(driver, "from-the-body") == "from-the-body"


def test_a_wrapping_driver_is_resolved_on_its_own_class():
    call = make_call(
        "gemini",
        payload={"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]},
        ingress="anthropic",
        operation="/v1/messages",
    )
    wrapper = open_call_driver(driver_class("gemini"), call)
    assert not REQUESTED_MODEL[type(wrapper)]
    assert requested_model(wrapper, "from-the-body") == "from-the-body"
