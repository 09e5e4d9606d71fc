"""Prices, cost and budgets on the control plane (docs/costs.md)."""
