"""Try Out's Get Test Key: a short-lived key of the developer's default application.

The default application is created when missing and subscribed to the API when the API needs
a subscription and has none yet, with the most restrictive plan the API offers (a test key
should never open more than an ordinary subscription would). The key's plaintext goes back to
the console once; only its HMAC is stored.

An application holds one live test key per endpoint type: when the console presents that key
it is handed back instead of a new one, else the old one is revoked before a new one is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from core.errors import Conflict
from core.models import AiApi, ApiKey, Application, Plan, Subscription
from core.secrets import hash_key
from core.services import access
from devportal.catalog import needs_subscription, takes_subscriptions
from devportal.portal import Portal


@dataclass(frozen=True)
class TestKey:
    application: Application
    key: ApiKey
    plaintext: str
    new_subscription: Subscription | None
    reused: bool = False


def tryout_plan(api: AiApi) -> Plan | None:
    """The allowed plan with the smallest request quota (unlimited ones last)."""
    return api.allowed_plans.order_by(
        F("request_limit").asc(nulls_last=True),
        F("total_token_limit").asc(nulls_last=True),
        "name",
    ).first()


@transaction.atomic
def issue_test_key(
    *, portal: Portal, api: AiApi, user, key_type: str, current_key: str = ""
) -> TestKey:
    app = access.default_application(tenant=portal.tenant, owner=user)
    subscription = _ensure_subscription(app, api, user)
    live = live_test_keys(app, key_type)
    if current_key and (held := live.filter(digest=hash_key(current_key)).first()):
        return TestKey(app, held, current_key, subscription, reused=True)
    for stale in live:
        access.revoke_key(key=stale, actor=user)
    key, plaintext = access.generate_test_key(app=app, actor=user, key_type=key_type)
    return TestKey(app, key, plaintext, subscription)


def live_test_keys(app: Application, key_type: str) -> QuerySet[ApiKey]:
    return app.keys.filter(
        is_test_key=True,
        key_type=key_type,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )


def _ensure_subscription(app: Application, api: AiApi, user) -> Subscription | None:
    if not needs_subscription(api) or app.subscriptions.filter(api=api).exists():
        return None
    if not takes_subscriptions(api):
        raise Conflict(
            f"{api.name} is {api.get_lifecycle_state_display().lower()} and takes no new "
            f"subscriptions, and {app.name} is not subscribed to it."
        )
    plan = tryout_plan(api)
    if plan is None:
        raise Conflict(f"{api.name} offers no plan to subscribe with; ask its publisher.")
    return access.subscribe(app=app, api=api, plan=plan, actor=user)
