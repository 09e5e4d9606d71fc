"""The publisher's Test console (WSO2's Test › Try Out): an internal key per publisher and API.

The key belongs to the publisher's "Test console" application, calls only its API, expires
after CONSOLE_KEY_TTL_SECONDS and works only on calls the console relays (proxy/console.py:
the relay adds a proof only the web tier can make). Its plaintext stays in the server-side
session, never in the page; one live key per publisher and API is reused until it expires.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from core.models import AiApi, Application, EndpointKind
from core.secrets import hash_key
from core.services import access

APPLICATION_NAME = "Publisher test console"
SESSION_KEY = "publisher-console-keys"


def console_application(api: AiApi, user) -> Application:
    found = Application.objects.filter(tenant=api.tenant, owner=user, name=APPLICATION_NAME)
    return found.first() or access.create_application(
        tenant=api.tenant,
        owner=user,
        name=APPLICATION_NAME,
        description="Internal keys of the publisher portal's Test console.",
    )


def key_type_for(api: AiApi) -> str:
    """Production when the API has a production endpoint, else sandbox."""
    kinds = set(api.endpoints.values_list("kind", flat=True))
    return EndpointKind.PRODUCTION if EndpointKind.PRODUCTION in kinds else EndpointKind.SANDBOX


@transaction.atomic
def console_key(*, session: SessionBase, api: AiApi, user) -> str:
    """The session's live console key for the API, else a new one (older ones revoked)."""
    held = session.get(SESSION_KEY, {}).get(str(api.uuid), "")
    app = console_application(api, user)
    live = app.keys.filter(console_api=api, revoked_at__isnull=True, expires_at__gt=timezone.now())
    if held and live.filter(digest=hash_key(held)).exists():
        return held
    for stale in live:
        access.revoke_key(key=stale, actor=user)
    _key, plaintext = access.generate_key(
        app=app,
        key_type=key_type_for(api),
        actor=user,
        name=f"Test console: {api.name} {api.version}",
        expires_at=timezone.now() + timedelta(seconds=settings.CONSOLE_KEY_TTL_SECONDS),
        is_test_key=True,
        console_api=api,
    )
    session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), str(api.uuid): plaintext}
    return plaintext
