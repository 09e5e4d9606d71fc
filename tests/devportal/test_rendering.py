"""Both portals render through one helper: htmx gets the piece it asked for, history restores
and plain visits get the whole page, and caches are told the answer varies with HX-Request."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
INDEX = reverse("devportal:index")


def test_htmx_gets_the_results_piece_only(developer, catalog):
    response = developer.get(INDEX, {"q": "chat"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="catalog-results"' in html and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_history_restore_and_plain_visits_get_the_whole_page(developer, catalog):
    restored = developer.get(INDEX, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    plain = developer.get(INDEX)
    for response in (restored, plain):
        html = response.content.decode()
        assert "<html" in html and 'id="catalog-results"' in html
        assert "HX-Request" in response["Vary"]
        assert response.context["portal"].tenant == catalog.published.tenant
