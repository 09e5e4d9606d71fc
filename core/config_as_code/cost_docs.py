"""The document's prices and budgets (docs/costs.md). Budgets on a tenant or an API are
configuration; budgets on an application, a subscription or a key belong to developers' objects
and are managed in the portal or REST."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from core.config_as_code.schema import SecretRef, Strict

Money = Decimal


class PriceDoc(Strict):
    vendor: str = Field(min_length=1, max_length=63)
    model: str = Field(min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    input: Money = Field(ge=0, max_digits=18, decimal_places=6)
    output: Money = Field(ge=0, max_digits=18, decimal_places=6)
    cached_input: Money | None = Field(default=None, ge=0, max_digits=18, decimal_places=6)
    cache_write: Money | None = Field(default=None, ge=0, max_digits=18, decimal_places=6)
    reasoning: Money | None = Field(default=None, ge=0, max_digits=18, decimal_places=6)
    effective_from: datetime.date | None = None
    source: str = ""

    @property
    def key(self) -> str:
        return f"{self.vendor}/{self.model}@{self.effective_from or ''}"


class BudgetDoc(Strict):
    name: str = Field(min_length=1, max_length=100)
    scope: Literal["tenant", "api"]
    api: str = Field(default="", description="For scope api: the API's `name version`.")
    amount: Money = Field(gt=0, max_digits=14, decimal_places=6)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    period: Literal["day", "week", "month"]
    action: Literal["refuse", "downgrade"] = "refuse"
    downgrade_model: str = ""
    thresholds: list[int] = Field(default_factory=lambda: [50, 80, 100])
    notify_emails: list[str] = Field(default_factory=list)
    webhook_url: str = ""
    webhook_secret: SecretRef | None = None
    active: bool = True

    @property
    def key(self) -> str:
        return self.name
