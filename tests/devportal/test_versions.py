"""The developer portal lists an API's versions as one entry and marks the default."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.services import lifecycle, versions
from tests.core.builders import deploy

pytestmark = pytest.mark.django_db


def test_the_devportal_groups_versions_and_marks_the_default(developer, personas, catalog):
    older = catalog.published
    newer = versions.create_new_version(api=older, version="2.0.0", actor=personas.admin)
    deploy(newer, personas.admin)
    lifecycle.change_lifecycle(api=newer, to_state="PUBLISHED", actor=personas.admin)
    versions.set_default_version(api=older, actor=personas.admin)
    listing = developer.get(reverse("devportal:index"))
    groups = [g for g in listing.context["page_obj"].object_list if g.primary.name == older.name]
    assert len(groups) == 1 and groups[0].primary == older
    page = developer.get(reverse("devportal:api-detail", args=[newer.uuid])).content.decode()
    assert "Versions:" in page and "default" in page
