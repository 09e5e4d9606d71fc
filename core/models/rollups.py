"""Usage rollups: per-minute and per-hour sums of UsageEvent rows, which the charts read.

One row per bucket and (tenant, api, application, model, key type, environment). Missing ids
are stored as 0, not NULL, so the unique constraint holds. Latency is kept as a histogram
(one count column per bucket of LATENCY_BOUNDS_MS, plus the overflow) so percentiles can be
computed over any sum of rows.
"""

from django.db import models

# Upper bounds (ms, inclusive) of the latency histogram buckets; slower calls go to overflow.
LATENCY_BOUNDS_MS: tuple[int, ...] = (
    10, 25, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 20000, 30000, 60000,
)  # fmt: skip
LATENCY_BUCKET_FIELDS: tuple[str, ...] = (
    *(f"latency_le_{bound}" for bound in LATENCY_BOUNDS_MS),
    "latency_over",
)


class Granularity(models.IntegerChoices):
    MINUTE = 60, "Minute"
    HOUR = 3600, "Hour"


class UsageRollup(models.Model):
    bucket_seconds = models.PositiveIntegerField(choices=Granularity.choices)
    bucket_start = models.DateTimeField()
    tenant_id = models.BigIntegerField()
    api_id = models.BigIntegerField(default=0)
    application_id = models.BigIntegerField(default=0)
    model = models.CharField(max_length=200, blank=True)
    key_type = models.CharField(max_length=10, blank=True)
    environment = models.CharField(max_length=63, blank=True)
    requests = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    throttled = models.PositiveIntegerField(default=0)  # 429s the gateway answered itself
    provider_throttled = models.PositiveIntegerField(default=0)  # 429s relayed from a provider
    quota_exceeded = models.PositiveIntegerField(default=0)
    prompt_tokens = models.PositiveBigIntegerField(default=0)
    completion_tokens = models.PositiveBigIntegerField(default=0)
    total_tokens = models.PositiveBigIntegerField(default=0)
    latency_sum_ms = models.FloatField(default=0)
    latency_max_ms = models.FloatField(default=0)
    cost_pico = models.BigIntegerField(default=0, db_default=0)  # 10⁻¹² of the price currency

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "bucket_seconds", "bucket_start", "tenant_id", "api_id", "application_id",
                    "model", "key_type", "environment",
                ],
                name="uniq_usage_rollup",
            )
        ]  # fmt: skip
        indexes = [models.Index(fields=["tenant_id", "bucket_seconds", "bucket_start"])]
        ordering = ["bucket_start"]

    def __str__(self) -> str:
        return f"{self.bucket_start:%Y-%m-%d %H:%M} /{self.bucket_seconds}s t{self.tenant_id}"


for _name in LATENCY_BUCKET_FIELDS:
    UsageRollup.add_to_class(_name, models.PositiveIntegerField(default=0))


class RollupCursor(models.Model):
    """How far the rollup worker has read UsageEvent ids (this run's and the previous run's)."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    previous_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_event_id}"
