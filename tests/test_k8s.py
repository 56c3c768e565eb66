"""The Kubernetes manifests under k8s/: schema-valid for one pinned Kubernetes version,
and deployable the way their comments say.

Every manifest file is validated on its own, always. The overlays are also rendered
with `kubectl kustomize` and checked as a cluster would receive them; those tests skip,
saying so, where kubectl is not installed.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from bridge.config import OPTIONS, WORKERS_AUTO, ConfigError, Settings, parse_hostport
from bridge.server import SERVICE_NAME

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "k8s"
OVERLAYS = ("shared", "sidecar")
COMPONENTS = ("servicemonitor",)
# Custom resources, validated against vendored schemas (tests/fixtures/crds/README.md).
CRD_SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): ROOT
    / "tests"
    / "fixtures"
    / "crds"
    / "servicemonitor-v1.schema.json",
}
# The oldest version these manifests must work on: native sidecars and the
# preStop `sleep` action are both on by default from 1.30.
KUBERNETES_VERSION = "1.30.0"
KUSTOMIZATION_KEYS = {
    "apiVersion",
    "kind",
    "resources",
    "configMapGenerator",
    "labels",
    "images",
    "components",
}
SECRET_NAME = "responses-bridge-upstream"
SECRETISH = re.compile(r"key|token|secret|password|credential", re.IGNORECASE)

Object = dict[str, Any]


def manifest_files() -> list[Path]:
    """Every YAML file under k8s/ that holds Kubernetes objects (all but kustomization.yaml)."""
    files = sorted(K8S.rglob("*.yaml")) + sorted(K8S.rglob("*.yml"))
    return [f for f in files if f.name != "kustomization.yaml"]


def kustomization_files() -> list[Path]:
    """Every kustomization.yaml under k8s/."""
    return sorted(K8S.rglob("kustomization.yaml"))


def load_all(text: str) -> list[Object]:
    """The non-empty YAML documents in `text`."""
    return [doc for doc in yaml.safe_load_all(text) if doc]


def validate(obj: Object, where: str) -> None:
    """Fail unless `obj` matches the strict Kubernetes schema of KUBERNETES_VERSION, or for a
    custom resource its CRD's vendored schema."""
    name = f"{where}: {obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
    crd = CRD_SCHEMAS.get((obj.get("apiVersion", ""), obj.get("kind", "")))
    if crd is not None:
        try:
            jsonschema.validate(obj, json.loads(crd.read_text()))
        except jsonschema.ValidationError as exc:
            pytest.fail(f"{name} is invalid at {'.'.join(map(str, exc.path))}: {exc.message}")
        return
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        path = ".".join(str(p) for p in exc.path)
        pytest.fail(f"{name} is invalid at {path}: {exc.message}")
    except kubernetes_validate.SchemaNotFoundError as exc:
        pytest.fail(f"{name} has no schema to validate against: {exc.message}")


@functools.cache
def _kustomize(overlay: str) -> str:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not on PATH, so the overlays cannot be rendered here")
    result = subprocess.run(
        [
            kubectl,
            "kustomize",
            overlay if os.path.isabs(overlay) else str(K8S / "overlays" / overlay),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"kubectl kustomize k8s/overlays/{overlay} failed:\n{result.stderr}")
    return result.stdout


def render(overlay: str) -> list[Object]:
    """The objects `kubectl kustomize` renders for `overlay` (a fresh copy each call)."""
    return load_all(_kustomize(overlay))


def one(objects: list[Object], kind: str, name: str | None = None) -> Object:
    """The single object of `kind` (and `name`, when given) among `objects`."""
    found = [
        o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)
    ]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def pod_spec(objects: list[Object]) -> Object:
    """The pod spec of the overlay's one Deployment."""
    spec: Object = one(objects, "Deployment")["spec"]["template"]["spec"]
    return spec


def all_containers(spec: Object) -> Iterator[Object]:
    """Init containers, then regular containers, of a pod spec."""
    yield from spec.get("initContainers", [])
    yield from spec.get("containers", [])


def bridge_container(spec: Object) -> Object:
    """The container named `bridge` in a pod spec, init or regular."""
    found = [c for c in all_containers(spec) if c["name"] == "bridge"]
    assert len(found) == 1, "expected exactly one container named bridge"
    return found[0]


def config(objects: list[Object]) -> dict[str, str]:
    """The data of the overlay's one ConfigMap: the bridge's BRIDGE_* settings."""
    data: dict[str, str] = one(objects, "ConfigMap")["data"]
    return data


def health_port(settings: dict[str, str]) -> int:
    """The port the kubelet must probe: the health-only port when set, else the API port."""
    return parse_hostport(settings.get("BRIDGE_HEALTH_LISTEN") or settings["BRIDGE_LISTEN"])[1]


def quantity(text: str) -> float:
    """A Kubernetes quantity as a number: "500m" is 0.5 (cores), "128Mi" is 2**27 (bytes)."""
    units = {"m": 1e-3, "Mi": 2**20, "Gi": 2**30, "": 1}
    match = re.fullmatch(r"([\d.]+)(m|Mi|Gi|)", str(text))
    assert match, f"unexpected quantity {text!r}"
    return float(match[1]) * units[match[2]]


def dockerfile_uid() -> int:
    """The numeric uid the Dockerfile's last USER instruction sets."""
    users = re.findall(r"^USER\s+(\d+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert users, "the Dockerfile sets no numeric USER"
    return int(users[-1])


# --- every file, on its own: never skipped ---------------------------------


def test_layout_has_a_base_and_both_overlays() -> None:
    """k8s/ holds a base, the sidecar and shared overlays and the optional components, each
    with a kustomization."""
    expected = {
        K8S / "base",
        *(K8S / "overlays" / o for o in OVERLAYS),
        *(K8S / "components" / c for c in COMPONENTS),
    }
    assert {f.parent for f in kustomization_files()} == expected
    assert manifest_files(), "k8s/ holds no manifests to validate"


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: str(p.relative_to(K8S)))
def test_manifest_file_is_valid_kubernetes(path: Path) -> None:
    """Each object in the file validates strictly against the pinned Kubernetes schema."""
    objects = load_all(path.read_text())
    assert objects, f"{path} holds no objects"
    for obj in objects:
        validate(obj, str(path.relative_to(ROOT)))


@pytest.mark.parametrize("path", kustomization_files(), ids=lambda p: str(p.relative_to(K8S)))
def test_kustomization_file_is_well_formed(path: Path) -> None:
    """Each kustomization is a v1beta1 Kustomization using known keys and existing resources."""
    data = yaml.safe_load(path.read_text())
    if path.parent.parent.name == "components":
        assert data["apiVersion"] == "kustomize.config.k8s.io/v1alpha1"
        assert data["kind"] == "Component"
    else:
        assert data["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
        assert data["kind"] == "Kustomization"
    assert set(data) <= KUSTOMIZATION_KEYS, set(data) - KUSTOMIZATION_KEYS
    for resource in data.get("resources", []):
        target = (path.parent / resource).resolve()
        assert target.is_file() or (target / "kustomization.yaml").is_file(), resource
    for generator in data.get("configMapGenerator", []):
        assert generator["name"] == "responses-bridge"
        assert all(re.fullmatch(r"BRIDGE_[A-Z_]+=.+", item) for item in generator["literals"])
    if path.parent.parent.name == "overlays":
        assert "../../base" in data["resources"]
        assert all(g.get("behavior") == "merge" for g in data["configMapGenerator"])


@pytest.mark.parametrize("path", kustomization_files(), ids=lambda p: str(p.relative_to(K8S)))
def test_kustomization_applies_no_secret(path: Path) -> None:
    """No kustomization lists the example Secret or generates a Secret."""
    data = yaml.safe_load(path.read_text())
    assert "secretGenerator" not in data
    for resource in data.get("resources", []):
        target = (path.parent / resource).resolve()
        if target.is_file():
            assert all(o["kind"] != "Secret" for o in load_all(target.read_text())), resource


def test_example_secret_holds_only_a_placeholder() -> None:
    """The example Secret's value is an obvious placeholder, never a key."""
    secret = one(load_all((K8S / "base" / "secret.example.yaml").read_text()), "Secret")
    assert secret["metadata"]["name"] == SECRET_NAME
    for value in secret.get("stringData", {}).values():
        assert "REPLACE" in value
    assert "data" not in secret


def test_validation_rejects_an_unknown_field() -> None:
    """The strict schema catches a misspelled field, so the passes above mean something."""
    path = K8S / "overlays" / "shared" / "deployment.yaml"
    deployment = one(load_all(path.read_text()), "Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


# --- the rendered overlays: skipped only without kubectl -------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rendered_objects_are_valid_kubernetes(overlay: str) -> None:
    """Every object the overlay renders validates strictly against the pinned schema."""
    objects = render(overlay)
    assert objects
    for obj in objects:
        validate(obj, f"overlays/{overlay}")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_are_native_grpc_health_checks(overlay: str) -> None:
    """All three probes are native gRPC health checks on a port the kubelet can reach."""
    objects = render(overlay)
    settings = config(objects)
    port = health_port(settings)
    listen = settings.get("BRIDGE_HEALTH_LISTEN") or settings["BRIDGE_LISTEN"]
    assert parse_hostport(listen)[0] in ("0.0.0.0", "::"), "the kubelet dials the pod IP"
    bridge = bridge_container(pod_spec(objects))
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        probe = bridge[kind]
        assert set(probe) & {"grpc", "httpGet", "tcpSocket", "exec"} == {"grpc"}, kind
        assert probe["grpc"]["port"] == port, kind
        assert probe["grpc"]["service"] in ("", SERVICE_NAME), kind
    for kind in ("startupProbe", "readinessProbe"):
        assert bridge[kind]["grpc"]["service"] == SERVICE_NAME, kind
    declared = {p["containerPort"] for p in bridge.get("ports", [])}
    assert port in declared


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_shutdown_outlasts_the_drain(overlay: str) -> None:
    """terminationGracePeriodSeconds exceeds the bridge's drain grace plus every preStop sleep."""
    objects = render(overlay)
    spec = pod_spec(objects)
    grace = float(config(objects)["BRIDGE_GRACE_SECONDS"])
    sleeps = []
    for container in all_containers(spec):
        pre_stop = container.get("lifecycle", {}).get("preStop")
        if pre_stop:
            # Native sleep: the image needs no shell, unlike exec ["sleep", ...].
            assert set(pre_stop) == {"sleep"}, container["name"]
            sleeps.append(pre_stop["sleep"]["seconds"])
    assert sleeps, "no container pauses before SIGTERM to let endpoints update"
    assert all(s > 0 for s in sleeps)
    assert spec["terminationGracePeriodSeconds"] > grace + sum(sleeps)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_containers_are_restricted(overlay: str) -> None:
    """Every container meets the restricted Pod Security Standard, the bridge as the image's uid."""
    objects = render(overlay)
    spec = pod_spec(objects)
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["automountServiceAccountToken"] is False
    for container in all_containers(spec):
        context = container["securityContext"]
        assert context["runAsNonRoot"] is True, container["name"]
        assert isinstance(context["runAsUser"], int) and context["runAsUser"] > 0
        assert context["readOnlyRootFilesystem"] is True, container["name"]
        assert context["allowPrivilegeEscalation"] is False, container["name"]
        assert context["capabilities"]["drop"] == ["ALL"], container["name"]
        assert "add" not in context["capabilities"], container["name"]
        assert context["seccompProfile"]["type"] == "RuntimeDefault", container["name"]
    bridge = bridge_container(spec)
    assert bridge["securityContext"]["runAsUser"] == dockerfile_uid()
    tmp = [m for m in bridge["volumeMounts"] if m["mountPath"] == "/tmp"]
    assert len(tmp) == 1
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert "emptyDir" in volumes[tmp[0]["name"]]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_bridge_has_requests_and_limits(overlay: str) -> None:
    """The bridge container requests and limits CPU and memory, requests within limits."""
    resources = bridge_container(pod_spec(render(overlay)))["resources"]
    for resource in ("cpu", "memory"):
        request = quantity(resources["requests"][resource])
        limit = quantity(resources["limits"][resource])
        assert 0 < request <= limit, resource


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_configuration_comes_from_the_configmap_and_the_key_from_a_secret(overlay: str) -> None:
    """Settings come from the rendered ConfigMap, the API key from a required Secret reference."""
    objects = render(overlay)
    settings = config(objects)
    bridge = bridge_container(pod_spec(objects))
    configmap = one(objects, "ConfigMap")["metadata"]["name"]
    assert [e["configMapRef"]["name"] for e in bridge["envFrom"]] == [configmap]
    env = {e["name"]: e for e in bridge.get("env", [])}
    key = env["BRIDGE_UPSTREAM_API_KEY"]["valueFrom"]["secretKeyRef"]
    assert key == {"name": SECRET_NAME, "key": "api-key", "optional": False}
    # Every key is a variable the bridge reads (it ignores others silently), and
    # every value is one it accepts.
    known = {variable for option in OPTIONS for variable in option.variables}
    assert set(settings) <= known, set(settings) - known
    try:
        Settings.load(env=settings)
    except ConfigError as exc:
        pytest.fail(str(exc))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_value_is_rendered(overlay: str) -> None:
    """The overlay renders no Secret and no literal value under a secret-looking name."""
    objects = render(overlay)
    assert all(o["kind"] != "Secret" for o in objects)
    assert not any(SECRETISH.search(k) for k in config(objects))
    for container in all_containers(pod_spec(objects)):
        for var in container.get("env", []):
            if SECRETISH.search(var["name"]):
                assert "value" not in var, var["name"]
    assert not re.search(r"\bsk-[A-Za-z0-9_-]{8,}", _kustomize(overlay))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_bridge_image_is_pinned(overlay: str) -> None:
    """The bridge image carries an explicit tag or digest, never latest."""
    image = bridge_container(pod_spec(render(overlay)))["image"]
    if "@sha256:" not in image:
        tag = image.rsplit("/", 1)[-1].partition(":")[2]
        assert tag not in ("", "latest"), image


def test_bridge_container_is_the_same_in_both_overlays() -> None:
    """Both modes harden, size and probe the bridge alike, so the two copies cannot drift apart."""
    shared, sidecar = (bridge_container(pod_spec(render(o))) for o in OVERLAYS)
    for field in ("image", "securityContext", "resources", "env", "volumeMounts"):
        assert shared[field] == sidecar[field], field
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        strip = {k: v for k, v in shared[kind].items() if k != "grpc"}
        assert strip == {k: v for k, v in sidecar[kind].items() if k != "grpc"}, kind
        assert shared[kind]["grpc"]["service"] == sidecar[kind]["grpc"]["service"], kind


def test_sidecar_is_a_native_sidecar_on_localhost() -> None:
    """The bridge is an init container with restartPolicy Always, serving the app on loopback."""
    objects = render("sidecar")
    spec = pod_spec(objects)
    settings = config(objects)
    assert "bridge" not in {c["name"] for c in spec["containers"]}
    bridge = bridge_container(spec)
    assert bridge in spec["initContainers"]
    assert bridge["restartPolicy"] == "Always"
    # The startup probe is what holds the app containers back until the bridge serves.
    assert "startupProbe" in bridge
    host, port = parse_hostport(settings["BRIDGE_LISTEN"])
    assert host == "127.0.0.1"
    assert health_port(settings) != port
    assert port not in {p["containerPort"] for p in bridge.get("ports", [])}
    for app in spec["containers"]:
        env = {e["name"]: e.get("value") for e in app.get("env", [])}
        assert env.get("BRIDGE_TARGET") == f"127.0.0.1:{port}", app["name"]


def test_shared_services_reach_the_pods() -> None:
    """Both Services select the pods on the API port, and the headless one has no cluster IP."""
    objects = render("shared")
    deployment = one(objects, "Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    bridge = bridge_container(pod_spec(objects))
    api_port = parse_hostport(config(objects)["BRIDGE_LISTEN"])[1]
    ports = {p["name"]: p["containerPort"] for p in bridge["ports"]}
    services = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Service"}
    assert set(services) == {"responses-bridge", "responses-bridge-headless"}
    assert services["responses-bridge-headless"]["spec"]["clusterIP"] == "None"
    assert services["responses-bridge"]["spec"].get("clusterIP") != "None"
    for service in services.values():
        assert service["spec"]["selector"].items() <= labels.items()
        (port,) = service["spec"]["ports"]
        target = port["targetPort"]
        assert (ports[target] if isinstance(target, str) else target) == api_port


def test_shared_autoscaler_and_budget_target_the_deployment() -> None:
    """The HPA scales the Deployment on CPU and the PDB selects exactly its pods."""
    objects = render("shared")
    deployment = one(objects, "Deployment")
    selector = deployment["spec"]["selector"]["matchLabels"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= labels.items()
    # The HPA owns the replica count; a fixed one would fight it on every apply.
    assert "replicas" not in deployment["spec"]

    hpa = one(objects, "HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] >= hpa["spec"]["minReplicas"]
    assert [(m["type"], m["resource"]["name"]) for m in hpa["spec"]["metrics"]] == [
        ("Resource", "cpu")
    ]

    pdb = one(objects, "PodDisruptionBudget")
    assert pdb["apiVersion"] == "policy/v1"
    assert pdb["spec"]["selector"] == {"matchLabels": selector}
    # Some pod must always be evictable at the minimum size, or node drains block.
    if "minAvailable" in pdb["spec"]:
        assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]
    else:
        assert pdb["spec"]["maxUnavailable"] >= 1


def test_shared_autoscaler_target_moves_with_the_cpu_limit_and_the_workers() -> None:
    """The HPA targets half the pod's CPU limit, the limit gives each worker one core, and a
    pod of several workers is probed on the health port their parent serves."""
    objects = render("shared")
    settings = config(objects)
    limit = quantity(bridge_container(pod_spec(objects))["resources"]["limits"]["cpu"])
    workers = Settings.load(env=settings).workers
    assert limit == (workers if workers != WORKERS_AUTO else limit) and limit.is_integer()
    (metric,) = one(objects, "HorizontalPodAutoscaler")["spec"]["metrics"]
    target = metric["resource"]["target"]
    assert target["type"] == "AverageValue"
    assert quantity(target["averageValue"]) == limit / 2
    if limit > 1:
        assert "BRIDGE_HEALTH_LISTEN" in settings


# --- metrics: the scrape endpoint and the ServiceMonitor component ---------


def with_servicemonitor(tmp_path: Path) -> list[Object]:
    """What the shared overlay renders with the ServiceMonitor component added, as the
    component's comment shows (an overlay of one's own, by relative paths)."""
    overlay = tmp_path / "with-servicemonitor"
    overlay.mkdir()
    to_k8s = os.path.relpath(K8S, overlay)
    (overlay / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": [f"{to_k8s}/overlays/shared"],
                "components": [f"{to_k8s}/components/servicemonitor"],
            }
        )
    )
    return load_all(_kustomize(str(overlay)))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_metrics_port_is_declared_and_bound_like_the_health_port(overlay: str) -> None:
    """BRIDGE_METRICS_LISTEN listens on every interface (the pod IP Prometheus dials) on the
    port the bridge container declares as `metrics`."""
    objects = render(overlay)
    host, port = parse_hostport(config(objects)["BRIDGE_METRICS_LISTEN"])
    assert host in ("0.0.0.0", "::")
    ports = {p["name"]: p["containerPort"] for p in bridge_container(pod_spec(objects))["ports"]}
    assert ports["metrics"] == port


def test_shared_pods_are_annotated_for_scraping() -> None:
    """The shared overlay's pod template carries the prometheus.io annotations, naming the
    metrics port and path."""
    objects = render("shared")
    annotations = one(objects, "Deployment")["spec"]["template"]["metadata"]["annotations"]
    _, port = parse_hostport(config(objects)["BRIDGE_METRICS_LISTEN"])
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics"


def test_servicemonitor_component_renders_valid_objects(tmp_path: Path) -> None:
    """With the component, every rendered object validates: the Kubernetes ones strictly, the
    ServiceMonitor against its CRD's vendored schema."""
    objects = with_servicemonitor(tmp_path)
    one(objects, "ServiceMonitor")
    for obj in objects:
        validate(obj, "overlays/shared + components/servicemonitor")


def test_servicemonitor_scrapes_the_metrics_port_of_the_bridge_pods(tmp_path: Path) -> None:
    """The ServiceMonitor selects the metrics Service alone, whose selector picks the bridge
    pods and whose port reaches their metrics port, at the endpoint's path."""
    objects = with_servicemonitor(tmp_path)
    monitor = one(objects, "ServiceMonitor")["spec"]
    wanted = monitor["selector"]["matchLabels"]
    services = [
        o
        for o in objects
        if o["kind"] == "Service" and wanted.items() <= o["metadata"]["labels"].items()
    ]
    assert [s["metadata"]["name"] for s in services] == ["responses-bridge-metrics"]
    service = services[0]["spec"]
    deployment = one(objects, "Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["selector"].items() <= pod_labels.items()
    (endpoint,) = monitor["endpoints"]
    (port,) = [p for p in service["ports"] if p["name"] == endpoint["port"]]
    container_ports = {p["name"] for p in bridge_container(pod_spec(objects))["ports"]}
    assert port["targetPort"] in container_ports
    assert endpoint["path"] == "/metrics"


def test_crd_schema_rejects_an_unknown_field() -> None:
    """The vendored ServiceMonitor schema catches a misspelled field, so the pass above means
    something."""
    path = K8S / "components" / "servicemonitor" / "servicemonitor.yaml"
    monitor = one(load_all(path.read_text()), "ServiceMonitor")
    monitor["spec"]["endpoints"][0]["scrapeTimout"] = "10s"
    schema = json.loads(CRD_SCHEMAS[("monitoring.coreos.com/v1", "ServiceMonitor")].read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(monitor, schema)
