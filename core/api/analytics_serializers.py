"""Input and output shapes of the usage analytics API (core/api/analytics.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from core.analytics import Bucket, GroupBy
from core.api.base import StrictSerializer
from core.api.shapes import identifier

RANGES: dict[str, timedelta] = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
DEFAULT_RANGE = "24h"
KEY_TYPES = ("production", "sandbox")
DEFAULT_TOP = 50


def default_bucket(span: timedelta) -> Bucket:
    """What the portals draw: minutes up to 6 hours, hours up to 8 days, then days."""
    if span <= timedelta(hours=6):
        return Bucket.MINUTE
    if span <= timedelta(days=8):
        return Bucket.HOUR
    return Bucket.DAY


class RepeatableListField(serializers.ListField):
    """A query parameter given repeatedly (`api=1&api=2`) or comma-separated (`api=1,2`)."""

    def get_value(self, dictionary):
        if not hasattr(dictionary, "getlist"):
            return super().get_value(dictionary)
        raw = dictionary.getlist(self.field_name)
        if not raw:
            return empty
        return [part.strip() for item in raw for part in item.split(",") if part.strip()]


class UsageQueryInput(StrictSerializer):
    """The time range, bucket, grouping and filters of an analytics query."""

    range = serializers.ChoiceField(
        sorted(RANGES), required=False, help_text="Up to now; the default is 24h."
    )
    start = serializers.DateTimeField(required=False, help_text="ISO 8601; instead of range.")
    end = serializers.DateTimeField(required=False, help_text="ISO 8601; default now.")
    bucket = serializers.ChoiceField(
        [b.value for b in Bucket],
        required=False,
        help_text="Default: minute up to 6 h, hour up to 8 days, else day (UTC days).",
    )
    group_by = serializers.ChoiceField([g.value for g in GroupBy], required=False)
    api = RepeatableListField(child=identifier(), required=False, help_text="API ids.")
    application = RepeatableListField(
        child=identifier(), required=False, help_text="Application ids."
    )
    key_type = RepeatableListField(child=serializers.ChoiceField(KEY_TYPES), required=False)
    environment = RepeatableListField(
        child=serializers.SlugField(max_length=63), required=False, help_text="Gateway slugs."
    )
    top = serializers.IntegerField(
        min_value=1,
        max_value=500,
        required=False,
        help_text=f"Only the busiest series (default {DEFAULT_TOP}); totals count every one.",
    )

    def validate(self, attrs: dict) -> dict:
        start, end = _time_range(attrs)
        attrs["start"], attrs["end"] = start, end
        attrs["bucket"] = Bucket(attrs.get("bucket") or default_bucket(end - start))
        if attrs.get("group_by"):
            attrs["group_by"] = GroupBy(attrs["group_by"])
        return attrs


def _time_range(attrs: dict) -> tuple[datetime, datetime]:
    named = attrs.pop("range", None)
    if named and ("start" in attrs or "end" in attrs):
        raise serializers.ValidationError({"range": ["Give either range or start and end."]})
    if "end" in attrs and "start" not in attrs:
        raise serializers.ValidationError({"start": ["Required when end is given."]})
    end = attrs.get("end") or timezone.now()
    start = attrs.get("start") or end - RANGES[named or DEFAULT_RANGE]
    if start >= end:
        raise serializers.ValidationError({"end": ["Must be after start."]})
    return start, end


class UsagePointSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="Start of the bucket (UTC).")
    requests = serializers.IntegerField()
    # DRF's metaclass moves declared fields off the class, so these names may shadow
    # Serializer attributes; the stubs cannot know.
    errors = serializers.IntegerField(  # type: ignore[assignment]
        help_text="Answers with status 400 or more."
    )
    throttled = serializers.IntegerField(help_text="Calls the gateway refused with 429 (limits).")
    quota_exceeded = serializers.IntegerField(help_text="Calls past a soft plan quota.")
    prompt_tokens = serializers.IntegerField()
    completion_tokens = serializers.IntegerField()
    total_tokens = serializers.IntegerField()
    latency_avg_ms = serializers.FloatField(allow_null=True)
    latency_p50_ms = serializers.FloatField(allow_null=True)
    latency_p95_ms = serializers.FloatField(allow_null=True)
    latency_p99_ms = serializers.FloatField(allow_null=True)
    provider_throttled = serializers.IntegerField(
        help_text="Answers with status 429 from the provider, relayed."
    )
    cost = serializers.DecimalField(
        max_digits=30, decimal_places=12, help_text="What the calls cost, in the prices' currency."
    )


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True},
)
class GroupField(serializers.Field):
    """An API or application id, a model name or a key type; null when ungrouped."""

    def to_representation(self, value):
        return value


class SeriesTotalsSerializer(serializers.Serializer):
    group = GroupField(help_text="API id, application id, model or key type; null: ungrouped.")
    label = serializers.SerializerMethodField()  # type: ignore[assignment]  # a declared field
    totals = UsagePointSerializer()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_label(self, series) -> str | None:
        return self.context.get("labels", {}).get(series.group)


class SeriesSerializer(SeriesTotalsSerializer):
    points = UsagePointSerializer(many=True, help_text="One per bucket, zeros where idle.")


class _ReportBase(serializers.Serializer):
    start = serializers.DateTimeField(source="query.start")
    end = serializers.DateTimeField(source="query.end")
    bucket = serializers.CharField(source="query.bucket.value")
    group_by = serializers.CharField(source="query.group_by.value", allow_null=True, default=None)
    totals = UsagePointSerializer()
    series_count = serializers.SerializerMethodField()

    def get_series_count(self, report) -> int:
        return len(report.series)


class UsageReportSerializer(_ReportBase):
    buckets = serializers.ListField(child=serializers.DateTimeField())
    series = serializers.SerializerMethodField()

    @extend_schema_field(SeriesSerializer(many=True))
    def get_series(self, report) -> list[dict]:
        top = report.series[: self.context.get("top", DEFAULT_TOP)]
        return list(SeriesSerializer(top, many=True, context=self.context).data)


class UsageSummarySerializer(_ReportBase):
    groups = serializers.SerializerMethodField()

    @extend_schema_field(SeriesTotalsSerializer(many=True))
    def get_groups(self, report) -> list[dict]:
        top = report.series[: self.context.get("top", DEFAULT_TOP)]
        return list(SeriesTotalsSerializer(top, many=True, context=self.context).data)


class QuotaLimitSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(
        ["requests", "total_tokens", "prompt_tokens", "completion_tokens"]
    )
    limit = serializers.IntegerField()
    used = serializers.IntegerField(allow_null=True, help_text="Null when it cannot be told.")
    remaining = serializers.IntegerField(allow_null=True)


class SubscriptionQuotaSerializer(serializers.Serializer):
    subscription = serializers.IntegerField(source="subscription.pk")
    application = serializers.IntegerField(source="subscription.application_id")
    application_name = serializers.CharField(source="subscription.application.name")
    api = serializers.IntegerField(source="subscription.api_id")
    api_name = serializers.CharField(source="subscription.api.name")
    api_version = serializers.CharField(source="subscription.api.version")
    plan = serializers.IntegerField(source="subscription.plan_id")
    plan_name = serializers.CharField(source="subscription.plan.name")
    status = serializers.CharField(source="subscription.status")
    stop_on_quota = serializers.BooleanField(source="subscription.plan.stop_on_quota")
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a declared field
        ["counters", "rollups"],
        help_text="counters: the gateway's live counters; rollups: usage rollups (trail ~10 s).",
    )
    limits = QuotaLimitSerializer(many=True)


class QuotaQueryInput(StrictSerializer):
    application = identifier(required=False)
    api = identifier(required=False)
