"""Cost of the AI policies on one request: a regex guardrail plus every built-in PII
recogniser (masking) on a 2 KB prompt, the restore of a streamed answer, and the semantic
guard's lookup (when the model is installed).

    .venv/bin/python bench/policies_request.py

Prints microseconds per call (CPU time, best of 5 runs). Bounded: a few seconds.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from proxy.contract import Auth, DeploymentSnapshot, Operation, Vendor  # noqa: E402
from proxy.policies.chain import compile_policies  # noqa: E402
from proxy.policies.restore import StreamRestorer  # noqa: E402
from proxy.record import CallRecord  # noqa: E402

ROUNDS, RUNS = 2_000, 5
SENTENCE = "Please summarise the quarterly report for the board and keep it short. "
PROMPT = (SENTENCE * 30)[:1900] + " Contact jane.doe@example.com or +1 415-555-0100."
BASE = DeploymentSnapshot(
    version=1, environment="default", tenant_id=1, tenant_slug="t", api_id=1, api_uuid="u",
    api_name="bench", api_version="1", route="bench/1", revision_id=1, revision_number=1,
    lifecycle_state="PUBLISHED", api_type="native",
    vendor=Vendor("openai", "OpenAI", "v1", "openai", Auth()),
    operations=(Operation("POST", "/chat/completions"),),
)  # fmt: skip
GUARD = {"kind": "regex_guard", "parameters": {"pattern": r"(?i)\bpassword\b"}}
MASK = {"kind": "pii", "parameters": {"action": "mask_restore"}}


def cpu_us(step, rounds: int = ROUNDS) -> float:
    best = float("inf")
    for _ in range(RUNS):
        started = time.process_time()
        for _ in range(rounds):
            step()
        best = min(best, time.process_time() - started)
    return best / rounds * 1e6


def request_step(chain):
    def step() -> None:
        payload = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": PROMPT}]}
        record = CallRecord("id", 0.0, "POST", "/bench/1/chat/completions", ingress="native")
        chain.on_request(record, "/chat/completions", payload, b"")

    return step


def stream_step() -> None:
    restorer = StreamRestorer({"[EMAIL_1]": "jane.doe@example.com"})
    for piece in ("Write to [EM", "AIL_1] today", " please."):
        restorer.rewrite(b'data: {"choices":[{"delta":{"content":"' + piece.encode() + b'"}}]}\n\n')
    restorer.flush()


def main() -> None:
    print(f"prompt: {len(PROMPT.encode())} bytes")
    for name, policies in (("regex guard", (GUARD,)), ("regex + PII mask", (GUARD, MASK))):
        chain = compile_policies(replace(BASE, policies=policies))
        print(f"{name:<28} {cpu_us(request_step(chain)):8.1f} µs per request")
    print(f"{'restore, 3 stream events':<28} {cpu_us(stream_step):8.1f} µs per stream")
    try:
        semantic = {"kind": "semantic_guard", "parameters": {"deny": ["how to make a bomb"]}}
        chain = compile_policies(replace(BASE, policies=(semantic,)))
    except ImportError:
        return
    print(f"{'semantic guard':<28} {cpu_us(request_step(chain), 200):8.1f} µs per request")


if __name__ == "__main__":
    main()
