"""Prices a tenant sets, budgets in money, and the threshold alerts already sent."""

from django.db import models

from core.models.access import ApiKey, Application, Subscription
from core.models.apis import AiApi
from core.models.tenants import Tenant


class ModelPrice(models.Model):
    """A tenant's price for one vendor's model from a date; it replaces the built-in price of
    that model (custom vendors and unknown models have only these)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="model_prices")
    vendor = models.CharField(max_length=63, help_text="Vendor slug, e.g. openai or a custom one.")
    model = models.CharField(max_length=200)
    aliases = models.JSONField(default=list, blank=True, help_text="Other names of the model.")
    currency = models.CharField(max_length=3, default="USD")
    input = models.DecimalField(
        max_digits=18, decimal_places=6, help_text="Per million prompt tokens."
    )
    output = models.DecimalField(
        max_digits=18, decimal_places=6, help_text="Per million completion tokens."
    )
    cached_input = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    cache_write = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    reasoning = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    effective_from = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "vendor", "model", "effective_from"],
                name="uniq_model_price_from",
                nulls_distinct=False,
            )
        ]
        ordering = ["vendor", "model", "effective_from"]

    def __str__(self) -> str:
        return f"{self.vendor}/{self.model}"


class BudgetScope(models.TextChoices):
    TENANT = "tenant", "Tenant"
    API = "api", "API"
    APPLICATION = "application", "Application"
    SUBSCRIPTION = "subscription", "Subscription"
    KEY = "key", "Key"


class BudgetPeriod(models.TextChoices):
    DAY = "day", "Day (UTC)"
    WEEK = "week", "Week (Monday, UTC)"
    MONTH = "month", "Calendar month (UTC)"


class BudgetAction(models.TextChoices):
    REFUSE = "refuse", "Refuse (429 budget_exceeded)"
    DOWNGRADE = "downgrade", "Downgrade to a cheaper model"


def default_thresholds() -> list[int]:
    return [50, 80, 100]


class Budget(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="budgets")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=20, choices=BudgetScope.choices)
    api = models.ForeignKey(AiApi, null=True, blank=True, on_delete=models.CASCADE)
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.CASCADE)
    subscription = models.ForeignKey(Subscription, null=True, blank=True, on_delete=models.CASCADE)
    key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.CASCADE)
    amount = models.DecimalField(max_digits=14, decimal_places=6)
    currency = models.CharField(max_length=3, default="USD")
    period = models.CharField(max_length=10, choices=BudgetPeriod.choices)
    action = models.CharField(
        max_length=10, choices=BudgetAction.choices, default=BudgetAction.REFUSE
    )
    downgrade_model = models.CharField(max_length=200, blank=True)
    thresholds = models.JSONField(default=default_thresholds)
    notify_emails = models.JSONField(default=list, blank=True)
    webhook_url = models.URLField(blank=True)
    webhook_secret_encrypted = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="uniq_budget_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BudgetAlert(models.Model):
    """One threshold crossed in one period: the unique row makes each alert fire once."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="alerts")
    period_start = models.DateTimeField()
    threshold = models.PositiveSmallIntegerField()
    spent = models.DecimalField(max_digits=24, decimal_places=12)
    sent_at = models.DateTimeField(auto_now_add=True)
    webhook_status = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "period_start", "threshold"], name="uniq_budget_alert"
            )
        ]

    def __str__(self) -> str:
        return f"{self.budget_id} {self.threshold}% @ {self.period_start:%Y-%m-%d}"
