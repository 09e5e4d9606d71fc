"""Budget thresholds (e.g. 50 / 80 / 100 %): each crossed one notifies once per period, by
email (Django's email backend) and by a signed webhook.

The spend is the settled cost of the period's usage rows in the budget's scope. The unique
BudgetAlert row (budget, period start, threshold) is what makes an alert fire once, however
many workers run the check.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import orjson
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from core.models import Budget, BudgetAlert, UsageEvent
from core.secrets import decrypt_credential
from proxy.public import period_bounds

log = logging.getLogger(__name__)
PICOS = Decimal(10) ** 12
SIGNATURE_HEADER = "Tollgate-Signature"
WEBHOOK_TIMEOUT_SECONDS = 5.0


def check_budgets(now: datetime | None = None) -> int:
    """Send the alerts of every threshold crossed in the current periods; return how many."""
    at = (now or datetime.now(UTC)).timestamp()
    sent = 0
    for budget in Budget.objects.filter(active=True).select_related("subscription"):
        start, end = period_bounds(budget.period, at)
        spent = spent_in(budget, start, end)
        for threshold in crossed(budget, spent):
            alert = _claim(budget, start, threshold, spent)
            if alert is not None:
                notify(alert, end)
                sent += 1
    return sent


def spent_in(budget: Budget, start: float, end: float) -> Decimal:
    rows = UsageEvent.objects.filter(
        _scope_filter(budget),
        tenant_id=budget.tenant_id,
        ts__gte=datetime.fromtimestamp(start, UTC),
        ts__lt=datetime.fromtimestamp(end, UTC),
        currency=budget.currency,
    )
    picos = rows.aggregate(total=Sum("cost_pico"))["total"] or 0
    return Decimal(picos) / PICOS


def _scope_filter(budget: Budget) -> Q:
    if budget.scope == "api":
        return Q(api_id=budget.api_id)
    if budget.scope == "application":
        return Q(application_id=budget.application_id)
    if budget.scope == "subscription" and budget.subscription is not None:
        sub = budget.subscription
        return Q(application_id=sub.application_id, api_id=sub.api_id)
    if budget.scope == "key":
        return Q(key_id=budget.key_id)
    return Q()


def crossed(budget: Budget, spent: Decimal) -> list[int]:
    percent = spent * 100 / budget.amount
    return sorted(t for t in budget.thresholds if percent >= t)


def _claim(budget: Budget, start: float, threshold: int, spent: Decimal) -> BudgetAlert | None:
    period_start = datetime.fromtimestamp(start, UTC)
    try:
        with transaction.atomic():
            return BudgetAlert.objects.create(
                budget=budget, period_start=period_start, threshold=threshold, spent=spent
            )
    except IntegrityError:
        return None  # sent already, by this or another worker


def alert_payload(alert: BudgetAlert, period_end: float) -> dict:
    budget = alert.budget
    return {
        "type": "budget.threshold",
        "budget": {
            "id": budget.pk,
            "name": budget.name,
            "scope": budget.scope,
            "amount": str(budget.amount),
            "currency": budget.currency,
            "period": budget.period,
        },
        "threshold": alert.threshold,
        "spent": str(alert.spent),
        "period_start": alert.period_start.isoformat(),
        "period_end": datetime.fromtimestamp(period_end, UTC).isoformat(),
    }


def notify(alert: BudgetAlert, period_end: float) -> None:
    budget = alert.budget
    payload = alert_payload(alert, period_end)
    if budget.notify_emails:
        subject = f"Budget {budget.name}: {alert.threshold}% of {budget.amount} {budget.currency}"
        body = (
            f"{alert.spent} {budget.currency} of {budget.amount} spent this {budget.period} "
            f"(since {alert.period_start:%Y-%m-%d %H:%M} UTC)."
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, budget.notify_emails)
    if budget.webhook_url:
        alert.webhook_status = post_webhook(budget, payload)
        alert.save(update_fields=["webhook_status"])


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over "{timestamp}.{body}", hex (docs/costs.md shows the check)."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def post_webhook(budget: Budget, payload: dict) -> str:
    body = orjson.dumps(payload)
    timestamp = int(time.time())
    secret = decrypt_credential(budget.webhook_secret_encrypted)
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER: f"t={timestamp},v1={sign(secret, timestamp, body)}",
    }
    try:
        response = httpx.post(
            budget.webhook_url, content=body, headers=headers, timeout=WEBHOOK_TIMEOUT_SECONDS
        )
    except httpx.HTTPError as exc:
        log.warning("budget webhook failed", extra={"event": "budget_webhook_failed"})
        return f"error: {type(exc).__name__}"
    return str(response.status_code)
