"""compose.yaml, the Dockerfile and .dockerignore, checked by their structure.

Docker's daemon does not run on the machines the suite runs on (and the CLI there has no
compose plugin), so the stack is not brought up here: these tests parse the files and check
the rules a production compose file must keep. The processes the services run are the same
commands the end-to-end tests start for real (tests/e2e)."""

from __future__ import annotations

import re
import subprocess
import sys
from fnmatch import fnmatch

import pytest
import yaml

from core.processes import ROOT

APP_SERVICES = ("migrate", "web", "proxy", "worker", "beat", "demo-seed")
LONG_RUNNING = ("postgres", "redis", "web", "proxy", "gateway", "worker", "beat", "demo-upstream")
INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}")
SECRETS = ("POSTGRES_PASSWORD", "SECRET_KEY", "TOLLGATE_FERNET_KEYS", "TOLLGATE_KEY_PEPPER")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def test_app_services_share_one_image_and_wait_for_what_they_need(services):
    for name in APP_SERVICES:
        service = services[name]
        assert service["image"] == "tollgate:latest" and service["build"] == ".", name
        needs = service["depends_on"]
        assert needs["postgres"] == {"condition": "service_healthy"}, name
        if name != "migrate":
            assert needs["redis"] == {"condition": "service_healthy"}, name
            assert needs["migrate"] == {"condition": "service_completed_successfully"}, name


def test_every_awaited_service_has_a_healthcheck(services):
    for name, service in services.items():
        for target, rule in (service.get("depends_on") or {}).items():
            assert target in services, (name, target)
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}'s health"
    for name in ("postgres", "redis", "web", "proxy", "gateway", "demo-upstream"):
        assert services[name]["healthcheck"]["test"], name


def test_restart_policies(services):
    for name in LONG_RUNNING:
        assert services[name]["restart"] == "unless-stopped", name
    for name in ("migrate", "demo-seed"):
        assert services[name]["restart"] == "no", name


def test_migrate_runs_once_and_nothing_else_migrates(services):
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for name, service in services.items():
        if name != "migrate":
            assert "migrate" not in " ".join(_command(service)), name


def test_beat_is_one_service_apart_from_the_workers(services):
    assert services["beat"]["command"] == ["python", "manage.py", "beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "--without-beat" in services["worker"]["command"]
    assert all("-B" not in _command(s) for s in services.values())


def test_proxy_replicas_sit_behind_one_gateway_address(services):
    assert services["proxy"]["deploy"]["replicas"] == "${PROXY_REPLICAS:-2}"
    assert "ports" not in services["proxy"]  # replicas cannot share a host port
    assert services["gateway"]["ports"] == ["${PROXY_PORT:-8080}:8080"]
    mount = services["gateway"]["volumes"][0].split(":")[0]
    config = (ROOT / mount).read_text()
    assert "server proxy:8080 resolve;" in config and "proxy_buffering off;" in config


def test_redis_appends_and_postgres_and_redis_keep_volumes(compose, services):
    command = services["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert services["postgres"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert services["redis"]["volumes"] == ["redisdata:/data"]
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "promdata", "proxy-spool"}


def test_prometheus_is_an_opt_in_profile_scraping_ports_no_caller_reaches(compose, services):
    prometheus = services["prometheus"]
    assert prometheus["profiles"] == ["metrics"]
    env = services["proxy"]["environment"]
    assert env["PROXY_METRICS_PORT"] == "${PROXY_METRICS_PORT:-9108}"
    assert "ports" not in services["worker"]
    mount = prometheus["volumes"][0].split(":")[0]
    jobs = {job["job_name"]: job for job in yaml.safe_load((ROOT / mount).read_text())[
        "scrape_configs"]}  # fmt: skip
    assert jobs["tollgate-proxy"]["dns_sd_configs"][0] == {
        "names": ["proxy"], "type": "A", "port": 9108, "refresh_interval": "15s"}  # fmt: skip
    assert jobs["tollgate-worker"]["dns_sd_configs"][0]["port"] == 9109
    token = jobs["tollgate-web"]["authorization"]["credentials_file"]
    assert token == "/run/secrets/metrics_token" and prometheus["secrets"] == ["metrics_token"]
    assert compose["secrets"]["metrics_token"] == {"environment": "TOLLGATE_METRICS_TOKEN"}


def test_the_proxy_usage_spool_outlives_its_containers(compose, services):
    # The proxy's default spool: TOLLGATE_DATA_DIR (/data in the image) + /usage-spool.
    assert services["proxy"]["volumes"] == ["proxy-spool:/data/usage-spool"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "mkdir -p /data/usage-spool && chown tollgate /data /data/usage-spool" in dockerfile


def test_secrets_come_from_env_and_are_required(services):
    text = (ROOT / "compose.yaml").read_text()
    for name in SECRETS:
        uses = [m for m in INTERPOLATION.finditer(text) if m.group(1) == name]
        assert uses and all(m.group(2) == ":?" for m in uses), f"{name} must be required"
    env = services["web"]["environment"]
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert services["web"]["env_file"] == [{"path": ".env", "required": False}]


def test_the_env_generator_sets_every_required_variable(tmp_path):
    printed = subprocess.run(
        [sys.executable, str(ROOT / "deploy/compose/make_env.py")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    values = dict(line.split("=", 1) for line in printed.splitlines())
    text = (ROOT / "compose.yaml").read_text()
    required = {m.group(1) for m in INTERPOLATION.finditer(text) if m.group(2) == ":?"}
    assert required <= set(values)
    from cryptography.fernet import Fernet

    Fernet(values["TOLLGATE_FERNET_KEYS"])
    assert values["SECRET_KEY"] != values["TOLLGATE_KEY_PEPPER"]
    assert len(values["SECRET_KEY"]) >= 50


def test_demo_services_are_an_opt_in_profile(services):
    for name, service in services.items():
        is_demo = name.startswith("demo-")
        assert (service.get("profiles") == ["demo"]) == is_demo, name


def test_the_commands_exist(services):
    from django.core.management import get_commands

    commands = get_commands()
    for service in services.values():
        argv = _command(service)
        if argv[:2] == ["python", "manage.py"]:
            assert argv[2] in commands, argv
        elif argv[:2] == ["python", "-m"]:
            assert (ROOT / argv[2]).is_dir() and (ROOT / argv[2] / "__main__.py").exists()


def _command(service: dict) -> list[str]:
    command = service.get("command", [])
    return command if isinstance(command, list) else command.split()


# The Dockerfile and .dockerignore


def dockerfile() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_runs_unprivileged_with_a_default_command():
    steps = dockerfile()
    keywords = [k for k, _ in steps]
    user = next(rest for k, rest in steps if k == "USER")
    assert user not in ("root", "0")
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")
    command = yaml.safe_load(next(rest for k, rest in steps if k == "CMD"))
    assert command[:2] == ["uvicorn", "core.asgi:application"]


def test_dependencies_are_installed_before_the_code_is_copied():
    steps = dockerfile()
    install = next(i for i, (k, rest) in enumerate(steps) if k == "RUN" and "pip install" in rest)
    copies = [(i, rest.split()[0]) for i, (k, rest) in enumerate(steps) if k == "COPY"]
    before = [source for i, source in copies if i < install]
    assert before == ["pyproject.toml"], "only pyproject.toml may come before the install"
    assert {"core", "proxy", "templates", "static"} <= {s for i, s in copies if i > install}


def test_every_copied_path_exists_and_reaches_the_build_context():
    ignored = [
        p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines()
        if p.strip() and not p.startswith("#")
    ]  # fmt: skip
    for keyword, rest in dockerfile():
        if keyword == "COPY":
            for source in rest.split()[:-1]:
                assert (ROOT / source).exists(), source
                assert not any(fnmatch(source, pattern) for pattern in ignored), source
    for private in (".env", ".git", ".venv", ".helper.env", "var"):
        assert private in ignored
