"""The built-in AI vendors, kept in the catalog after every migrate (idempotent).

Which vendors there are, and what the catalog shows of each, is the proxy's vendor registry
(`proxy/providers/registry.py`): one line per vendor, its entries in the vendor's package.
"""

from __future__ import annotations

from proxy.public import builtin_catalog, openai_style_definition

__all__ = ["openai_style_definition", "sync_builtin_vendors"]


def sync_builtin_vendors(**_kwargs) -> None:
    from core.models import Vendor, VendorVersion

    for spec in builtin_catalog():
        vendor, _ = Vendor.objects.update_or_create(
            tenant=None,
            slug=spec.slug,
            defaults={"name": spec.name, "description": spec.description},
        )
        VendorVersion.objects.update_or_create(
            vendor=vendor,
            version=spec.version,
            defaults={
                "driver": spec.driver,
                "base_url": spec.base_url,
                "auth_scheme": "header",
                "auth_name": spec.auth_name,
                "auth_prefix": spec.auth_prefix,
                "api_definition": spec.api_definition,
                "usage_paths": spec.usage_paths,
                "settings": spec.settings,
            },
        )
