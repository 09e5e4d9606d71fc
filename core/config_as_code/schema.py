"""The YAML document a tenant's gateway configuration lives in, validated with pydantic.

Unknown fields are errors (a typo must not be ignored silently), and every error names its
field path, e.g. `apis[0].endpoints.production.url`. Objects are identified by their natural
keys: vendors and environments by slug, plans by name, APIs by name and version.
"""

from __future__ import annotations

from typing import Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

API_VERSION: Final = "tollgate.dev/v1"
KIND: Final = "TenantConfig"
SECRET_REF_PATTERN = r"^(stored|env:[A-Za-z_][A-Za-z0-9_]*)$"
Lifecycle = Literal["CREATED", "PROTOTYPED", "PUBLISHED", "BLOCKED", "DEPRECATED", "RETIRED"]


class ConfigError(Exception):
    """A document that cannot be read or applied; `problems` maps field paths to messages."""

    def __init__(self, message: str, problems: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or {}

    def __str__(self) -> str:
        lines = [self.message]
        lines += [f"  {path}: {m}" for path, ms in self.problems.items() for m in ms]
        return "\n".join(lines)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecretRef(Strict):
    """Where a provider key comes from: `stored` keeps the key the endpoint has, `env:NAME`
    reads it from the environment of `manage.py tollgate apply`."""

    secretRef: str = Field(pattern=SECRET_REF_PATTERN)


class EndpointDoc(Strict):
    url: str
    credential: SecretRef | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    # As the first target (`primary`) of the side's pool; left out: 1 and 0.
    weight: int | None = Field(default=None, ge=1, le=1000)
    priority: int | None = Field(default=None, ge=0, le=100)


class TargetDoc(Strict):
    """One more target of a side's pool (docs/routing.md); the endpoint is the first."""

    name: str = Field(pattern=r"^[-a-zA-Z0-9_]{1,50}$")
    url: str
    credential: SecretRef | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    vendor: str = Field(default="", description="Another vendor's slug; empty: the API's.")
    vendor_version: str = ""
    model: str = Field(default="", max_length=200)
    weight: int = Field(default=1, ge=1, le=1000)
    priority: int = Field(default=0, ge=0, le=100)


class PolicyDoc(Strict):
    """One AI policy (docs/policies.md), in execution order within `policies`."""

    kind: str = Field(min_length=1, description="regex_guard, pii, prompt_template, …")
    flow: Literal["request", "response"] = "request"
    operation: str = Field(default="", description="An operation path; empty for all.")
    name: str = Field(default="", max_length=64)
    parameters: dict[str, Any] = Field(default_factory=dict)


class ApiDoc(Strict):
    name: str = Field(min_length=1, max_length=100)
    version: str = Field(min_length=1, max_length=30)
    context: str = Field(min_length=1)
    vendor: str = Field(min_length=1, description="Vendor slug: built-in or one of `vendors`.")
    vendor_version: str = ""
    api_type: Literal["native", "unified"] = "native"
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    lifecycle_state: Lifecycle = "CREATED"
    allowed_plans: list[str] = Field(default_factory=list)
    backend_limits: dict[str, Any] = Field(default_factory=dict)
    request_size_limit: int | None = Field(default=None, ge=1)
    gateway_settings: dict[str, Any] = Field(default_factory=dict)
    pass_provider_headers: bool = Field(
        default=False,
        description="Pass the provider account's own headers (rate limits, organization) on to "
        "callers.",
    )
    endpoints: dict[str, EndpointDoc] = Field(default_factory=dict)
    targets: dict[str, list[TargetDoc]] | None = Field(
        default=None,
        description="More targets per side (production, sandbox) besides its endpoint.",
    )
    routing: dict[str, Any] | None = Field(
        default=None, description="Balancing, retries and circuits of the pools (docs/routing.md)."
    )
    policies: list[PolicyDoc] = Field(default_factory=list)
    deployments: list[str] = Field(
        default_factory=list, description="Environment slugs serving the current configuration."
    )
    is_default_version: bool = Field(
        default=False,
        description="The version the developer portal shows first among the API's versions.",
    )

    @field_validator("endpoints")
    @classmethod
    def _endpoint_kinds(cls, endpoints: dict[str, EndpointDoc]) -> dict[str, EndpointDoc]:
        unknown = sorted(set(endpoints) - {"production", "sandbox"})
        if unknown:
            raise ValueError(f"only production and sandbox, not {', '.join(unknown)}")
        return endpoints

    @field_validator("targets")
    @classmethod
    def _target_kinds(
        cls, targets: dict[str, list[TargetDoc]] | None
    ) -> dict[str, list[TargetDoc]] | None:
        unknown = sorted(set(targets or {}) - {"production", "sandbox"})
        if unknown:
            raise ValueError(f"only production and sandbox, not {', '.join(unknown)}")
        for kind, side in (targets or {}).items():
            names = [t.name for t in side]
            if len(set(names)) != len(names) or "primary" in names:
                raise ValueError(f"{kind}: target names are unique and not primary")
        return targets or None

    @property
    def key(self) -> str:
        return f"{self.name} {self.version}"


class PlanDoc(Strict):
    name: str = Field(min_length=1, max_length=60)
    description: str = ""
    request_limit: int | None = Field(default=None, ge=0)
    total_token_limit: int | None = Field(default=None, ge=0)
    prompt_token_limit: int | None = Field(default=None, ge=0)
    completion_token_limit: int | None = Field(default=None, ge=0)
    unit_seconds: int = Field(default=60, ge=1)
    stop_on_quota: bool = True

    @property
    def key(self) -> str:
        return self.name


class EnvironmentDoc(Strict):
    slug: str = Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=63)
    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    gateway_url: str = ""

    @property
    def key(self) -> str:
        return self.slug


class VendorVersionDoc(Strict):
    version: str = Field(min_length=1)
    base_url: str
    auth_scheme: Literal["header", "query", "none"] = "header"
    auth_name: str = ""
    auth_prefix: str = ""
    usage_paths: dict[str, str] = Field(default_factory=dict)
    api_definition: dict[str, Any]


class VendorDoc(Strict):
    slug: str = Field(pattern=r"^[-a-z0-9]+$", max_length=63)
    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    versions: list[VendorVersionDoc] = Field(min_length=1)

    @property
    def key(self) -> str:
        return self.slug


class TenantDoc(Strict):
    apiVersion: Literal["tollgate.dev/v1"] = API_VERSION
    kind: Literal["TenantConfig"] = KIND
    tenant: str = Field(default="", description="The exported tenant's slug; informational.")
    vendors: list[VendorDoc] = Field(default_factory=list)
    environments: list[EnvironmentDoc] = Field(default_factory=list)
    plans: list[PlanDoc] = Field(default_factory=list)
    apis: list[ApiDoc] = Field(default_factory=list)
    prices: list[PriceDoc] = Field(default_factory=list)
    budgets: list[BudgetDoc] = Field(default_factory=list)

    @field_validator("vendors", "environments", "plans", "apis", "prices", "budgets")
    @classmethod
    def _unique_keys(cls, items: list) -> list:
        seen: set[str] = set()
        for item in items:
            if item.key in seen:
                raise ValueError(f"{item.key!r} appears twice")
            seen.add(item.key)
        return items


from core.config_as_code.cost_docs import BudgetDoc, PriceDoc  # noqa: E402 (they use Strict)

TenantDoc.model_rebuild()


def field_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(document)"


def parse_document(text: str | bytes) -> TenantDoc:
    """The validated document, or ConfigError naming each bad field by its path."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"Not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    return validate_data(data)


def validate_data(data: Any) -> TenantDoc:
    """A document already parsed (YAML or JSON), validated."""
    if not isinstance(data, dict):
        raise ConfigError("The document must be a mapping with apiVersion: tollgate.dev/v1.")
    try:
        return TenantDoc.model_validate(data)
    except ValidationError as exc:
        problems: dict[str, list[str]] = {}
        for error in exc.errors(include_url=False):
            problems.setdefault(field_path(error["loc"]), []).append(error["msg"])
        raise ConfigError("Invalid configuration.", problems) from None


def dump_document(doc: TenantDoc) -> str:
    data = doc.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
