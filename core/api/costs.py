"""REST: the tenant's model prices and budgets (docs/costs.md)."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from core.api import shapes
from core.api.base import MEMBERS, StrictSerializer, TenantView, parse
from core.api.shapes import typed
from core.costs import selectors, services
from core.models import AiApi, ApiKey, Application, Budget, ModelPrice, Subscription

BUDGET_WRITE = "api.subscriptions"  # publishers (and admins) manage budgets


def money(**kwargs: Any) -> serializers.DecimalField:
    """A price per million tokens: up to six decimals."""
    return serializers.DecimalField(max_digits=18, decimal_places=6, **kwargs)


class PriceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelPrice
        fields = ["id", *services.PRICE_FIELDS]


class PriceInput(StrictSerializer):
    vendor = serializers.SlugField(max_length=63)
    model = serializers.CharField(max_length=200)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=50
    )
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    input = money(min_value=0)
    output = money(min_value=0)
    cached_input = money(min_value=0, required=False, allow_null=True)
    cache_write = money(min_value=0, required=False, allow_null=True)
    reasoning = money(min_value=0, required=False, allow_null=True)
    effective_from = serializers.DateField(required=False, allow_null=True)
    source = serializers.CharField(  # type: ignore[assignment]  # a declared field
        max_length=500, required=False, allow_blank=True
    )


class BudgetSerializer(serializers.ModelSerializer):
    spent = serializers.SerializerMethodField()
    remaining = serializers.SerializerMethodField()
    period_start = serializers.SerializerMethodField()
    period_end = serializers.SerializerMethodField()
    has_webhook_secret = serializers.SerializerMethodField()
    webhook_url = typed(serializers.CharField, shapes.URL_OR_EMPTY, read_only=True)

    class Meta:
        model = Budget
        fields = [
            "id", "name", "scope", "api", "application", "subscription", "key", "amount",
            "currency", "period", "action", "downgrade_model", "thresholds", "notify_emails",
            "webhook_url", "has_webhook_secret", "active", "spent", "remaining",
            "period_start", "period_end",
        ]  # fmt: skip

    def _spend(self, budget: Budget) -> selectors.Spend:
        cache = cast(dict, self.context).setdefault("spend", {})
        if budget.pk not in cache:
            cache[budget.pk] = selectors.spend_of(budget)
        return cache[budget.pk]

    def get_spent(self, budget: Budget) -> str:
        return str(self._spend(budget).spent)

    def get_remaining(self, budget: Budget) -> str:
        return str(self._spend(budget).remaining)

    def get_period_start(self, budget: Budget) -> str:
        return self._spend(budget).period_start.isoformat()

    def get_period_end(self, budget: Budget) -> str:
        return self._spend(budget).period_end.isoformat()

    def get_has_webhook_secret(self, budget: Budget) -> bool:
        return bool(budget.webhook_secret_encrypted)


def _tenant_choice(model, **extra) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=model.objects.none(), required=False, allow_null=True, **extra
    )


class BudgetInput(StrictSerializer):
    name = serializers.CharField(max_length=100)
    scope = serializers.ChoiceField(choices=["tenant", "api", "application", "subscription", "key"])
    api = _tenant_choice(AiApi)
    application = _tenant_choice(Application)
    subscription = _tenant_choice(Subscription)
    key = _tenant_choice(ApiKey)
    amount = serializers.DecimalField(max_digits=14, decimal_places=6, min_value=0)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    period = serializers.ChoiceField(choices=["day", "week", "month"])
    action = serializers.ChoiceField(choices=["refuse", "downgrade"], required=False)
    downgrade_model = serializers.CharField(max_length=200, required=False, allow_blank=True)
    thresholds = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=100), required=False, max_length=10
    )
    notify_emails = serializers.ListField(
        child=serializers.EmailField(), required=False, max_length=20
    )
    webhook_url = serializers.URLField(required=False, allow_blank=True, max_length=200)
    webhook_secret = serializers.CharField(
        required=False, write_only=True, min_length=16, max_length=200
    )
    active = serializers.BooleanField(required=False)

    def __init__(self, *args, tenant=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if tenant is not None:  # only the tenant's own objects can be named
            choices = {
                "api": AiApi.objects.filter(tenant=tenant),
                "application": Application.objects.filter(tenant=tenant),
                "subscription": Subscription.objects.filter(application__tenant=tenant),
                "key": ApiKey.objects.filter(tenant=tenant),
            }
            for name, queryset in choices.items():
                setattr(self.fields[name], "queryset", queryset)  # noqa: B010 (DRF's stubs)


class PriceListView(TenantView, generics.ListAPIView):
    """A tenant's price replaces the shipped price of that vendor's model (all its dates);
    custom vendors and unknown models are priced only here. Per million tokens."""

    serializer_class = PriceSerializer
    permission_map = {"GET": MEMBERS, "POST": "tenant.manage"}

    def get_queryset(self):
        return ModelPrice.objects.none() if self.schema_only else selectors.prices(self.tenant)

    @extend_schema(request=PriceInput, responses={201: PriceSerializer})
    def post(self, request, tenant_slug: str):
        price = services.save_price(
            tenant=self.tenant, actor=request.user, **parse(PriceInput, request)
        )
        return Response(PriceSerializer(price).data, status=status.HTTP_201_CREATED)


class PriceDetailView(TenantView):
    """One model price of the tenant (per million tokens, from `effective_from`)."""

    serializer_class = PriceSerializer
    permission_map = {"GET": MEMBERS, "PATCH": "tenant.manage", "DELETE": "tenant.manage"}

    def get(self, request, tenant_slug: str, price_id: int):
        return Response(PriceSerializer(selectors.price(self.tenant, price_id)).data)

    @extend_schema(request=PriceInput, responses=PriceSerializer)
    def patch(self, request, tenant_slug: str, price_id: int):
        price = services.save_price(
            tenant=self.tenant,
            actor=request.user,
            price=selectors.price(self.tenant, price_id),
            **parse(PriceInput, request, partial=True),
        )
        return Response(PriceSerializer(price).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, price_id: int):
        services.delete_price(price=selectors.price(self.tenant, price_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BudgetListView(TenantView, generics.ListAPIView):
    """Money per day, week or calendar month on the tenant, an API, an application, a
    subscription or a key; the proxy reserves each call's cost and refuses (429
    budget_exceeded) or downgrades at 100 %."""

    serializer_class = BudgetSerializer
    permission_map = {"GET": BUDGET_WRITE, "POST": BUDGET_WRITE}

    def get_queryset(self):
        return Budget.objects.none() if self.schema_only else selectors.budgets(self.tenant)

    @extend_schema(request=BudgetInput, responses={201: BudgetSerializer})
    def post(self, request, tenant_slug: str):
        fields = parse(BudgetInput, request, tenant=self.tenant)
        budget = services.save_budget(tenant=self.tenant, actor=request.user, **fields)
        return Response(BudgetSerializer(budget).data, status=status.HTTP_201_CREATED)


class BudgetDetailView(TenantView):
    """One budget; `webhook_secret` is write-only (`has_webhook_secret` says if one is set)."""

    serializer_class = BudgetSerializer
    permission_map = {"GET": BUDGET_WRITE, "PATCH": BUDGET_WRITE, "DELETE": BUDGET_WRITE}

    def get(self, request, tenant_slug: str, budget_id: int):
        return Response(BudgetSerializer(selectors.budget(self.tenant, budget_id)).data)

    @extend_schema(request=BudgetInput, responses=BudgetSerializer)
    def patch(self, request, tenant_slug: str, budget_id: int):
        budget = services.save_budget(
            tenant=self.tenant,
            actor=request.user,
            budget=selectors.budget(self.tenant, budget_id),
            **parse(BudgetInput, request, partial=True, tenant=self.tenant),
        )
        return Response(BudgetSerializer(budget).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, budget_id: int):
        budget = selectors.budget(self.tenant, budget_id)
        services.delete_budget(budget=budget, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
