"""What each API lifecycle state allows: the one table every plane reads.

The gateway (routing, authorization), the registry compiler, the developer portal, the REST
API and the services all ask this table; core reads it through `proxy.public`. State names
are WSO2's; `core.models.LifecycleState` holds the same names as Django choices (a test checks
the two agree). docs/lifecycle.md is rendered from `LIFECYCLE` by `manage.py lifecycle_docs`.

PROTOTYPED follows WSO2 API Manager 3.x/4.0: a prototype is listed in the developer portal
and any valid key of its tenant may call it without subscribing; it takes no subscriptions
(a subscription would grant nothing a tenant key does not already have).
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class StatePolicy:
    state: str
    routes: bool  # the gateway has a route for it (else it answers 404 as for no API)
    listed: bool  # the developer portal's catalog shows it
    takes_subscriptions: bool  # new subscriptions are accepted
    serves_subscribers: bool  # keys subscribed to it are served
    open_to_tenant_keys: bool  # any key of its tenant may call it (try without subscribing)
    summary: str

    @property
    def refuses_every_call(self) -> bool:
        """Routed, but nobody is served: the gateway names the reason (BLOCKED) instead of 404."""
        return self.routes and not (self.serves_subscribers or self.open_to_tenant_keys)


LIFECYCLE: tuple[StatePolicy, ...] = (
    StatePolicy("CREATED", False, False, False, False, False, "Being designed; not reachable."),
    StatePolicy(
        "PROTOTYPED", True, True, False, True, True, "Tried by any key of the tenant, unsubscribed."
    ),
    StatePolicy("PUBLISHED", True, True, True, True, False, "Subscribed keys call it."),
    StatePolicy("BLOCKED", True, False, False, False, False, "Every call refused (403)."),
    StatePolicy(
        "DEPRECATED", True, True, False, True, False, "Existing subscribers only; none new."
    ),
    StatePolicy("RETIRED", False, False, False, False, False, "Gone for good."),
)

POLICIES: dict[str, StatePolicy] = {policy.state: policy for policy in LIFECYCLE}
STATES: tuple[str, ...] = tuple(POLICIES)
ROUTED_STATES = frozenset(p.state for p in LIFECYCLE if p.routes)
LISTED_STATES = frozenset(p.state for p in LIFECYCLE if p.listed)
SUBSCRIBABLE_STATES = frozenset(p.state for p in LIFECYCLE if p.takes_subscriptions)
FLAGS: tuple[str, ...] = tuple(f.name for f in fields(StatePolicy) if f.type == "bool")
COLUMN_TITLES = {
    "routes": "Routed at the gateway",
    "listed": "Listed in the developer portal",
    "takes_subscriptions": "Takes new subscriptions",
    "serves_subscribers": "Serves existing subscribers",
    "open_to_tenant_keys": "Callable by any tenant key, unsubscribed",
}
_UNKNOWN = StatePolicy("", False, False, False, False, False, "")


def policy_of(state: str) -> StatePolicy:
    """The state's policy; an unknown state allows nothing."""
    return POLICIES.get(state, _UNKNOWN)


def markdown_table() -> str:
    """The table as docs/lifecycle.md shows it."""
    header = ["State", *(COLUMN_TITLES[flag] for flag in FLAGS), "In short"]
    rows = [
        [f"`{p.state}`", *("yes" if getattr(p, flag) else "no" for flag in FLAGS), p.summary]
        for p in LIFECYCLE
    ]
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines) + "\n"
