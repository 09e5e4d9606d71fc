"""deploy/k8s: the production overlay, rendered by kustomize (`kubectl kustomize`), validated
against the Kubernetes OpenAPI schemas (kubernetes-validate ships them; strict: an unknown
field is an error), and checked for what a Tollgate deployment needs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from core.processes import ROOT
from tests.support.services import missing

# The oldest Kubernetes release still supported upstream, and the newest the library knows.
VERSIONS = ("1.32.0", kubernetes_validate.latest_version())
DEPLOYMENTS = ("web", "proxy", "worker", "beat")
SECRET_KEYS = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "TOLLGATE_FERNET_KEYS",
               "TOLLGATE_KEY_PEPPER"}  # fmt: skip


def kustomize(directory: Path) -> list[dict]:
    if not shutil.which("kubectl"):
        missing("kubectl (its built-in kustomize renders deploy/k8s)")
    done = subprocess.run(
        ["kubectl", "kustomize", str(directory)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def generated_secrets() -> str:
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy/compose/make_env.py")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> list[dict]:
    """The production overlay, with the secrets.env an operator writes from the example."""
    copy = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(ROOT / "deploy/k8s", copy)
    overlay = copy / "overlays/production"
    example = (overlay / "secrets.env.example").read_text()
    urls = "\n".join(line for line in example.splitlines() if line.endswith(("tollgate", "/0")))
    keys = [line for line in generated_secrets().splitlines() if line.split("=")[0] in SECRET_KEYS]
    (overlay / "secrets.env").write_text("\n".join([urls, *keys]) + "\n")
    return kustomize(overlay)


def find(docs: list[dict], kind: str, name: str) -> dict:
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}"
    return matches[0]


def pod(docs: list[dict], name: str) -> dict:
    return find(docs, "Deployment", f"tollgate-{name}")["spec"]["template"]["spec"]


def test_every_manifest_passes_the_kubernetes_schemas(rendered):
    kinds = sorted({d["kind"] for d in rendered})
    assert kinds == ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Ingress", "Job",
                     "Namespace", "PodDisruptionBudget", "Secret", "Service"]  # fmt: skip
    for version in VERSIONS:
        for doc in rendered:
            kubernetes_validate.validate(doc, version, strict=True)


def test_the_base_renders_and_validates_on_its_own():
    for doc in kustomize(ROOT / "deploy/k8s/base"):
        kubernetes_validate.validate(doc, VERSIONS[-1], strict=True)


def test_a_schema_error_is_caught(rendered):
    """The validation is real: a misspelt field fails it."""
    broken = yaml.safe_load(yaml.safe_dump(find(rendered, "Deployment", "tollgate-proxy")))
    broken["spec"]["replica"] = 3
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[-1], strict=True)


def test_everything_is_namespaced_and_runs_the_released_image_unprivileged(rendered):
    for doc in rendered:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "tollgate", doc["metadata"]["name"]
    specs = [pod(rendered, n) for n in DEPLOYMENTS]
    specs.append(find(rendered, "Job", "tollgate-migrate")["spec"]["template"]["spec"])
    for spec in specs:
        assert spec["securityContext"]["runAsNonRoot"] is True
        for container in spec["containers"] + spec.get("initContainers", []):
            assert container["image"] == "registry.example.com/tollgate:0.1.0"
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            mounts = {m["mountPath"] for m in container["volumeMounts"]}
            assert {"/data", "/tmp"} <= mounts, container["name"]


def test_migrations_run_in_a_job_and_every_process_waits_for_them(rendered):
    job = find(rendered, "Job", "tollgate-migrate")["spec"]["template"]["spec"]
    assert job["containers"][0]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for name in DEPLOYMENTS:
        init = pod(rendered, name)["initContainers"][0]
        assert "migrate --check" in " ".join(init["command"]), name
        assert "migrate --noinput" not in " ".join(pod(rendered, name)["containers"][0]["command"])


def test_the_proxy_scales_drains_and_probes_readiness_and_liveness(rendered):
    container = pod(rendered, "proxy")["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    drain = container["lifecycle"]["preStop"]["exec"]["command"]
    grace = pod(rendered, "proxy")["terminationGracePeriodSeconds"]
    assert drain[0] == "sleep" and 0 < int(drain[1]) < grace
    hpa = find(rendered, "HorizontalPodAutoscaler", "tollgate-proxy")["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                     "name": "tollgate-proxy"}  # fmt: skip
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 20)  # the overlay's
    spool = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}["/data/usage-spool"]
    volumes = {v["name"]: v for v in pod(rendered, "proxy")["volumes"]}
    assert "emptyDir" in volumes[spool] or "persistentVolumeClaim" in volumes[spool]
    pdb = find(rendered, "PodDisruptionBudget", "tollgate-proxy")["spec"]
    labels = find(rendered, "Deployment", "tollgate-proxy")["spec"]["template"]["metadata"]
    assert pdb["selector"]["matchLabels"].items() <= labels["labels"].items()


def test_one_beat_apart_from_the_workers(rendered):
    beat = find(rendered, "Deployment", "tollgate-beat")["spec"]
    assert beat["replicas"] == 1 and beat["strategy"] == {"type": "Recreate"}
    assert beat["template"]["spec"]["containers"][0]["command"][-1] == "beat"
    assert "--without-beat" in pod(rendered, "worker")["containers"][0]["command"]


def test_services_and_ingress_reach_pods_that_exist(rendered):
    for service in (d for d in rendered if d["kind"] == "Service"):
        name = service["metadata"]["name"]
        template = find(rendered, "Deployment", name)["spec"]["template"]
        assert service["spec"]["selector"].items() <= template["metadata"]["labels"].items()
        ports = {p["name"] for c in template["spec"]["containers"] for p in c.get("ports", [])}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports
    ingress = find(rendered, "Ingress", "tollgate")["spec"]
    backends = {p["backend"]["service"]["name"] for r in ingress["rules"]
                for p in r["http"]["paths"]}  # fmt: skip
    assert backends == {"tollgate-web", "tollgate-proxy"}
    assert ingress["tls"][0]["secretName"] == "tollgate-tls"


def test_config_and_secrets_make_a_production_shape_that_check_deploy_accepts(rendered, tmp_path):
    secret = find(rendered, "Secret", "tollgate-secrets")
    config = find(rendered, "ConfigMap", "tollgate-config")["data"]
    import base64

    values = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert set(values) == SECRET_KEYS
    for spec in (pod(rendered, n) for n in DEPLOYMENTS):
        refs = {next(iter(r.values()))["name"] for r in spec["containers"][0]["envFrom"]}
        assert refs == {"tollgate-config", "tollgate-secrets"}
    drop = {"TOLLGATE_DEMO", "DEBUG", "DATABASE_URL", "REDIS_URL"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update({**config, **values, "TOLLGATE_DATA_DIR": str(tmp_path)})
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_proxy_and_worker_pods_are_scraped_on_ports_no_service_routes(rendered):
    config = find(rendered, "ConfigMap", "tollgate-config")["data"]
    for name, port in (("proxy", 9108), ("worker", 9109)):
        template = find(rendered, "Deployment", f"tollgate-{name}")["spec"]["template"]
        annotations = template["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/port"] == str(port)
        [container] = template["spec"]["containers"]
        assert {"name": "metrics", "containerPort": port} in container["ports"]
        assert config[f"{name.upper()}_METRICS_PORT"] == str(port)
    services = [d for d in rendered if d["kind"] == "Service"]
    routed = {p.get("targetPort", p["port"]) for s in services for p in s["spec"]["ports"]}
    assert not routed & {9108, 9109, "metrics"}
