"""Try Out: Get Test Key (default application, subscription, short-lived key) and the relay."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client
from django.urls import reverse
from django.utils import timezone

from core.models import ApiKey, Application, Subscription
from core.secrets import hash_key
from core.services import access
from core.web import relay
from devportal.catalog import Operation

pytestmark = pytest.mark.django_db
KEY_PATTERN = re.compile(r"tg_[ps]_[A-Za-z0-9]{44}")


def key_url(api) -> str:
    return reverse("devportal:test-key", args=[api.uuid])


def relay_url(api, operation: str = "chat/completions") -> str:
    return reverse("devportal:tryout-relay", args=[api.uuid, operation])


def get_test_key(client, api, key_type: str = "production"):
    return client.post(key_url(api), {"key_type": key_type}, headers={"HX-Request": "true"})


def test_get_test_key_creates_default_app_subscribes_and_shows_key_once(
    developer, catalog, personas, settings
):
    settings.TEST_KEY_TTL_SECONDS = 600
    response = get_test_key(developer, catalog.published)
    assert response["Cache-Control"] == "no-store"
    plaintext = KEY_PATTERN.search(response.content.decode()).group(0)
    app = Application.objects.get(owner=personas.subscriber, is_default=True)
    key = ApiKey.objects.get(application=app)
    assert key.digest == hash_key(plaintext) and key.is_test_key
    assert key.key_type == "production" and plaintext.startswith("tg_p_")
    assert timezone.now() < key.expires_at <= timezone.now() + timedelta(seconds=600)
    sub = Subscription.objects.get(application=app, api=catalog.published)
    assert sub.plan.name == "Bronze"  # the most restrictive plan the API offers
    assert "was subscribed" in response.content.decode()
    # A second test key reuses the application and the subscription.
    get_test_key(developer, catalog.published, "sandbox")
    assert Application.objects.filter(owner=personas.subscriber).count() == 1
    assert Subscription.objects.filter(application=app).count() == 1
    assert app.keys.filter(key_type="sandbox", is_test_key=True).count() == 1


def test_test_key_for_a_prototype_needs_no_subscription(developer, catalog):
    response = get_test_key(developer, catalog.prototyped)
    assert KEY_PATTERN.search(response.content.decode())
    assert not Subscription.objects.exists()


def test_deprecated_api_gives_a_test_key_only_to_existing_subscribers(developer, catalog, personas):
    refused = get_test_key(developer, catalog.deprecated).content.decode()
    assert "takes no new" in refused and not KEY_PATTERN.search(refused)
    assert not ApiKey.objects.exists()


def test_undeployed_api_gives_no_test_key(developer, catalog):
    html = get_test_key(developer, catalog.undeployed).content.decode()
    assert "not deployed" in html and not KEY_PATTERN.search(html)


def test_test_key_needs_a_developer(client_as, catalog):
    anonymous = Client().post(key_url(catalog.published), {"key_type": "production"})
    assert anonymous.status_code == 302
    creator = client_as("creator").post(key_url(catalog.published), {"key_type": "production"})
    assert creator.status_code == 403
    assert not ApiKey.objects.exists()


def test_test_key_for_another_tenants_api_is_404(developer, catalog):
    assert get_test_key(developer, catalog.foreign).status_code == 404


def test_console_page_lists_operations_and_the_seed_body(developer, catalog):
    html = developer.get(reverse("devportal:tryout", args=[catalog.published.uuid]))
    text = html.content.decode()
    assert "Get Test Key" in text and "/chat/completions" in text
    assert "Say this is a test!" in text


async def _events():
    for event in (b"data: {}\n\n", b"data: [DONE]\n\n"):
        yield event


@pytest.fixture
def gateway(monkeypatch):
    """Replaces the relay's HTTP client with an in-process gateway that records calls."""
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if request.url.path.endswith("/stream"):
            return httpx.Response(
                200, headers={"content-type": "text/event-stream"}, content=_events()
            )
        return httpx.Response(
            200,
            json={"usage": {"total_tokens": 7}},
            headers={"x-request-id": "req-1", "x-ratelimit-remaining-requests": "9"},
        )

    monkeypatch.setattr(
        relay, "client", lambda: httpx.AsyncClient(transport=httpx.MockTransport(answer))
    )
    return calls


async def _collect(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join([chunk async for chunk in response.streaming_content])
    return response.content


def call_relay(
    user, url: str, *, method: str = "post", key: str = "tg_p_test", body: bytes = b'{"model": "m"}'
):
    async def run():
        client = AsyncClient()
        if user is not None:
            await client.aforce_login(user)
        headers = {"X-Tryout-Key": key} if key else {}
        send = getattr(client, method)
        if method == "post":
            response = await send(url, body, content_type="application/json", headers=headers)
        else:
            response = await send(url, headers=headers)
        return response, await _collect(response)

    return async_to_sync(run)()


def test_relay_forwards_to_the_gateway_and_returns_its_answer(personas, catalog, gateway, settings):
    settings.GATEWAY_URL = "http://gw.test:8080"
    response, body = call_relay(personas.subscriber, relay_url(catalog.published))
    assert response.status_code == 200 and b'"total_tokens":7' in body
    [sent] = gateway
    route = catalog.published.resolved_context
    assert str(sent.url) == f"http://gw.test:8080/t/acme/{route}/chat/completions"
    assert sent.headers["authorization"] == "Bearer tg_p_test"
    assert sent.content == b'{"model": "m"}'
    assert "cookie" not in sent.headers
    assert response["x-request-id"] == "req-1"
    names = response["X-Tryout-Upstream-Headers"].split(",")
    assert "x-ratelimit-remaining-requests" in names and "content-type" in names


def test_relay_streams(personas, catalog, gateway, monkeypatch):
    monkeypatch.setattr(
        "devportal.views.tryout.catalog.operations",
        lambda api: [Operation("POST", "/stream", "", "", "")],
    )
    response, body = call_relay(personas.subscriber, relay_url(catalog.published, "stream"))
    assert response.streaming
    assert body == b"data: {}\n\ndata: [DONE]\n\n"


def test_relay_get_operation(personas, catalog, gateway):
    response, _body = call_relay(
        personas.subscriber, relay_url(catalog.published, "models"), method="get"
    )
    assert response.status_code == 200
    assert gateway[0].method == "GET" and gateway[0].content == b""


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("anonymous", 403),
        ("creator", 403),
        ("unknown_operation", 404),
        ("wrong_method", 404),
        ("foreign_api", 404),
        ("undeployed", 404),
        ("hidden_api", 404),
        ("no_key", 400),
    ],
)
def test_relay_refuses(personas, catalog, gateway, case, status):
    user, api, operation, method, key = (
        personas.subscriber,
        catalog.published,
        "chat/completions",
        "post",
        "tg_p_x",
    )
    if case == "anonymous":
        user = None
    elif case == "creator":
        user = personas.creator
    elif case == "unknown_operation":
        operation = "images/generations"
    elif case == "wrong_method":
        method = "get"
    elif case == "foreign_api":
        api = catalog.foreign
    elif case == "undeployed":
        api = catalog.undeployed
    elif case == "hidden_api":
        api = catalog.blocked
    elif case == "no_key":
        key = ""
    response, body = call_relay(user, relay_url(api, operation), method=method, key=key)
    assert response.status_code == status
    assert b'"error"' in body
    assert gateway == []


def test_relay_reports_an_unreachable_gateway(personas, catalog, monkeypatch):
    def refuse(request):
        raise httpx.ConnectError("refused", request=request)

    monkeypatch.setattr(
        relay, "client", lambda: httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    )
    response, body = call_relay(personas.subscriber, relay_url(catalog.published))
    assert response.status_code == 502 and b"gateway_unreachable" in body


def test_relay_needs_the_csrf_token(personas, catalog, gateway):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.subscriber)
    response = client.post(
        relay_url(catalog.published),
        b"{}",
        content_type="application/json",
        headers={"X-Tryout-Key": "tg_p_x"},
    )
    assert response.status_code == 403
    assert gateway == []


def test_default_application_is_reused_when_it_exists(developer, catalog, personas):
    existing = access.default_application(tenant=personas.tenant, owner=personas.subscriber)
    get_test_key(developer, catalog.published)
    assert ApiKey.objects.get().application == existing


def test_relay_refuses_a_body_over_one_megabyte(personas, catalog, gateway):
    big = b'{"input": "' + b"x" * relay.MAX_BODY_BYTES + b'"}'
    response, body = call_relay(personas.subscriber, relay_url(catalog.published), body=big)
    assert response.status_code == 413 and b"body_too_large" in body
    assert gateway == []


def test_relay_fills_path_parameters_but_only_with_one_segment(personas, catalog, gateway):
    from core.models import LifecycleState
    from tests.devportal.conftest import catalog_api

    claude = catalog_api(
        personas.tenant, personas.admin, "Claude", LifecycleState.PUBLISHED, vendor="anthropic"
    )
    response, _ = call_relay(
        personas.subscriber, relay_url(claude, "v1/models/claude-3-haiku"), method="get"
    )
    assert response.status_code == 200
    assert gateway[-1].url.path.endswith(f"/{claude.resolved_context}/v1/models/claude-3-haiku")
    for bad in ("v1/models/a/b", "v1/models/..", "v1/models/"):
        response, _ = call_relay(personas.subscriber, relay_url(claude, bad), method="get")
        assert response.status_code == 404, bad
    assert len(gateway) == 1


def test_console_offers_inputs_for_path_parameters(developer, personas, catalog):
    from core.models import LifecycleState
    from tests.devportal.conftest import catalog_api

    claude = catalog_api(
        personas.tenant, personas.admin, "Claude", LifecycleState.PUBLISHED, vendor="anthropic"
    )
    html = developer.get(reverse("devportal:tryout", args=[claude.uuid])).content.decode()
    assert 'data-param="model_id"' in html and "/v1/messages" in html


def test_a_live_test_key_is_handed_back_when_the_console_presents_it(developer, catalog):
    first = KEY_PATTERN.search(get_test_key(developer, catalog.published).content.decode())[0]
    again = developer.post(
        key_url(catalog.published),
        {"key_type": "production", "current_key": first},
        headers={"HX-Request": "true"},
    )
    assert first in again.content.decode()
    assert "still valid" in again.content.decode()
    assert ApiKey.objects.filter(is_test_key=True).count() == 1


def test_one_live_test_key_per_application_and_endpoint_type(developer, catalog):
    get_test_key(developer, catalog.published)
    get_test_key(developer, catalog.published)  # the console lost its key: a new one
    get_test_key(developer, catalog.published, "sandbox")
    live = ApiKey.objects.filter(is_test_key=True, revoked_at__isnull=True)
    assert sorted(live.values_list("key_type", flat=True)) == ["production", "sandbox"]
    assert ApiKey.objects.filter(is_test_key=True, revoked_at__isnull=False).count() == 1


def test_an_expired_or_foreign_key_is_not_handed_back(developer, catalog):
    first = KEY_PATTERN.search(get_test_key(developer, catalog.published).content.decode())[0]
    ApiKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    for presented in (first, "tg_p_" + "x" * 44):
        response = developer.post(
            key_url(catalog.published),
            {"key_type": "production", "current_key": presented},
            headers={"HX-Request": "true"},
        )
        assert presented not in response.content.decode()
