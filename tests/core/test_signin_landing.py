"""After sign-in each role lands on its portal; a deep link wins over a portal's front page."""

from __future__ import annotations

import pytest

PASSWORD = "pw-123456!"


def sign_in(client, username: str, next_page: str | None) -> str:
    form = {"username": username, "password": PASSWORD}
    if next_page is not None:
        form["next"] = next_page
    response = client.post("/accounts/login/", form)
    assert response.status_code == 302, response.content
    return response.url


@pytest.mark.parametrize(
    ("username", "portal"),
    [
        ("admin1", "/publisher/"),
        ("creator1", "/publisher/"),
        ("publisher1", "/publisher/"),
        ("subscriber1", "/devportal/"),
    ],
)
@pytest.mark.parametrize("next_page", [None, "", "/", "/devportal/", "/publisher/"])
def test_each_role_lands_on_its_portal(client, personas, username, portal, next_page) -> None:
    assert sign_in(client, username, next_page) == portal
    assert client.get("/").url == portal  # the home page sends them there too


def test_a_deep_link_is_where_the_user_goes(client, personas) -> None:
    assert sign_in(client, "publisher1", "/devportal/applications/") == "/devportal/applications/"


def test_a_next_page_elsewhere_is_ignored(client, personas) -> None:
    assert sign_in(client, "subscriber1", "https://evil.example/") == "/devportal/"


def test_a_user_of_no_tenant_lands_on_the_developer_portal(client, db) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("loner", password=PASSWORD)
    assert sign_in(client, "loner", None) == "/devportal/"
