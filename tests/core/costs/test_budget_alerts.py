"""Threshold alerts: each crossed threshold notifies once per period, by email and by a webhook
whose HMAC signature verifies as docs/costs.md shows."""

from __future__ import annotations

import hashlib
import hmac
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
import pytest
from django.core import mail

from core.costs.alerts import check_budgets
from core.costs.services import save_budget
from core.models import BudgetAlert, UsageEvent

pytestmark = pytest.mark.django_db
SECRET = "whsec-test-0123456789"
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


class Receiver:
    """A real HTTP endpoint that keeps what it was sent."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                body = self.rfile.read(int(self.headers["content-length"]))
                owner.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/budget-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    found.thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


def spend(api, dollars: str, at: datetime = NOW) -> None:
    UsageEvent.objects.create(
        request_id=uuid.uuid4().hex, ts=at, tenant_id=api.tenant_id, api_id=api.pk, status=200,
        total_latency_ms=1.0, cost_pico=int(Decimal(dollars) * 10**12), currency="USD",
    )  # fmt: skip


def verify(headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does with the Tollgate-Signature header (docs/costs.md)."""
    parts = dict(item.split("=", 1) for item in headers["tollgate-signature"].split(","))
    expected = hmac.new(
        SECRET.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_the_80_percent_alert_fires_once_with_a_valid_signature(personas, live, receiver):
    api, _, _ = live
    save_budget(
        tenant=personas.tenant, actor=personas.admin, name="chat", scope="api", api=api,
        amount=Decimal("1"), period="month", thresholds=[80], notify_emails=["ops@acme.test"],
        webhook_url=receiver.url, webhook_secret=SECRET,
    )  # fmt: skip
    spend(api, "0.79")
    assert check_budgets(NOW) == 0
    spend(api, "0.02")

    assert check_budgets(NOW) == 1
    assert check_budgets(NOW) == 0  # once per period, however often the check runs
    spend(api, "0.05")
    assert check_budgets(NOW) == 0

    ((headers, body),) = receiver.received
    assert verify(headers, body)
    assert not verify(headers, body.replace(b"0.81", b"0.01"))
    payload = orjson.loads(body)
    assert (payload["type"], payload["threshold"], payload["spent"]) == (
        "budget.threshold", 80, "0.81",
    )  # fmt: skip
    assert payload["period_start"] == "2026-12-01T00:00:00+00:00"
    (email,) = mail.outbox
    assert email.to == ["ops@acme.test"] and "80%" in email.subject
    assert BudgetAlert.objects.get().webhook_status == "204"


def test_each_threshold_fires_again_in_the_next_period(personas, live):
    api, _, _ = live
    save_budget(
        tenant=personas.tenant, actor=personas.admin, name="daily", scope="tenant",
        amount=Decimal("1"), period="day", notify_emails=["ops@acme.test"],
    )  # fmt: skip
    spend(api, "1.2")
    assert check_budgets(NOW) == 3  # 50, 80 and 100 %
    next_day = datetime(2026, 12, 6, 0, 0, 1, tzinfo=UTC)
    assert check_budgets(next_day) == 0  # a new day: nothing spent yet
    spend(api, "0.6", at=next_day)
    assert check_budgets(next_day) == 1
    assert [m.subject.split(": ")[1].split("%")[0] for m in mail.outbox] == [
        "50",
        "80",
        "100",
        "50",
    ]
