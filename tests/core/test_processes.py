"""`make up` and the end-to-end stack start installed packages only, never test modules."""

from __future__ import annotations

import importlib.util

from core.processes import demo_upstream_spec, proxy_spec, web_spec, worker_spec

SPECS = [demo_upstream_spec(8090), proxy_spec(8080), web_spec(8000), worker_spec()]


def _module_started(argv: list[str]) -> str:
    if "-m" in argv:
        return argv[argv.index("-m") + 1]
    return argv[1]  # a script, e.g. manage.py


def test_no_process_starts_anything_from_tests() -> None:
    for spec in SPECS:
        assert not any(part.startswith("tests") for part in spec.argv), spec


def test_every_module_started_is_installed() -> None:
    for spec in SPECS:
        module = _module_started(spec.argv)
        if module.endswith(".py"):
            continue
        found = importlib.util.find_spec(module)
        assert found is not None and found.origin is not None, module
        assert "/tests/" not in found.origin


def test_the_demo_upstream_runs_as_a_package() -> None:
    spec = demo_upstream_spec(8123)
    assert spec.argv[1:3] == ["-m", "demo_upstream"]
    assert spec.health_url == "http://127.0.0.1:8123/_mock/health"
