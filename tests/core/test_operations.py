"""One answer to "what does this API offer": compiler, publisher overview and devportal agree."""

import pytest

from core.models import VendorVersion
from core.operations import api_definition, offered_operations
from core.services.apis import create_api
from devportal.catalog import operations as devportal_operations


def make(personas, vendor: str, api_type: str):
    return create_api(
        tenant=personas.tenant, actor=personas.creator, name=f"{vendor}-{api_type}",
        context=f"{vendor}-{api_type}", version="1.0.0", api_type=api_type,
        vendor_version=VendorVersion.objects.filter(vendor__slug=vendor).first(),
    )  # fmt: skip


@pytest.mark.django_db
def test_native_api_offers_the_vendors_own_operations(personas):
    api = make(personas, "anthropic", "native")
    paths = {op["path"] for op in offered_operations(api)}
    assert "/v1/messages" in paths and "/chat/completions" not in paths


@pytest.mark.django_db
def test_unified_api_offers_openai_operations_with_the_vendors_model(personas):
    api = make(personas, "anthropic", "unified")
    paths = [op["path"] for op in offered_operations(api)]
    assert paths[:2] == ["/chat/completions", "/v1/messages"]
    chat = api_definition(api)["paths"]["/chat/completions"]["post"]
    example = chat["requestBody"]["content"]["application/json"]["example"]
    assert example["model"].startswith("claude")
    first = devportal_operations(api)[0]
    assert first.path == "/chat/completions" and "claude" in first.example
