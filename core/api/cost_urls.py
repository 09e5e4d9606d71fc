from django.urls import path

from core.api import costs

urlpatterns = [
    path("prices/", costs.PriceListView.as_view(), name="prices"),
    path("prices/<id:price_id>/", costs.PriceDetailView.as_view(), name="price"),
    path("budgets/", costs.BudgetListView.as_view(), name="budgets"),
    path("budgets/<id:budget_id>/", costs.BudgetDetailView.as_view(), name="budget"),
]
