"""Config as code over REST (docs/config-as-code.md), for tenant admins:

    GET  /api/v1/tenants/{slug}/config/         the tenant's configuration (JSON, or YAML by Accept)
    POST /api/v1/tenants/{slug}/config/diff/    a YAML document → the changes it would make
    POST /api/v1/tenants/{slug}/config/apply/   apply it; answers the changes made

`?prune=true` on diff and apply also deletes what the document leaves out.

The document is the request body: YAML (Content-Type: application/yaml) or the same document
as JSON (application/json; JSON is YAML too). `env:NAME` secret
references are refused here: the server's environment is the operator's, not the tenant's.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.response import Response

from core import config_as_code as cac
from core.api.base import TenantView
from core.errors import InvalidInput

MANAGE = "tenant.manage"
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


class InvalidConfig(InvalidInput):
    code = "invalid_config"


class YamlParser(BaseParser):
    media_type = "application/yaml"

    def parse(self, stream, media_type=None, parser_context=None) -> Any:  # the YAML text
        body = stream.read(MAX_DOCUMENT_BYTES + 1) if stream else b""
        if len(body) > MAX_DOCUMENT_BYTES:
            raise InvalidConfig("The document is larger than 5 MiB.")
        return body.decode("utf-8", errors="replace")


class TextYamlParser(YamlParser):
    media_type = "text/yaml"


class ChangeSetSerializer(serializers.Serializer):
    changes = serializers.ListField(
        child=serializers.DictField(),
        help_text="action, kind, name, path and fields ({field: {from, to}}), in order.",
    )
    preview = serializers.CharField(help_text="The diff preview `manage.py tollgate` prints.")


def _document(request) -> cac.TenantDoc:
    data = request.data
    try:
        return cac.parse_document(data) if isinstance(data, str) else cac.validate_data(data)
    except cac.ConfigError as exc:
        raise InvalidConfig(exc.message, fields=exc.problems) from None


def _answer(changes: list[cac.Change]) -> dict:
    return {
        "changes": [change.as_dict() for change in changes],
        "preview": cac.render_changes(changes),
    }


class ConfigExportView(TenantView):
    """The tenant's vendors, environments, plans and APIs, without secrets: JSON, or YAML when
    the request's `Accept` names `application/yaml` or `text/yaml`."""

    permission_map = {"GET": MANAGE}

    def perform_content_negotiation(self, request, force=False):
        # YAML is written by hand below; let DRF's JSON-only negotiation accept the request.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, tenant_slug: str):
        doc = cac.export_tenant(self.tenant)
        if "yaml" in request.headers.get("Accept", ""):
            text = cac.dump_document(doc)
            return HttpResponse(text, content_type="application/yaml; charset=utf-8")
        return Response(doc.model_dump(mode="json", exclude_none=True))


class ConfigChangeView(TenantView):
    permission_map = {"POST": MANAGE}
    parser_classes = [YamlParser, TextYamlParser, JSONParser]
    serializer_class = ChangeSetSerializer
    apply = False

    # The schema names the JSON form (generated clients send JSON); the same document as YAML
    # (application/yaml, text/yaml) is accepted too, as docs/config-as-code.md says. Its shape
    # is the pydantic models', which OpenAPI 3.0 cannot express (const, null types).
    @extend_schema(request={"application/json": OpenApiTypes.OBJECT}, responses=ChangeSetSerializer)
    def post(self, request, tenant_slug: str):
        doc = _document(request)
        run = cac.apply_document if self.apply else cac.plan_document
        try:
            prune = request.query_params.get("prune", "").lower() in ("1", "true", "yes")
            changes = run(self.tenant, doc, actor=request.user, prune=prune)
        except cac.ConfigError as exc:
            raise InvalidConfig(exc.message, fields=exc.problems) from None
        return Response(_answer(changes))


class ConfigDiffView(ConfigChangeView):
    """What applying the YAML document in the body would change."""


class ConfigApplyView(ConfigChangeView):
    """Apply the YAML document in the body; answers the changes made (none the second time)."""

    apply = True


urlpatterns = [
    path("", ConfigExportView.as_view(), name="config"),
    path("diff/", ConfigDiffView.as_view(), name="config-diff"),
    path("apply/", ConfigApplyView.as_view(), name="config-apply"),
]
