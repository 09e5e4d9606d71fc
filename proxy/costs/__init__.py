"""What calls cost and the budgets that cap it (docs/costs.md). No Django here.

Money is counted in integers: a call's cost in picos (10⁻¹² of the currency unit, exact for any
price per million tokens with up to six decimals), budgets in micros (10⁻⁶).
"""
