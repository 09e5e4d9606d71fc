"""deploy/grafana/tollgate.json: a valid dashboard whose every query names metrics that the
proxy and the control plane really export."""

from __future__ import annotations

import json
import re

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import Metric

from core.metrics.state import ControlPlaneCollector
from core.metrics.tasks import task_counters
from core.processes import ROOT
from proxy.metrics.families import Families

DASHBOARD = ROOT / "deploy/grafana/tollgate.json"
METRIC = re.compile(r"\btollgate_[a-z0-9_]+")
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def series_names(families: list[Metric]) -> set[str]:
    """The names a query can use: a counter's `_total`, a histogram's buckets, count and sum."""
    return {family.name + suffix for family in families for suffix in SUFFIXES[family.type]}


@pytest.fixture
def exported(settings, fresh_redis) -> set[str]:
    settings.REDIS_URL = fresh_redis.url
    proxy = CollectorRegistry()
    Families(proxy)
    control_plane = [*task_counters().registry.collect(), *ControlPlaneCollector().collect()]
    return series_names([*proxy.collect(), *control_plane])


def expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_the_dashboard_is_grafana_json_with_queries():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["title"] and dashboard["uid"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)) >= 10
    assert all(panel["targets"] for panel in dashboard["panels"])


@pytest.mark.django_db
def test_every_query_names_metrics_that_exist(exported):
    for expression in expressions():
        names = set(METRIC.findall(expression))
        assert names, f"no Tollgate metric in {expression!r}"
        assert names <= exported, f"unknown {sorted(names - exported)} in {expression!r}"


@pytest.mark.django_db
def test_every_metric_appears_on_the_dashboard(exported):
    shown = {name for expression in expressions() for name in METRIC.findall(expression)}
    families = {re.sub(r"_(bucket|count|sum)$", "", name) for name in shown}
    for name in exported:
        base = re.sub(r"_(bucket|count|sum)$", "", name)
        assert base in families or name in shown, f"{name} is on no panel"
