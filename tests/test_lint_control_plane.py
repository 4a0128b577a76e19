"""Control plane, load balancer, etcd rules: control-plane-endpoint-missing,
control-plane-endpoint-target, haproxy-backends, haproxy-mode,
haproxy-http-in-tcp-mode, haproxy-health-check, lb-port-collision, etcd-quorum.

Inputs are rendered clusters (lintkit.render_into) edited by hand the way
people edit them, and standalone haproxy.cfg / kubeadm files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import GOLDEN
from kconf.lint.model import ERROR, WARNING
from kconf.lint.rules import RULES
from kconf.lint.rules.control_plane import RULES as FAMILY
from lintkit import BASE_CLUSTER, lay_out, lint, render_into, where

NAMES = [rule.name for rule in FAMILY]
Edit = tuple[str, str, str]  # (file relative to the root, old text, new text)

# One control plane, no load balancer; the endpoint name points at cp-1.
SINGLE = (
    BASE_CLUSTER.replace(
        "    - name: cp-2\n      role: control-plane\n      address: 192.168.51.82/24\n"
        "    - name: cp-3\n      role: control-plane\n      address: 192.168.51.83/24\n",
        "",
    )
    .replace("  loadBalancer:\n    hostname: lab-lb\n    address: 192.168.51.80\n    port: 6443\n", "")
    .replace("k8s-vip: 192.168.51.80", "k8s-vip: 192.168.51.81")
)

SIX = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  kubernetesVersion: v1.31.2
  controlPlaneEndpoint: k8s-vip:6443
  criSocket: unix:///var/run/containerd/containerd.sock
  networking:
    podSubnet: fd00:10:244::/56
    serviceSubnet: fd00:10:96::/112
  calico:
    ipAutodetection: cidr=2001:db8:51::/64
  loadBalancer:
    address: 2001:db8:51::80
  hosts:
    k8s-vip: 2001:db8:51::80
  nodes:
    - {name: cp-1, role: control-plane, address: 2001:db8:51::81/64}
    - {name: cp-2, role: control-plane, address: 2001:db8:51::82/64}
    - {name: cp-3, role: control-plane, address: 2001:db8:51::83/64}
"""

FOURTH_CP = "    - name: worker-1\n      role: worker\n", "    - name: cp-4\n      role: control-plane\n"
NO_ENDPOINT = ("cluster.yaml", "  controlPlaneEndpoint: k8s-vip:6443\n", "")
SERVER_CP2 = "    server cp-2 192.168.51.82:6443 check check-ssl verify none\n"
HAPROXY = "lab/haproxy.cfg"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def build(root: Path, description: str = BASE_CLUSTER, edits: Sequence[Edit] = ()) -> Path:
    """Render a description and edit files; edits of cluster.yaml are made
    before rendering (a changed description), the others after (hand edits)."""
    for name, old, new in edits:
        if name == "cluster.yaml":
            assert old in description, old
            description = description.replace(old, new, 1)
    render_into(root, description)
    for name, old, new in edits:
        if name != "cluster.yaml":
            edit(root / name, old, new)
    return root


def line_of(path: Path, marker: str) -> int:
    """The line of ``marker`` in a file: ``a>b`` is the first line holding b
    at or after the first line holding a; ``^a`` a line starting with a.
    Rendered files are located by content, not by fixed numbers, so that
    template changes keep the tests."""
    lines = path.read_text().splitlines()
    index = 0
    for part in marker.split(">"):
        if part.startswith("^"):
            index = next(i for i in range(index, len(lines)) if lines[i].startswith(part[1:]))
        else:
            index = next(i for i in range(index, len(lines)) if part in lines[i])
    return index + 1


def at(root: Path, expected: Sequence[tuple[str, int | str]]) -> list[tuple[str, int]]:
    """(file, line) for (file, line or marker) pairs."""
    return [(name, spot if isinstance(spot, int) else line_of(root / name, spot)) for name, spot in expected]


def found(root: Path, rule: str) -> list[tuple[str, int, str]]:
    return sorted(where(lint(root, select=rule), root))


def messages(root: Path, rule: str) -> list[str]:
    return [f.message for f in lint(root, select=rule)]


def test_every_rule_is_registered_and_documented() -> None:
    for rule in FAMILY:
        registered = RULES[rule.name]  # wrapped: silent in earlier renders (rules/__init__.py)
        assert (registered.severity, registered.summary, registered.documentation) == (rule.severity, rule.summary, rule.documentation)
        doc = rule.documentation
        assert "Why:" in doc and "Fix:" in doc and len(doc.split("\n\n")[0]) > 60, rule.name


@pytest.mark.parametrize("case", sorted(p.parent.name for p in GOLDEN.glob("*/cluster.yaml")))
def test_golden_clusters_have_no_finding(case: str) -> None:
    findings = lint(GOLDEN / case, select=",".join(NAMES))
    assert findings == []


def test_a_rendered_cluster_has_no_finding(tmp_path: Path) -> None:
    assert lint(build(tmp_path), select=",".join(NAMES)) == []


def test_a_rendered_ipv6_cluster_has_no_finding(tmp_path: Path) -> None:
    assert lint(build(tmp_path, SIX), select=",".join(NAMES)) == []


# --- control-plane-endpoint-missing ------------------------------------------------------------

MISSING = [
    pytest.param(
        BASE_CLUSTER.replace(NO_ENDPOINT[1], ""), [], {},
        [("cluster.yaml", 5, ERROR)], id="several-control-planes",  # unchanged rendered copies are not reported again
    ),
    pytest.param(SINGLE.replace(NO_ENDPOINT[1], ""), [], {}, [("cluster.yaml", 5, WARNING)], id="one-control-plane"),
    pytest.param(
        BASE_CLUSTER, [("lab/kubeadm-init.yaml", "controlPlaneEndpoint: k8s-vip:6443\n", "")], {},
        [("lab/kubeadm-init.yaml", 15, ERROR)], id="removed-from-kubeadm-file",
    ),
    pytest.param(
        None, [], {"kubeadm.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.2\n"},
        [("kubeadm.yaml", 2, WARNING)], id="standalone-cluster-configuration",
    ),
    pytest.param(
        None, [],
        {"kubeadm-config.yaml": "apiVersion: v1\ndata:\n  ClusterConfiguration: |\n    apiVersion: kubeadm.k8s.io/v1beta4\n"
         "    kind: ClusterConfiguration\n    kubernetesVersion: v1.31.2\nkind: ConfigMap\nmetadata:\n  name: kubeadm-config\n"
         "  namespace: kube-system\n"},
        [("kubeadm-config.yaml", 5, WARNING)], id="standalone-kubeadm-config-configmap",
    ),
]


@pytest.mark.parametrize(("description", "edits", "files", "expected"), MISSING)
def test_endpoint_missing(
    tmp_path: Path, description: str | None, edits: list[Edit], files: dict[str, str], expected: list[tuple[str, int, str]]
) -> None:
    if description is not None:
        build(tmp_path, description, edits)
    lay_out(tmp_path, files)
    findings = lint(tmp_path, select="control-plane-endpoint-missing")
    assert sorted((p, line, f.severity) for (p, line, _), f in zip(where(findings, tmp_path), findings)) == expected


def test_endpoint_missing_messages(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER.replace(NO_ENDPOINT[1], ""))
    assert messages(tmp_path, "control-plane-endpoint-missing") == [
        "3 control-plane nodes and no spec.controlPlaneEndpoint: every node would reach the API through the first "
        "control plane alone; set it to the load balancer (host:port)",
    ]


ENDPOINT_PRESENT = [
    pytest.param(BASE_CLUSTER, {}, id="ha-with-endpoint"),
    pytest.param(SINGLE, {}, id="single-with-endpoint"),
    pytest.param(
        None,
        {"kubeadm.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\ncontrolPlaneEndpoint: api:6443\n"},
        id="standalone-with-endpoint",
    ),
    pytest.param(None, {"kubeadm.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"}, id="no-cluster-configuration"),
]


@pytest.mark.parametrize(("description", "files"), ENDPOINT_PRESENT)
def test_endpoint_present(tmp_path: Path, description: str | None, files: dict[str, str]) -> None:
    if description is not None:
        build(tmp_path, description)
    lay_out(tmp_path, files)
    assert lint(tmp_path, select="control-plane-endpoint-missing") == []


# --- control-plane-endpoint-target ------------------------------------------------------------

TARGET = [
    pytest.param(
        BASE_CLUSTER, [("cluster.yaml", "k8s-vip: 192.168.51.80", "k8s-vip: 192.168.51.81")],
        [("cluster.yaml", 7)], id="resolves-to-a-node",
    ),
    pytest.param(
        BASE_CLUSTER, [("cluster.yaml", "controlPlaneEndpoint: k8s-vip:6443", "controlPlaneEndpoint: api.example.org:6443")],
        [("cluster.yaml", 7)], id="does-not-resolve",
    ),
    pytest.param(
        BASE_CLUSTER, [("cluster.yaml", "controlPlaneEndpoint: k8s-vip:6443", "controlPlaneEndpoint: k8s-vip:8443")],
        [("cluster.yaml", 7)], id="wrong-port",
    ),
    pytest.param(
        BASE_CLUSTER, [("lab/kubeadm-init.yaml", "controlPlaneEndpoint: k8s-vip:6443", "controlPlaneEndpoint: 192.168.51.81:6443")],
        [("lab/kubeadm-init.yaml", 18)], id="kubeadm-file-edited",
    ),
    pytest.param(
        BASE_CLUSTER, [("lab/kubeadm-join-worker-1.yaml", "apiServerEndpoint: k8s-vip:6443", "apiServerEndpoint: 192.168.51.81:6443")],
        [("lab/kubeadm-join-worker-1.yaml", 6)], id="join-file-edited",
    ),
    pytest.param(BASE_CLUSTER, [(HAPROXY, "bind :6443", "bind :8443")], [(HAPROXY, "bind ")], id="haproxy-binds-another-port"),
    pytest.param(
        BASE_CLUSTER, [("cluster.yaml", "    port: 6443", "    port: 8443"), ("cluster.yaml", ":6443", ":8443"),
                       ("lab/kubeadm-init.yaml", "controlPlaneEndpoint: k8s-vip:8443", "controlPlaneEndpoint: k8s-vip")],
        [("lab/kubeadm-init.yaml", "controlPlaneEndpoint")], id="port-less-endpoint-gets-the-bind-port",
    ),
    pytest.param(BASE_CLUSTER, [(HAPROXY, "bind :6443", "bind 10.9.9.9:6443")], [(HAPROXY, "bind ")], id="haproxy-binds-another-address"),
    pytest.param(SIX, [(HAPROXY, "bind :::6443 v4v6", "bind :6443")], [(HAPROXY, "bind ")], id="ipv6-lb-behind-an-ipv4-bind"),
    pytest.param(SIX, [(HAPROXY, "bind :::6443 v4v6", "bind 0.0.0.0:6443")], [(HAPROXY, "bind ")], id="ipv6-lb-behind-0.0.0.0"),
    pytest.param(
        SINGLE, [("cluster.yaml", "k8s-vip: 192.168.51.81", "k8s-vip: 192.168.51.91")], [("cluster.yaml", 7)],
        id="no-lb-resolves-to-a-worker",
    ),
    pytest.param(
        SINGLE, [("cluster.yaml", "controlPlaneEndpoint: k8s-vip:6443", "controlPlaneEndpoint: k8s-vip:7443")],
        [("cluster.yaml", 7)], id="no-lb-port-not-bind-port",
    ),
]


@pytest.mark.parametrize(("description", "edits", "expected"), TARGET)
def test_endpoint_target(tmp_path: Path, description: str, edits: list[Edit], expected: list[tuple[str, int | str]]) -> None:
    build(tmp_path, description, edits)
    assert found(tmp_path, "control-plane-endpoint-target") == [(p, n, "control-plane-endpoint-target") for p, n in at(tmp_path, expected)]


def test_endpoint_target_messages(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER, [("cluster.yaml", "k8s-vip: 192.168.51.80", "k8s-vip: 192.168.51.81")])
    assert messages(tmp_path, "control-plane-endpoint-target") == [
        "controlPlaneEndpoint host 'k8s-vip' resolves to 192.168.51.81, not to the load balancer 192.168.51.80: "
        "clients would bypass it and depend on one machine",
    ]


def test_endpoint_target_bind_family_message(tmp_path: Path) -> None:
    build(tmp_path, SIX, [(HAPROXY, "bind :::6443 v4v6", "bind :6443")])
    assert messages(tmp_path, "control-plane-endpoint-target") == [
        "frontend kube-apiserver binds :6443, which does not listen on the load balancer address 2001:db8:51::80 "
        "(an empty address, * and 0.0.0.0 are IPv4 only; :::6443 listens on both families)",
    ]


def test_endpoint_target_port_less_message(tmp_path: Path) -> None:
    # render writes host:port; a hand-written port-less endpoint is the mistake
    description = BASE_CLUSTER.replace("controlPlaneEndpoint: k8s-vip:6443", "controlPlaneEndpoint: lab-lb")
    build(tmp_path, description.replace("    port: 6443", "    port: 8443"),
          [("lab/kubeadm-init.yaml", "controlPlaneEndpoint: lab-lb:8443", "controlPlaneEndpoint: lab-lb")])
    assert messages(tmp_path, "control-plane-endpoint-target") == [
        "ClusterConfiguration controlPlaneEndpoint 'lab-lb' has no port, so kubeadm uses the API server's bindPort "
        "6443, but the description's endpoint is port 8443: write lab-lb:8443",
    ]


def test_endpoint_target_haproxy_message(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER, [(HAPROXY, "bind :6443", "bind :8443")])
    assert messages(tmp_path, "control-plane-endpoint-target") == [
        "controlPlaneEndpoint k8s-vip:6443 reaches the load balancer on port 6443, but no frontend here binds it "
        "(frontend kube-apiserver binds 8443)",
    ]


TARGET_FINE = [
    pytest.param(BASE_CLUSTER, [], id="rendered"),
    pytest.param(BASE_CLUSTER, [("cluster.yaml", "controlPlaneEndpoint: k8s-vip:6443", "controlPlaneEndpoint: lab-lb")], id="lb-hostname-no-port"),
    pytest.param(BASE_CLUSTER, [("cluster.yaml", "controlPlaneEndpoint: k8s-vip:6443", "controlPlaneEndpoint: 192.168.51.80:6443")], id="lb-address"),
    pytest.param(SINGLE, [], id="no-lb-name-of-the-node"),
    pytest.param(SINGLE, [("cluster.yaml", "controlPlaneEndpoint: k8s-vip:6443", "controlPlaneEndpoint: api.example.org:6443")], id="no-lb-dns-name"),
    pytest.param(SIX, [], id="ipv6"),
    pytest.param(BASE_CLUSTER, [(HAPROXY, "bind :6443", "bind 192.168.51.80:6443")], id="bind-on-the-lb-address"),
    pytest.param(BASE_CLUSTER, [(HAPROXY, "bind :6443", "bind *:6443")], id="bind-star"),
    pytest.param(BASE_CLUSTER, [(HAPROXY, "bind :6443", "bind [::]:6443")], id="bind-ipv6-any-is-dual-stack"),
    pytest.param(BASE_CLUSTER, [(HAPROXY, "bind :6443", "bind lb.example.org:6443")], id="bind-on-a-name"),
    pytest.param(SIX, [(HAPROXY, "bind :::6443 v4v6", "bind ipv6@:6443")], id="ipv6-family-any"),
]


@pytest.mark.parametrize(("description", "edits"), TARGET_FINE)
def test_endpoint_target_fine(tmp_path: Path, description: str, edits: list[Edit]) -> None:
    build(tmp_path, description, edits)
    assert lint(tmp_path / "cluster.yaml", select="control-plane-endpoint-target") == []


# --- haproxy-backends -------------------------------------------------------------------------

BACKENDS = [
    pytest.param([(HAPROXY, "    server cp-3 192.168.51.83:6443 check check-ssl verify none\n", "")], ["^backend kube-apiserver"], id="missing-node"),
    pytest.param([(HAPROXY, "192.168.51.82:6443", "192.168.51.82:6444")], ["server cp-2"], id="wrong-port"),
    pytest.param([(HAPROXY, "192.168.51.82:6443", "192.168.51.92:6443")], ["server cp-2"], id="wrong-address"),
    pytest.param([(HAPROXY, SERVER_CP2, SERVER_CP2 + "    server w1 192.168.51.91:6443 check\n")], ["server w1"], id="extra-worker"),
    pytest.param([(HAPROXY, SERVER_CP2, SERVER_CP2 + "    server again 192.168.51.82:6443 check\n")], ["server again"], id="second-server-same-node"),
    pytest.param([(HAPROXY, SERVER_CP2, SERVER_CP2 + "    server x api.example.org:6443 check\n")], ["server x "], id="unknown-host"),
    pytest.param([(HAPROXY, "default_backend kube-apiserver", "default_backend kube-api")], ["default_backend"], id="unknown-backend"),
    pytest.param(
        [(HAPROXY, "    server cp-1 192.168.51.81:6443 check check-ssl verify none\n", ""),
         (HAPROXY, "    server cp-3 192.168.51.83:6443 check check-ssl verify none\n", "")],
        ["^backend kube-apiserver", "^backend kube-apiserver"], id="two-missing",
    ),
]


@pytest.mark.parametrize(("edits", "lines"), BACKENDS)
def test_haproxy_backends(tmp_path: Path, edits: list[Edit], lines: list[str]) -> None:
    build(tmp_path, BASE_CLUSTER, edits)
    expected = at(tmp_path, [(HAPROXY, marker) for marker in lines])
    assert found(tmp_path, "haproxy-backends") == [(p, n, "haproxy-backends") for p, n in expected]


BACKEND_MESSAGES = [
    pytest.param(
        [(HAPROXY, "    server cp-3 192.168.51.83:6443 check check-ssl verify none\n", "")],
        "backend kube-apiserver has no server for control-plane node cp-3 (192.168.51.83:6443)", id="missing",
    ),
    pytest.param(
        [(HAPROXY, "192.168.51.82:6443", "192.168.51.82:6444")],
        "server cp-2 sends to cp-2 on port 6444, but its kube-apiserver listens on bindPort 6443", id="port",
    ),
    pytest.param(
        [(HAPROXY, "192.168.51.82:6443", "192.168.51.92:6443")],
        "server cp-2 points at 192.168.51.92:6443, but control-plane node cp-2 is 192.168.51.82:6443", id="address",
    ),
    pytest.param(
        [(HAPROXY, SERVER_CP2, SERVER_CP2 + "    server w1 192.168.51.91:6443 check\n")],
        "server w1 (192.168.51.91:6443) is worker node worker-1, not a control-plane node: remove it", id="extra",
    ),
]


@pytest.mark.parametrize(("edits", "message"), BACKEND_MESSAGES)
def test_haproxy_backends_messages(tmp_path: Path, edits: list[Edit], message: str) -> None:
    build(tmp_path, BASE_CLUSTER, edits)
    assert messages(tmp_path, "haproxy-backends") == [message]


def test_haproxy_backends_column_is_the_address(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER, [(HAPROXY, "192.168.51.82:6443", "192.168.51.82:6444")])
    line = line_of(tmp_path / HAPROXY, "server cp-2")
    assert [(f.line, f.column) for f in lint(tmp_path, select="haproxy-backends")] == [(line, 17)]


BACKENDS_FINE = [
    pytest.param(BASE_CLUSTER, [], id="rendered"),
    pytest.param(SIX, [], id="ipv6-servers"),
    pytest.param(BASE_CLUSTER, [(HAPROXY, "192.168.51.81:6443", "cp-1:6443")], id="server-by-node-name"),
    pytest.param(BASE_CLUSTER, [(HAPROXY, "192.168.51.81:6443", "192.168.51.81")], id="no-port-is-the-client-port"),
    pytest.param(BASE_CLUSTER, [(HAPROXY, "192.168.51.81:6443", "ipv4@192.168.51.81:6443")], id="family-prefix"),
    pytest.param(
        BASE_CLUSTER,
        [(HAPROXY, "default_backend kube-apiserver", "default_backend api"), (HAPROXY, "backend kube-apiserver", "backend api"),
         (HAPROXY, "global\n", "global\n    maxconn 100\n")],
        id="renamed-backend",
    ),
    pytest.param(
        BASE_CLUSTER,
        [(HAPROXY, "frontend kube-apiserver\n", "frontend stats\n    bind :8404\n    mode http\n    default_backend web\n\n"
          "backend web\n    mode http\n    server web1 10.9.9.9:80 check\n\nfrontend kube-apiserver\n")],
        id="unrelated-backend-beside",
    ),
]


@pytest.mark.parametrize(("description", "edits"), BACKENDS_FINE)
def test_haproxy_backends_fine(tmp_path: Path, description: str, edits: list[Edit]) -> None:
    build(tmp_path, description, edits)
    assert lint(tmp_path, select="haproxy-backends") == []


def test_haproxy_backends_needs_a_description(tmp_path: Path) -> None:
    out = render_into(tmp_path)
    edit(out / "haproxy.cfg", "    server cp-3 192.168.51.83:6443 check check-ssl verify none\n", "")
    standalone = lay_out(tmp_path / "elsewhere", {"haproxy.cfg": (out / "haproxy.cfg").read_text()})
    assert lint(standalone, select="haproxy-backends") == []


def test_haproxy_backends_listen_section(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER)
    (tmp_path / HAPROXY).write_text(
        "defaults\n  mode tcp\n\nlisten kube-apiserver\n  bind :6443\n"
        "  server cp-1 192.168.51.81:6443 check\n  server cp-2 192.168.51.82:6443 check\n"
    )
    assert found(tmp_path, "haproxy-backends") == [(HAPROXY, 4, "haproxy-backends")]


# --- haproxy-mode --------------------------------------------------------------------------

STANDALONE_HTTP = """\
global
    daemon

defaults
    mode http
    timeout connect 5s

frontend k8s
    bind *:6443
    default_backend masters

backend masters
    server m1 10.0.0.11:6443 check
"""

MODE = [
    pytest.param([(HAPROXY, "backend kube-apiserver\n    mode tcp", "backend kube-apiserver\n    mode http")], ["^backend kube-apiserver>mode"], id="backend-http"),
    pytest.param([(HAPROXY, "bind :6443\n    mode tcp", "bind :6443\n    mode http")], ["frontend kube-apiserver>mode"], id="frontend-http"),
    pytest.param(
        [(HAPROXY, "defaults\n    mode tcp", "defaults\n    mode http"), (HAPROXY, "bind :6443\n    mode tcp\n", "bind :6443\n"),
         (HAPROXY, "backend kube-apiserver\n    mode tcp\n", "backend kube-apiserver\n")],
        ["^defaults>mode"], id="inherited-from-defaults",
    ),
]


@pytest.mark.parametrize(("edits", "lines"), MODE)
def test_haproxy_mode(tmp_path: Path, edits: list[Edit], lines: list[str]) -> None:
    build(tmp_path, BASE_CLUSTER, edits)
    expected = at(tmp_path, [(HAPROXY, marker) for marker in lines])
    assert found(tmp_path, "haproxy-mode") == [(p, n, "haproxy-mode") for p, n in expected]


MODE_STANDALONE = [
    pytest.param(STANDALONE_HTTP, [5], id="debian-defaults-http"),
    pytest.param("listen k8s-api\n    bind 10.0.0.10:8443\n    mode http\n    server a 10.0.0.11:8443\n", [3], id="named-listen"),
    pytest.param(
        "defaults web\n    mode http\ndefaults\n    mode tcp\nfrontend api from web\n    bind :6443\n    default_backend b\n"
        "backend b\n    server a 10.0.0.11:6443\n",
        [2], id="named-defaults-from",
    ),
    pytest.param("backend apiservers\n    mode http\n    server a 10.0.0.11:443\n", [2], id="named-backend"),
]


@pytest.mark.parametrize(("text", "lines"), MODE_STANDALONE)
def test_haproxy_mode_standalone(tmp_path: Path, text: str, lines: list[int]) -> None:
    lay_out(tmp_path, {"haproxy.cfg": text})
    assert found(tmp_path, "haproxy-mode") == [("haproxy.cfg", n, "haproxy-mode") for n in lines]


def test_haproxy_mode_messages(tmp_path: Path) -> None:
    lay_out(tmp_path, {"a/haproxy.cfg": STANDALONE_HTTP, "b/haproxy.cfg": STANDALONE_HTTP.replace("default_backend masters", "default_backend masters\n    mode http")})
    assert messages(tmp_path, "haproxy-mode") == [
        "mode http of this defaults section applies to frontend k8s, backend masters, which serve the Kubernetes "
        "API server: write mode tcp there (or here)",
        "mode http of this defaults section applies to backend masters, which serves the Kubernetes API server: "
        "write mode tcp there (or here)",
        "frontend k8s serves the Kubernetes API server in mode http: it must be mode tcp, TLS has to reach "
        "kube-apiserver untouched",
    ]


MODE_FINE = [
    pytest.param("defaults\n    mode tcp\nfrontend f\n    bind :6443\n    default_backend b\nbackend b\n    server a 10.0.0.11:6443 check\n", id="tcp-in-defaults-only"),
    pytest.param("frontend f\n    bind :6443\n    default_backend b\nbackend b\n    server a 10.0.0.11:6443 check\n", id="no-mode-anywhere"),
    pytest.param("defaults\n    mode http\nfrontend web\n    bind :80\n    default_backend app\nbackend app\n    server a 10.0.0.5:8080\n", id="http-site"),
    pytest.param("frontend kubernetes-dashboard\n    mode http\n    bind :443\n", id="other-kubernetes-site"),
    pytest.param(STANDALONE_HTTP.replace("default_backend masters", "default_backend masters\n    mode tcp").replace(
        "backend masters", "backend masters\n    mode tcp"), id="own-tcp-over-http-defaults"),
]


@pytest.mark.parametrize("text", MODE_FINE)
def test_haproxy_mode_fine(tmp_path: Path, text: str) -> None:
    lay_out(tmp_path, {"haproxy.cfg": text})
    assert lint(tmp_path, select="haproxy-mode") == []


def test_debian_default_haproxy_cfg_is_no_api_server(tmp_path: Path) -> None:
    from test_lint_haproxy_parser import DEBIAN

    lay_out(tmp_path, {"haproxy.cfg": DEBIAN})
    assert lint(tmp_path, select=",".join(NAMES)) == []


# --- haproxy-http-in-tcp-mode ----------------------------------------------------------------
# What haproxy 2.6 `haproxy -c` says of each is in the rule's docstring; (line, what) per finding.

HTTP_RULE = "haproxy-http-in-tcp-mode"
FRONT = "frontend kube-apiserver\n    bind :6443\n    mode tcp\n"  # lines 1-3
BACK = "backend kube-apiserver\n    mode tcp\n"
SERVER = "    server a 10.0.0.11:6443 check\n"

HTTP_IN_TCP = [
    pytest.param(FRONT + "    http-request deny if { path /metrics }\n", [(4, 5, "http-request")], id="http-request"),
    pytest.param(FRONT + "    http-request use-service prometheus-exporter\n", [(4, 5, "http-request")], id="use-service"),
    pytest.param(BACK + "    http-response del-header Server\n" + SERVER, [(3, 5, "http-response")], id="http-response"),
    pytest.param(FRONT + "    http-after-response set-header X-A b\n", [(4, 5, "http-after-response")], id="http-after-response"),
    pytest.param(FRONT + "    redirect prefix /api\n", [(4, 5, "redirect")], id="redirect"),
    pytest.param(FRONT + "    option httplog\n", [(4, 12, "option httplog")], id="option-httplog"),
    pytest.param(FRONT + "    option forwardfor\n", [(4, 12, "option forwardfor")], id="option-forwardfor"),
    pytest.param(BACK + "    option http-server-close\n" + SERVER, [(3, 12, "option http-server-close")], id="option-http-server-close"),
    pytest.param(FRONT + "    option http-keep-alive\n", [(4, 12, "option http-keep-alive")], id="option-http-keep-alive"),
    pytest.param(BACK + "    cookie SRV insert\n" + SERVER, [(3, 5, "cookie")], id="backend-cookie"),
    pytest.param(BACK + "    server a 10.0.0.11:6443 check cookie a1\n", [(3, 35, "server cookie")], id="server-cookie"),
    pytest.param(BACK + "    default-server inter 5s cookie d\n" + SERVER, [(3, 29, "default-server cookie")], id="default-server-cookie"),
    pytest.param(BACK + "    http-check expect status 200\n" + SERVER, [(3, 5, "http-check")], id="http-check-without-httpchk"),
    pytest.param(
        BACK + "    option tcp-check\n    http-check send meth GET uri /readyz\n" + SERVER, [(4, 5, "http-check")],
        id="http-check-with-tcp-check",
    ),
    pytest.param(
        "defaults\n    mode tcp\n    option httplog\n    option forwardfor\n" + FRONT + "    default_backend kube-apiserver\n"
        + BACK + SERVER,
        [(3, 12, "option httplog"), (4, 12, "option forwardfor")], id="in-defaults",
    ),
    pytest.param(
        # a distribution's mode http defaults, the API server's own mode tcp over it (haproxy -c warns too)
        "defaults\n    mode http\n    option httplog\n" + FRONT, [(3, 12, "option httplog")], id="http-defaults-tcp-section",
    ),
    pytest.param("listen k8s-api\n    bind :6443\n    option forwardfor\n" + SERVER, [(3, 12, "option forwardfor")], id="listen-mode-by-default"),
]


@pytest.mark.parametrize(("text", "expected"), HTTP_IN_TCP)
def test_haproxy_http_in_tcp_mode(tmp_path: Path, text: str, expected: list[tuple[int, int, str]]) -> None:
    lay_out(tmp_path, {"haproxy.cfg": text})
    findings = lint(tmp_path, select=HTTP_RULE)
    assert [(f.path, f.line, f.column, f.rule, f.severity) for f in findings] == [
        (str(tmp_path / "haproxy.cfg"), line, column, HTTP_RULE, WARNING) for line, column, _ in expected
    ]
    assert [f.message.partition(" does nothing")[0].partition(" of this defaults")[0] for f in findings] == [w for *_, w in expected]


def test_haproxy_http_in_tcp_mode_messages(tmp_path: Path) -> None:
    lay_out(tmp_path, {"haproxy.cfg": "defaults\n    option forwardfor\n" + FRONT + "    option http-keep-alive\n"
                       "    default_backend kube-apiserver\n" + BACK + SERVER})
    assert messages(tmp_path, HTTP_RULE) == [
        "option forwardfor of this defaults section reaches frontend kube-apiserver, backend kube-apiserver, which "
        "serve the Kubernetes API server in mode tcp, and does nothing there (haproxy -c warns and ignores it): "
        "remove it, or give the API server a defaults section of its own",
        "option http-keep-alive does nothing in frontend kube-apiserver, which serves the Kubernetes API server in "
        "mode tcp (HAProxy ignores it without a word): remove it",
    ]


def test_haproxy_http_in_tcp_mode_in_a_rendered_cluster(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER, [(HAPROXY, "    option tcplog\n    default_backend", "    option forwardfor\n    default_backend")])
    assert found(tmp_path, HTTP_RULE) == [(HAPROXY, line_of(tmp_path / HAPROXY, "option forwardfor"), HTTP_RULE)]


HTTP_IN_TCP_FINE = [
    pytest.param(
        BACK + "    option httpchk\n    http-check send meth GET uri /readyz\n    http-check expect status 200\n"
        "    server a 10.0.0.11:6443 check check-ssl verify none\n",
        id="http-check-with-httpchk",
    ),
    pytest.param(
        "defaults\n    option httpchk\n    http-check send meth GET uri /readyz\n" + BACK + SERVER,
        id="http-check-and-httpchk-in-defaults",
    ),
    pytest.param("defaults\n    mode tcp\n    option httplog\n" + FRONT + "    option tcplog\n", id="tcplog-replaces-httplog"),
    pytest.param("defaults\n    option httplog\n" + FRONT + "    log-format \"%ci\"\n", id="log-format-replaces-httplog"),
    pytest.param("frontend kube-apiserver\n    bind :6443\n    mode http\n    option forwardfor\n", id="mode-http-is-haproxy-mode"),
    pytest.param("frontend web\n    bind :80\n    option forwardfor\n    http-request deny\n", id="not-an-api-server"),
    pytest.param(
        # backend-only settings a shared defaults section hands to the frontend as well
        "defaults\n    mode tcp\n    cookie SRV insert\n    http-reuse safe\n    default-server cookie d\n" + FRONT,
        id="backend-settings-reach-a-frontend",
    ),
    pytest.param(FRONT + "    option tcplog\n    tcp-request content accept\n", id="tcp-directives"),
]


@pytest.mark.parametrize("text", HTTP_IN_TCP_FINE)
def test_haproxy_http_in_tcp_mode_fine(tmp_path: Path, text: str) -> None:
    lay_out(tmp_path, {"haproxy.cfg": text})
    assert lint(tmp_path, select=HTTP_RULE) == []


# --- haproxy-health-check --------------------------------------------------------------------

HEALTH = [
    pytest.param(BASE_CLUSTER, [(HAPROXY, SERVER_CP2, "    server cp-2 192.168.51.82:6443\n")], [("server cp-2", WARNING)], id="server-without-check"),
    pytest.param(BASE_CLUSTER, [(HAPROXY, "    option httpchk\n", "    option httpchk\n    option ssl-hello-chk\n")], [("option ssl-hello-chk", WARNING)], id="ssl-hello-after-httpchk"),
    pytest.param(BASE_CLUSTER, [(HAPROXY, "    option httpchk\n", "    option ssl-hello-chk\n    option httpchk\n")], [("option ssl-hello-chk", WARNING)], id="ssl-hello-before-httpchk"),
    pytest.param(
        BASE_CLUSTER, [(HAPROXY, " check check-ssl verify none\n", " check\n")] * 3,
        [("server cp-1", WARNING), ("server cp-2", WARNING), ("server cp-3", WARNING)], id="httpchk-in-clear",
    ),
    pytest.param(BASE_CLUSTER, [(HAPROXY, SERVER_CP2, "    server cp-2 192.168.51.82:6443 check check-ssl\n")], [("server cp-2", ERROR)], id="check-ssl-verify-required"),
    pytest.param(
        BASE_CLUSTER,
        [(HAPROXY, "    default-server inter 5s", "    default-server no-check inter 5s"), (HAPROXY, SERVER_CP2, "    server cp-2 192.168.51.82:6443 check-ssl verify none\n")],
        [("server cp-2", WARNING)], id="default-server-no-check",
    ),
]


@pytest.mark.parametrize(("description", "edits", "expected"), HEALTH)
def test_haproxy_health_check(tmp_path: Path, description: str, edits: list[Edit], expected: list[tuple[str, str]]) -> None:
    build(tmp_path, description, edits)
    findings = lint(tmp_path, select="haproxy-health-check")
    wanted = [(str(tmp_path / HAPROXY), line_of(tmp_path / HAPROXY, marker), s) for marker, s in expected]
    assert [(f.path, f.line, f.severity) for f in findings] == wanted


HEALTH_STANDALONE = [
    pytest.param("backend kube-apiserver\n    server a 10.0.0.11:6443\n    server b 10.0.0.12:6443 check\n", [2], id="no-check"),
    pytest.param("listen api\n    bind :6443\n    option httpchk GET /readyz\n    server a 10.0.0.11:6443 check\n", [4], id="httpchk-in-clear"),
]


@pytest.mark.parametrize(("text", "lines"), HEALTH_STANDALONE)
def test_haproxy_health_check_standalone(tmp_path: Path, text: str, lines: list[int]) -> None:
    lay_out(tmp_path, {"haproxy.cfg": text})
    assert found(tmp_path, "haproxy-health-check") == [("haproxy.cfg", n, "haproxy-health-check") for n in lines]


def test_haproxy_health_check_messages(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER, [(HAPROXY, "    option httpchk\n", "    option httpchk\n    option ssl-hello-chk\n")])
    line = line_of(tmp_path / HAPROXY, "option httpchk")
    assert messages(tmp_path, "haproxy-health-check") == [
        "backend kube-apiserver has both option ssl-hello-chk and option httpchk; HAProxy keeps only the last check "
        f"type: the SSL hello check replaces the HTTP check of line {line}: HAProxy only asks whether the port talks "
        "TLS, never whether kube-apiserver is ready (/readyz)",
    ]


HEALTH_FINE = [
    pytest.param("defaults\n    default-server check\nbackend kube-apiserver\n    server a 10.0.0.11:6443\n", id="default-server-check-in-defaults"),
    pytest.param("backend kube-apiserver\n    default-server check\n    server a 10.0.0.11:6443\n", id="default-server-check-in-backend"),
    pytest.param(
        "backend kube-apiserver\n    option httpchk\n    http-check connect ssl\n    http-check send meth GET uri /readyz\n"
        "    server a 10.0.0.11:6443 check verify none\n",
        id="http-check-connect-ssl",
    ),
    pytest.param(
        "global\n    ssl-server-verify none\nbackend kube-apiserver\n    option httpchk\n    server a 10.0.0.11:6443 check check-ssl\n",
        id="global-verify-none",
    ),
    pytest.param(
        "backend kube-apiserver\n    option httpchk\n    server a 10.0.0.11:6443 check check-ssl ca-file /etc/kubernetes/pki/ca.crt\n",
        id="ca-file",
    ),
    pytest.param("backend kube-apiserver\n    option ssl-hello-chk\n    server a 10.0.0.11:6443 check\n", id="ssl-hello-alone"),
    pytest.param("backend web\n    server a 10.0.0.5:8080\n", id="not-an-api-server"),
    pytest.param("backend kube-apiserver\n    server a [2001:db8::11]:6443 check\n", id="ipv6-server"),
]


@pytest.mark.parametrize("text", HEALTH_FINE)
def test_haproxy_health_check_fine(tmp_path: Path, text: str) -> None:
    lay_out(tmp_path, {"haproxy.cfg": text})
    assert lint(tmp_path, select="haproxy-health-check") == []


def test_tcp_health_check_is_fine(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER.replace("    port: 6443\n", "    port: 6443\n    healthCheck: tcp\n"))
    assert lint(tmp_path, select="haproxy-health-check") == []


# --- lb-port-collision -----------------------------------------------------------------------

ON_CP1 = [("cluster.yaml", "    address: 192.168.51.80\n", "    address: 192.168.51.81\n"), ("cluster.yaml", "k8s-vip: 192.168.51.80", "k8s-vip: 192.168.51.81")]

COLLISION = [
    pytest.param(BASE_CLUSTER, ON_CP1, [("cluster.yaml", 14)], id="lb-on-control-plane"),
    pytest.param(
        BASE_CLUSTER.replace("      address: 192.168.51.81/24\n", "      address: 192.168.51.81/24\n      interfaces:\n"
                             "        - {name: eth0, address: 192.168.51.81/24}\n        - {name: eth1, address: 10.10.0.5/24}\n"),
        [("cluster.yaml", "    address: 192.168.51.80\n", "    address: 10.10.0.5\n"), ("cluster.yaml", "k8s-vip: 192.168.51.80", "k8s-vip: 10.10.0.5")],
        [("cluster.yaml", 14)], id="lb-on-a-control-plane-interface",
    ),
    pytest.param(
        BASE_CLUSTER, [*ON_CP1, (HAPROXY, "bind :6443", "bind 192.168.51.81:6443")], [("cluster.yaml", 14), (HAPROXY, "bind ")],
        id="bind-on-the-node-address",
    ),
]


@pytest.mark.parametrize(("description", "edits", "expected"), COLLISION)
def test_lb_port_collision(tmp_path: Path, description: str, edits: list[Edit], expected: list[tuple[str, int | str]]) -> None:
    build(tmp_path, description, edits)
    assert found(tmp_path, "lb-port-collision") == [(p, n, "lb-port-collision") for p, n in at(tmp_path, expected)]


def test_lb_port_collision_message(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER, ON_CP1)
    assert messages(tmp_path / "cluster.yaml", "lb-port-collision") == [
        "the load balancer 192.168.51.81 runs on control-plane node cp-1, whose kube-apiserver already listens on "
        "port 6443: use another loadBalancer.port (e.g. 8443) or bindPort",
    ]
    # the rendered haproxy.cfg is an unchanged copy; edited by hand it is reported itself
    edit(tmp_path / HAPROXY, "bind :6443", "bind 192.168.51.81:6443")
    assert messages(tmp_path / "cluster.yaml", "lb-port-collision")[1:] == [
        "frontend kube-apiserver binds 192.168.51.81:6443 on control-plane node cp-1, where kube-apiserver listens on "
        "bindPort 6443: one of them cannot start",
    ]


COLLISION_FINE = [
    pytest.param(
        BASE_CLUSTER.replace("    address: 192.168.51.80\n    port: 6443", "    address: 192.168.51.81\n    port: 8443")
        .replace("k8s-vip: 192.168.51.80", "k8s-vip: 192.168.51.81").replace("k8s-vip:6443", "k8s-vip:8443"),
        id="lb-on-control-plane-other-port",
    ),
    pytest.param(
        BASE_CLUSTER.replace("    address: 192.168.51.80\n", "    address: 192.168.51.91\n").replace("k8s-vip: 192.168.51.80", "k8s-vip: 192.168.51.91"),
        id="lb-on-a-worker",
    ),
    pytest.param(BASE_CLUSTER, id="lb-of-its-own"),
]


@pytest.mark.parametrize("description", COLLISION_FINE)
def test_lb_port_collision_fine(tmp_path: Path, description: str) -> None:
    render_into(tmp_path, description)
    assert lint(tmp_path, select="lb-port-collision") == []


# --- etcd-quorum ----------------------------------------------------------------------------

TWO_CP = BASE_CLUSTER.replace("    - name: cp-3\n      role: control-plane\n      address: 192.168.51.83/24\n", "")
FOUR_CP = BASE_CLUSTER.replace(*FOURTH_CP)
FIVE_CP = FOUR_CP.replace(
    "      address: 192.168.51.91/24\n",
    "      address: 192.168.51.91/24\n    - name: cp-5\n      role: control-plane\n      address: 192.168.51.85/24\n",
)

QUORUM = [
    pytest.param(TWO_CP, 22, "2 control-plane nodes with stacked etcd: quorum is 2, so it survives no failure, the same as 1 node; use an odd number", id="two"),
    pytest.param(FOUR_CP, 28, "4 control-plane nodes with stacked etcd: quorum is 3, so it survives 1 failure, the same as 3 nodes; use an odd number", id="four"),
]


@pytest.mark.parametrize(("description", "line", "message"), QUORUM)
def test_etcd_quorum(tmp_path: Path, description: str, line: int, message: str) -> None:
    render_into(tmp_path, description)
    findings = lint(tmp_path, select="etcd-quorum")
    assert [(f.line, f.severity, f.message) for f in findings] == [(line, WARNING, message)]
    assert where(findings, tmp_path)[0][0] == "cluster.yaml"


@pytest.mark.parametrize("description", [pytest.param(SINGLE, id="one"), pytest.param(BASE_CLUSTER, id="three"), pytest.param(FIVE_CP, id="five")])
def test_etcd_quorum_odd(tmp_path: Path, description: str) -> None:
    render_into(tmp_path, description)
    assert lint(tmp_path, select="etcd-quorum") == []


def test_etcd_quorum_external_etcd(tmp_path: Path) -> None:
    build(tmp_path, FOUR_CP, [("lab/kubeadm-init.yaml", "networking:\n", "etcd:\n  external:\n    endpoints: [https://10.0.0.5:2379]\nnetworking:\n")])
    assert lint(tmp_path, select="etcd-quorum") == []
