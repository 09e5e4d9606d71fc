"""A call's cost from its usage and a price: integer picos, the same streamed or not."""

from __future__ import annotations

from proxy.costs.prices import Price
from proxy.limits.model import TokenEstimate, Usage


def cost_of(usage: Usage, price: Price) -> int:
    """Picos: uncached prompt, cache reads, cache writes, visible output and reasoning, each at
    its own price (every vendor counts the details inside its prompt and completion totals)."""
    prompt, completion = usage.prompt_tokens, usage.completion_tokens
    if not (usage.cached_tokens or usage.cache_write_tokens or usage.reasoning_tokens):
        return prompt * price.input + completion * price.output
    cached = min(usage.cached_tokens, prompt)
    written = min(usage.cache_write_tokens, prompt - cached)
    reasoning = min(usage.reasoning_tokens, completion)
    return (
        (prompt - cached - written) * price.input
        + cached * price.cached_input
        + written * price.cache_write
        + (completion - reasoning) * price.output
        + reasoning * price.reasoning
    )


def reservation_of(estimate: TokenEstimate, default_completion: int, price: Price) -> int:
    """Picos to reserve before the call: the prompt estimate at the input price plus the
    completion it may produce at the highest output price (reasoning may cost more)."""
    completion = default_completion if estimate.completion is None else estimate.completion
    output = max(price.output, price.reasoning)
    return max(0, estimate.prompt) * price.input + max(0, completion) * output
