"""Deployment files: the start command's defaults, the Dockerfile, compose, Kubernetes and HAProxy
configurations, linted with the tools that work offline (hadolint, haproxy -c, kubernetes-validate)
and checked against each other. The offline bundle itself is proved by .ci/run; the replicas and
failover by benchmarks/replicas.py."""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
START_COMMAND = ["bash", "scripts/serve.sh", "--server.fileWatcherType", "none"]
HEALTH = "/_stcore/health"


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed: scripts/test.sh installs it"
    return path


def serve_sh(env: dict) -> list[str]:
    """What scripts/serve.sh prints and the arguments it would start Streamlit with (PYTHON=echo)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PATROLMAP_")}
    result = subprocess.run(
        ["bash", "scripts/serve.sh"], cwd=ROOT, env={**clean, "PYTHON": "echo", **env}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    "env, printed, address, port",
    [
        ({}, "serving on http://127.0.0.1:8501", "127.0.0.1", "8501"),  # this machine only by default
        ({"PATROLMAP_PORT": "9000"}, "serving on http://127.0.0.1:9000", "127.0.0.1", "9000"),
        (
            {"PATROLMAP_ADDRESS": "0.0.0.0"},
            "serving on every interface, port 8501",
            "0.0.0.0",
            "8501",
        ),  # LAN, asked for
        ({"PATROLMAP_ADDRESS": "192.168.1.20"}, "serving on http://192.168.1.20:8501", "192.168.1.20", "8501"),
        ({"PATROLMAP_ADDRESS": "::1"}, "serving on http://[::1]:8501", "::1", "8501"),  # IPv6 in brackets
    ],
)
def test_start_command_binds_and_prints_its_address(env, printed, address, port):
    banner, arguments = serve_sh(env)
    assert printed in banner
    args = arguments.split()
    assert args[:4] == ["-m", "streamlit", "run", "app.py"]
    options = dict(zip(args[4::2], args[5::2], strict=False))
    assert options["--server.address"] == address
    assert options["--server.port"] == port
    # Streamlit's banner asks checkip.amazonaws.com for the external IP when the address is a wildcard.
    assert options["--logger.hideWelcomeMessage"] == "true"
    assert options["--browser.gatherUsageStats"] == "false"


def test_streamlit_config_is_loopback_with_xsrf_on():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"].get("enableXsrfProtection", True) is True
    assert config["server"].get("enableCORS", True) is True
    assert config["logger"]["hideWelcomeMessage"] is True


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) per Dockerfile instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_dockerfile_passes_hadolint():
    result = subprocess.run([tool("hadolint"), "Dockerfile"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_is_slim_non_root_from_the_bundle_with_the_tested_start_command():
    instructions = dockerfile()
    by_name = {}
    for name, args in instructions:
        by_name.setdefault(name, []).append(args)
    assert re.fullmatch(r"python:3\.\d+-slim(-\w+)?", by_name["FROM"][0])
    uid = by_name["USER"][-1].split(":")[0]
    assert uid.isdigit() and int(uid) > 0
    assert by_name["COPY"] == ["dist/patrolmap-bundle/ /app/"]
    install = next(args for args in by_name["RUN"] if "pip install" in args)
    assert "--no-index" in install and "--find-links /app/wheels" in install
    assert HEALTH in by_name["HEALTHCHECK"][0]
    assert json.loads(by_name["CMD"][0]) == START_COMMAND
    # The container starts the way CI starts the offline bundle's app.
    assert " ".join(START_COMMAND) in (ROOT / ".ci" / "run").read_text()
    # What the image listens on must be what the health check asks.
    env = " ".join(by_name["ENV"])
    assert "PATROLMAP_ADDRESS=0.0.0.0" in env and "PATROLMAP_PORT=8501" in env
    assert "127.0.0.1:8501" + HEALTH in by_name["HEALTHCHECK"][0]


def test_dockerignore_lets_only_the_bundle_in():
    lines = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    assert lines[0] == "*"
    assert "!dist/patrolmap-bundle/" in lines


@pytest.mark.parametrize(
    "config, env",
    [
        ("deploy/haproxy.cfg", {"PATROLMAP_PROXY_BIND": "127.0.0.1:8500"}),  # scripts/replicas.sh
        ("deploy/compose/haproxy.cfg", {"PATROLMAP_COOKIE_KEY": "test"}),  # compose.yaml
    ],
)
def test_haproxy_config_is_valid_sticky_and_carries_websockets(config, env):
    result = subprocess.run(
        [tool("haproxy"), "-c", "-f", config], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = (ROOT / config).read_text()
    assert re.search(r"^\s+cookie PATROLMAP_REPLICA insert indirect nocache httponly", text, re.M)
    assert re.search(r"^\s+timeout tunnel \d+[hm]", text, re.M)  # websockets outlive the HTTP timeouts
    assert re.search(r"^\s+option redispatch", text, re.M)  # a lost replica's users go elsewhere
    assert re.search(rf"^\s+option httpchk GET {HEALTH}$", text, re.M)


def test_compose_runs_replicas_behind_the_proxy():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    app, proxy = compose["services"]["app"], compose["services"]["proxy"]
    assert app["build"] == "."
    assert app["deploy"]["replicas"] >= 2
    assert "ports" not in app  # reached only through the proxy
    mounted = proxy["volumes"][0].split(":")
    assert (ROOT / mounted[0]).is_file() and mounted[1] == "/usr/local/etc/haproxy/haproxy.cfg"
    assert all(port.startswith("127.0.0.1:") for port in proxy["ports"])  # this machine only by default
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    assert re.match(r"haproxy:\d", proxy["image"])


def k8s() -> dict:
    docs = {}
    for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            docs[doc["kind"]] = doc
    return docs


def test_kubernetes_manifests_validate():
    files = sorted(str(p) for p in (ROOT / "deploy" / "k8s").glob("*.yaml"))
    result = subprocess.run(
        [sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet", *files], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_kubernetes_probes_affinity_and_wiring():
    docs = k8s()
    assert set(docs) == {"Deployment", "Service", "Ingress"}
    deployment, service, ingress = docs["Deployment"], docs["Service"], docs["Ingress"]
    pod = deployment["spec"]["template"]
    container = pod["spec"]["containers"][0]
    assert deployment["spec"]["replicas"] >= 2
    assert "command" not in container and "args" not in container  # the image's CMD, the tested one
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == HEALTH
        assert container[probe]["httpGet"]["port"] == container["ports"][0]["name"]
    assert container["ports"][0]["containerPort"] == 8501
    env = {item["name"]: item["value"] for item in container["env"]}
    assert env == {"PATROLMAP_ADDRESS": "0.0.0.0", "PATROLMAP_PORT": "8501"}
    security = pod["spec"]["securityContext"]
    uid = next(args for name, args in dockerfile() if name == "USER").split(":")[0]
    assert security["runAsNonRoot"] is True and security["runAsUser"] == int(uid)
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["ports"][0]["targetPort"] == container["ports"][0]["name"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # websockets stay open


def test_offline_install_refuses_a_bundle_for_another_python(tmp_path):
    shutil.copy(ROOT / "deploy" / "bundle" / "install.sh", tmp_path)
    (tmp_path / "BUNDLE.txt").write_text("python=2.7\nplatform=linux-x86_64\n")
    result = subprocess.run(
        ["bash", "install.sh"],
        cwd=tmp_path,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "wheels are for Python 2.7" in result.stderr
    assert not (tmp_path / ".venv").exists()
