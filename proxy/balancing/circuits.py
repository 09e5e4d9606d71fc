"""Circuit breaking per target: consecutive failures or an error rate open a target's circuit
for the suspend duration; then one probe closes it (success) or opens it again (failure).

`LocalCircuits` keeps the state in the process (the embedded mode). `RedisCircuits`
(redis_circuits.py) shares it between proxy replicas while the hot path still reads only memory.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from proxy.balancing.policy import RoutingPolicy

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


@dataclass(slots=True)
class Circuit:
    failures: int = 0  # consecutive
    open_until: float = 0.0  # epoch seconds; 0 when closed
    probing: bool = False
    outcomes: deque[bool] = field(default_factory=deque)  # True: failed; for the error rate

    def state(self, now: float) -> str:
        if not self.open_until:
            return CLOSED
        return OPEN if now < self.open_until else HALF_OPEN


class LocalCircuits:
    def __init__(self) -> None:
        self._circuits: dict[str, Circuit] = {}

    def _of(self, key: str) -> Circuit:
        circuit = self._circuits.get(key)
        if circuit is None:
            circuit = self._circuits[key] = Circuit()
        return circuit

    def state(self, key: str) -> str:
        circuit = self._circuits.get(key)
        return CLOSED if circuit is None else circuit.state(time.time())

    def health(self, key: str) -> dict[str, object]:
        circuit = self._circuits.get(key) or Circuit()
        return {
            "state": circuit.state(time.time()),
            "failures": circuit.failures,
            "open_until": circuit.open_until or None,
        }

    async def admits(self, key: str) -> bool:
        """Closed, or half open and this call is the one probe."""
        circuit = self._circuits.get(key)
        if circuit is None:
            return True
        state = circuit.state(time.time())
        if state == CLOSED:
            return True
        if state == OPEN or circuit.probing:
            return False
        circuit.probing = True
        return await self._claim_probe(key)

    async def _claim_probe(self, key: str) -> bool:
        return True

    async def succeeded(self, key: str, policy: RoutingPolicy) -> None:
        circuit = self._circuits.get(key)
        if circuit is None:
            if policy.circuit_error_rate is None:
                return  # nothing to reset, no rate to keep
            circuit = self._of(key)
        circuit.failures, circuit.open_until, circuit.probing = 0, 0.0, False
        _remember(circuit, False, policy)

    async def failed(self, key: str, policy: RoutingPolicy, rest_seconds: float = 0.0) -> None:
        """A failed attempt; `rest_seconds` (a `retry-after`) opens the circuit that long."""
        circuit = self._of(key)
        circuit.failures += 1
        _remember(circuit, True, policy)
        if circuit.probing or _trips(circuit, policy):
            await self._open(key, circuit, policy.suspend_seconds)
        elif rest_seconds > 0:
            await self._open(key, circuit, rest_seconds)

    async def _open(self, key: str, circuit: Circuit, seconds: float) -> None:
        circuit.open_until = max(circuit.open_until, time.time() + seconds)
        circuit.probing = False

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None


def _remember(circuit: Circuit, failed: bool, policy: RoutingPolicy) -> None:
    if policy.circuit_error_rate is None:
        return
    circuit.outcomes.append(failed)
    while len(circuit.outcomes) > policy.circuit_window:
        circuit.outcomes.popleft()


def _trips(circuit: Circuit, policy: RoutingPolicy) -> bool:
    if policy.circuit_failures and circuit.failures >= policy.circuit_failures:
        return True
    rate, outcomes = policy.circuit_error_rate, circuit.outcomes
    if rate is None or len(outcomes) < policy.circuit_window:
        return False
    return sum(outcomes) / len(outcomes) >= rate
