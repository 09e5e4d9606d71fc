"""Output serializers both audiences share."""

from __future__ import annotations

from rest_framework import serializers

from core.models import Subscription


class SubscriptionSerializer(serializers.ModelSerializer):
    application_name = serializers.CharField(source="application.name")
    owner = serializers.CharField(source="application.owner.username")
    api_name = serializers.CharField(source="api.name")
    api_version = serializers.CharField(source="api.version")
    plan_name = serializers.CharField(source="plan.name")

    class Meta:
        model = Subscription
        fields = [
            "id",
            "application",
            "application_name",
            "owner",
            "api",
            "api_name",
            "api_version",
            "plan",
            "plan_name",
            "status",
            "created_at",
        ]
