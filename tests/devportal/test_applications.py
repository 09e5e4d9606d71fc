"""Applications (create, edit, delete) and their production and sandbox keys."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.models import ApiKey, Application, AuditLog
from core.secrets import hash_key
from core.services import access

pytestmark = pytest.mark.django_db
KEY_PATTERN = re.compile(r"tg_[ps]_[A-Za-z0-9]{44}")


@pytest.fixture
def app(personas) -> Application:
    return access.create_application(
        tenant=personas.tenant, owner=personas.subscriber, name="Weather bot"
    )


def app_url(app, name: str = "devportal:application", *args) -> str:
    return reverse(name, args=[app.pk, *args])


def test_create_application_then_land_on_its_page(developer, personas):
    response = developer.post(
        reverse("devportal:application-create"),
        {"name": "My bot", "description": "Answers", "tier": "20PerMin"},
        follow=True,
    )
    app = Application.objects.get(owner=personas.subscriber, name="My bot")
    assert response.redirect_chain[-1][0] == app_url(app)
    assert app.tier == "20PerMin" and app.tenant == personas.tenant
    assert "Application My bot created." in response.content.decode()


def test_create_application_shows_field_errors(developer, app):
    response = developer.post(
        reverse("devportal:application-create"), {"name": "Weather bot", "tier": "Unlimited"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["You already have Weather bot."]
    response = developer.post(reverse("devportal:application-create"), {"name": "", "tier": "x"})
    assert set(response.context["form"].errors) == {"name", "tier"}
    assert 'aria-invalid="true"' in response.content.decode()


def test_create_returns_to_next_only_when_it_is_local(developer):
    response = developer.post(
        reverse("devportal:application-create"),
        {"name": "A", "tier": "Unlimited", "next": "/devportal/"},
    )
    assert response.url == "/devportal/"
    response = developer.post(
        reverse("devportal:application-create"),
        {"name": "B", "tier": "Unlimited", "next": "https://evil.test/"},
    )
    assert response.url.startswith("/devportal/applications/")


def test_edit_application(developer, app):
    response = developer.post(
        app_url(app, "devportal:application-edit"),
        {"name": "Storm bot", "description": "New", "tier": "10PerMin"},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert (app.name, app.description, app.tier) == ("Storm bot", "New", "10PerMin")


def test_delete_application_asks_first_then_deletes(developer, app):
    access.generate_key(app=app, key_type="production", actor=app.owner)
    page = developer.get(app_url(app, "devportal:application-delete"))
    assert "1 active key" in page.content.decode()
    assert Application.objects.filter(pk=app.pk).exists()
    response = developer.post(app_url(app, "devportal:application-delete"), follow=True)
    assert not Application.objects.filter(pk=app.pk).exists()
    assert "deleted" in response.content.decode()


def test_list_shows_only_my_applications(developer, app, personas):
    access.create_application(tenant=personas.tenant, owner=personas.admin, name="Admin's app")
    access.create_application(
        tenant=personas.outsider_tenant, owner=personas.outsider, name="Globex app"
    )
    html = developer.get(reverse("devportal:applications")).content.decode()
    assert "Weather bot" in html
    assert "Admin&#x27;s app" not in html and "Globex app" not in html


def test_generated_key_is_shown_once_and_stored_only_as_an_hmac(developer, app):
    response = developer.post(
        app_url(app, "devportal:key-generate", "sandbox"),
        {"sandbox-name": "ci", "sandbox-validity": "30"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    plaintext = KEY_PATTERN.search(html).group(0)
    assert plaintext.startswith("tg_s_")
    assert "will not be shown again" in html

    key = ApiKey.objects.get(application=app)
    assert (key.key_type, key.name, key.digest) == ("sandbox", "ci", hash_key(plaintext))
    assert key.expires_at is not None
    stored = [str(value) for value in ApiKey.objects.filter(pk=key.pk).values().first().values()]
    assert not any(plaintext in value for value in stored)
    assert not any(plaintext in str(log.changes) for log in AuditLog.objects.all())
    assert plaintext not in developer.get(app_url(app)).content.decode()
    assert key.prefix in developer.get(app_url(app)).content.decode()


def test_htmx_generate_returns_the_side_with_the_key(developer, app):
    response = developer.post(
        app_url(app, "devportal:key-generate", "production"), {}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'id="keys-production"' in html and 'id="keys-sandbox"' not in html
    assert KEY_PATTERN.search(html).group(0).startswith("tg_p_")


def test_unknown_key_type_is_404(developer, app):
    assert developer.post(app_url(app, "devportal:key-generate", "staging")).status_code == 404


def test_revoke_key(developer, app):
    key, _plaintext = access.generate_key(app=app, key_type="production", actor=app.owner)
    response = developer.post(app_url(app, "devportal:key-revoke", key.pk), follow=True)
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert "revoked" in response.content.decode()


def test_regenerate_key_revokes_the_old_and_shows_the_new_once(developer, app):
    old, old_plaintext = access.generate_key(
        app=app, key_type="production", actor=app.owner, name="main"
    )
    response = developer.post(app_url(app, "devportal:key-regenerate", old.pk))
    new_plaintext = KEY_PATTERN.search(response.content.decode()).group(0)
    assert new_plaintext != old_plaintext
    old.refresh_from_db()
    assert old.revoked_at is not None
    new = ApiKey.objects.get(digest=hash_key(new_plaintext))
    assert (new.application, new.key_type, new.name) == (app, "production", "main")


def test_revoked_key_cannot_be_regenerated(developer, app):
    key, _ = access.generate_key(app=app, key_type="production", actor=app.owner)
    access.revoke_key(key=key, actor=app.owner)
    assert developer.post(app_url(app, "devportal:key-regenerate", key.pk)).status_code == 404


def test_application_page_splits_keys_by_side(developer, app):
    access.generate_key(app=app, key_type="production", actor=app.owner, name="prod-one")
    access.generate_key(app=app, key_type="sandbox", actor=app.owner, name="sand-one")
    context = developer.get(app_url(app)).context
    sides = {side["key_type"]: [key.name for key in side["active"]] for side in context["keysets"]}
    assert sides == {"production": ["prod-one"], "sandbox": ["sand-one"]}
