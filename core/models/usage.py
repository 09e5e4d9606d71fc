"""Usage events: one row per proxied call, stored exactly once per request id."""

from django.db import models


class UsageEvent(models.Model):
    """Plain ids rather than foreign keys: usage outlives the objects and is written in bulk."""

    request_id = models.CharField(max_length=64, unique=True)
    ts = models.DateTimeField(db_index=True)
    tenant_id = models.BigIntegerField(null=True, db_index=True)
    api_id = models.BigIntegerField(null=True)
    revision_id = models.BigIntegerField(null=True)
    application_id = models.BigIntegerField(null=True)
    key_id = models.BigIntegerField(null=True)
    key_type = models.CharField(max_length=10, blank=True)
    environment = models.CharField(max_length=63, blank=True)
    vendor = models.CharField(max_length=63, blank=True)
    model_requested = models.CharField(max_length=200, blank=True)
    model_answered = models.CharField(max_length=200, blank=True)
    operation = models.CharField(max_length=100, blank=True)
    status = models.PositiveSmallIntegerField()
    error_code = models.CharField(max_length=63, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    total_tokens = models.PositiveIntegerField(default=0)
    upstream_latency_ms = models.FloatField(null=True)
    total_latency_ms = models.FloatField()
    streamed = models.BooleanField(default=False)
    quota_exceeded = models.BooleanField(default=False)
    # Why a stream that had started ended early (upstream_closed, upstream_timeout,
    # client_disconnected, shutdown); empty when it ended whole or was not streamed.
    stream_cut = models.CharField(max_length=32, blank=True, default="", db_default="")
    # The caller's own x-request-id (request_id stays the gateway's, the idempotency key).
    client_request_id = models.CharField(max_length=128, blank=True, default="", db_default="")
    # With a target pool: the target that answered, the targets tried, and why each attempt
    # before the last moved on ("name:5xx,name:timeout"); "", 1 and "" without a pool.
    target = models.CharField(max_length=100, blank=True, default="", db_default="")
    attempts = models.PositiveSmallIntegerField(default=1, db_default=1)
    failovers = models.CharField(max_length=500, blank=True, default="", db_default="")
    # The knowledge passages retrieved for the call: {"sources": [...], "rewrite_tokens": n}.
    knowledge = models.TextField(blank=True, default="", db_default="")
    # What the API's AI policies did, as JSON [[policy, action], …] (blocked, reported,
    # masked, templated, decorated); empty when none acted.
    policy_actions = models.TextField(blank=True, default="", db_default="")
    # Prompt tokens read from / written to the provider's cache, reasoning tokens (each part of
    # the prompt or completion count); the cost in picos (10⁻¹² of `currency`, null: unpriced).
    cached_tokens = models.PositiveIntegerField(default=0, db_default=0)
    cache_write_tokens = models.PositiveIntegerField(default=0, db_default=0)
    reasoning_tokens = models.PositiveIntegerField(default=0, db_default=0)
    cost_pico = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, default="", db_default="")
    downgraded_from = models.CharField(max_length=200, blank=True, default="", db_default="")

    class Meta:
        indexes = [
            models.Index(fields=["tenant_id", "api_id", "ts"]),
            models.Index(fields=["tenant_id", "application_id", "ts"]),
        ]
        ordering = ["-ts"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status}"
