"""The control-plane rules: exact findings (file, line, column, rule, severity, message).

Written for the mutants of kconf/lint/rules/control_plane.py that survived the
rest of the suite (see tools/mutation/run): each row is a small tree of files
(a description with hand-written files in its output folder lab/, or a
standalone haproxy.cfg / kubeadm file) and every finding one rule gives on it.
Section headers and directives are indented here and there so that a column
left out (Loc's default, 1) shows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lintkit import BASE_CLUSTER, lay_out, lint
from test_lint_control_plane import FOUR_CP, NO_ENDPOINT, ON_CP1, SINGLE, SIX, TWO_CP

Row = tuple[str, int, int, str, str, str]


def sub(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def rows(tmp_path: Path, files: dict[str, str], rule: str) -> list[Row]:
    lay_out(tmp_path, files)
    return [(os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.severity, f.message) for f in lint(tmp_path, select=rule)]


CP3 = "    server cp-3 192.168.51.83:6443 check\n"
SERVERS = "    server cp-1 192.168.51.81:6443 check\n    server cp-2 192.168.51.82:6443 check\n" + CP3
# lines 1-11: the frontend binds line 5, the backend starts at line 8, its servers are lines 9-11
CFG = "defaults\n    mode tcp\n\nfrontend kube-apiserver\n    bind :6443\n    default_backend kube-apiserver\n\nbackend kube-apiserver\n" + SERVERS
NO_SPEC = "apiVersion: kconf/v1alpha1\nkind: Cluster\nmetadata:\n  name: lab\nspec: 5\n"
LB_8443 = sub(BASE_CLUSTER, ("k8s-vip:6443", "k8s-vip:8443"), ("    port: 6443", "    port: 8443"))
LB_6442 = sub(BASE_CLUSTER, ("k8s-vip:6443", "k8s-vip:6442"), ("    port: 6443", "    port: 6442"))
LB_ON_CP1 = sub(BASE_CLUSTER, *((old, new) for _, old, new in ON_CP1))
SIX_CP = sub(FOUR_CP, ("      address: 192.168.51.91/24\n", "      address: 192.168.51.91/24\n"
                       "    - {name: cp-5, role: control-plane, address: 192.168.51.85/24}\n"
                       "    - {name: cp-6, role: control-plane, address: 192.168.51.86/24}\n"))
CLUSTER_CONFIGURATION = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\ncontrolPlaneEndpoint: {}\n"
JOIN = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n    apiServerEndpoint: {}\n"
INIT = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nlocalAPIEndpoint:\n  bindPort: {}\n"


def bind(address: str, text: str = CFG) -> str:
    return sub(text, ("    bind :6443\n", f"    bind {address}\n"))


# --- control-plane-endpoint-missing ------------------------------------------------------------

MISSING = "control-plane-endpoint-missing"
SEVERAL = ("ClusterConfiguration without controlPlaneEndpoint, but the cluster has several control-plane nodes: "
           "kubeadm would point everything at the first one")


@pytest.mark.parametrize(("files", "expected"), [
    pytest.param({"cluster.yaml": sub(TWO_CP, (NO_ENDPOINT[1], ""))}, [
        ("cluster.yaml", 5, 1, MISSING, "error", "2 control-plane nodes and no spec.controlPlaneEndpoint: every node would reach the "
         "API through the first control plane alone; set it to the load balancer (host:port)"),
    ], id="two-control-planes-are-several"),
    pytest.param({"cluster.yaml": sub(SINGLE, (NO_ENDPOINT[1], ""))}, [
        ("cluster.yaml", 5, 1, MISSING, "warning", "no spec.controlPlaneEndpoint: a single control plane made without it cannot be "
         "turned HA later without a rebuild; set a DNS name for it (e.g. k8s-api:6443)"),
    ], id="one-control-plane"),
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/kubeadm.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"}, [
        ("lab/kubeadm.yaml", 2, 7, MISSING, "error", SEVERAL),
    ], id="kubeadm-file-of-an-ha-cluster"),
    # the first ClusterConfiguration has an endpoint: the second one is still looked at
    pytest.param({"kubeadm.yaml": CLUSTER_CONFIGURATION.format("api:6443") + "---\napiVersion: kubeadm.k8s.io/v1beta4\nkind:   ClusterConfiguration\n"}, [
        ("kubeadm.yaml", 6, 9, MISSING, "warning", "ClusterConfiguration without controlPlaneEndpoint: a single control plane made "
         "without it cannot be turned HA later without a rebuild"),
    ], id="second-standalone-cluster-configuration"),
    # spec.nodes is no list: no control-plane node is counted, so nothing is said
    pytest.param({"cluster.yaml": sub(BASE_CLUSTER, (NO_ENDPOINT[1], "")).split("  nodes:\n")[0] + "  nodes: 5\n"}, [], id="nodes-not-a-list"),
])
def test_endpoint_missing(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    assert rows(tmp_path, files, MISSING) == expected


# --- control-plane-endpoint-target ------------------------------------------------------------

TARGET = "control-plane-endpoint-target"
IPV4_ONLY = "(an empty address, * and 0.0.0.0 are IPv4 only; :::6443 listens on both families)"


@pytest.mark.parametrize(("files", "expected"), [
    pytest.param({"cluster.yaml": sub(SINGLE, ("k8s-vip: 192.168.51.81", "k8s-vip: 192.168.51.91"))}, [
        ("cluster.yaml", 7, 25, TARGET, "error", "controlPlaneEndpoint host 'k8s-vip' resolves to 192.168.51.91, which is no "
         "control-plane node (and there is no loadBalancer)"),
    ], id="no-lb-resolves-to-a-worker"),
    pytest.param({"cluster.yaml": sub(SINGLE, ("k8s-vip:6443", "k8s-vip:7443"))}, [
        ("cluster.yaml", 7, 25, TARGET, "error", "controlPlaneEndpoint port 7443 is not the bindPort 6443 of cp-1, the control-plane "
         "node it resolves to"),
    ], id="no-lb-port-not-the-bind-port"),
    # the port kubeadm fills in is the bindPort of the InitConfiguration of the same file: not of another
    # file's, nor a localAPIEndpoint written into the ClusterConfiguration (no field kubeadm reads there)
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/a.yaml": INIT.format(9443),
                  "lab/b.yaml": CLUSTER_CONFIGURATION.format("k8s-vip") + "localAPIEndpoint:\n  bindPort: 8443\n---\n" + INIT.format(7443)}, [
        ("lab/b.yaml", 3, 23, TARGET, "error", "ClusterConfiguration controlPlaneEndpoint 'k8s-vip' has no port, so kubeadm uses the "
         "API server's bindPort 7443, but the description's endpoint is port 6443: write k8s-vip:6443"),
    ], id="port-less-endpoint-gets-the-init-bind-port"),
    pytest.param({"cluster.yaml": LB_8443, "lab/c.yaml": CLUSTER_CONFIGURATION.format("other-lb"), "lab/j1.yaml": JOIN.format("k8s-vip"),
                  "lab/j2.yaml": JOIN.format("10.0.0.1:8443")}, [
        ("lab/c.yaml", 3, 23, TARGET, "error", "ClusterConfiguration controlPlaneEndpoint is 'other-lb', but the description's "
         "controlPlaneEndpoint is 'k8s-vip:8443' (edited by hand? change the description and run `kconf render`)"),
        ("lab/j1.yaml", 5, 24, TARGET, "error", "JoinConfiguration discovery.bootstrapToken.apiServerEndpoint 'k8s-vip' has no port, "
         "so kubeadm uses the API server's bindPort 6443, but the description's endpoint is port 8443: write k8s-vip:8443"),
        ("lab/j2.yaml", 5, 24, TARGET, "error", "JoinConfiguration discovery.bootstrapToken.apiServerEndpoint is '10.0.0.1:8443', but "
         "the description's controlPlaneEndpoint is 'k8s-vip:8443' (edited by hand? change the description and run `kconf render`)"),
    ], id="kubeadm-files-elsewhere"),
    # not a host[:port]: kubeadm-schema's to report
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/c1.yaml": CLUSTER_CONFIGURATION.format("5"),
                  "lab/c2.yaml": CLUSTER_CONFIGURATION.format("k8s-vip:bogus")}, [], id="unusable-kubeadm-endpoints"),
    pytest.param({"cluster.yaml": SIX, "lab/haproxy.cfg": bind("ipv6@*:6443")}, [], id="ipv6-family-star"),
    pytest.param({"cluster.yaml": SIX, "lab/haproxy.cfg": bind("lb.example.org:6443")}, [], id="ipv6-lb-bind-on-a-name"),
    pytest.param({"cluster.yaml": SIX, "lab/haproxy.cfg": bind("*:6443")}, [
        ("lab/haproxy.cfg", 5, 10, TARGET, "error", "frontend kube-apiserver binds *:6443, which does not listen on the load balancer "
         f"address 2001:db8:51::80 {IPV4_ONLY}"),
    ], id="ipv6-lb-behind-star"),
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": bind("0.0.0.0:6443")}, [], id="ipv4-any"),
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": bind(":::6443 v6only")}, [
        ("lab/haproxy.cfg", 5, 10, TARGET, "error", "frontend kube-apiserver binds :::6443, which does not listen on the load balancer "
         f"address 192.168.51.80 {IPV4_ONLY}"),
    ], id="ipv4-lb-behind-ipv6-any-v6only"),
    pytest.param({"cluster.yaml": SIX, "lab/haproxy.cfg": bind(":::6443 v6only")}, [], id="ipv6-lb-behind-ipv6-any-v6only"),
    # the first frontend is named, with every port it binds
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": "frontend stats\n    bind :8404,:8405\n    mode http\n\n" + bind(":8443")}, [
        ("lab/haproxy.cfg", 2, 10, TARGET, "error", "controlPlaneEndpoint k8s-vip:6443 reaches the load balancer on port 6443, but no "
         "frontend here binds it (frontend stats binds 8404, 8405)"),
    ], id="frontends-on-other-ports"),
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": "frontend stats\n    bind lb.example.org\n"}, [
        ("lab/haproxy.cfg", 2, 10, TARGET, "error", "controlPlaneEndpoint k8s-vip:6443 reaches the load balancer on port 6443, but no "
         "frontend here binds it (frontend stats binds no TCP port)"),
    ], id="frontend-without-a-port"),
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": "backend kube-apiserver\n" + SERVERS}, [
        ("lab/haproxy.cfg", 1, 1, TARGET, "error", "controlPlaneEndpoint reaches the load balancer on port 6443, but this HAProxy "
         "configuration has no frontend or listen section binding it"),
    ], id="no-frontend"),
    # a first configuration that is right does not end the search
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/a.cfg": CFG, "lab/haproxy.cfg": bind(":8443")}, [
        ("lab/haproxy.cfg", 5, 10, TARGET, "error", "controlPlaneEndpoint k8s-vip:6443 reaches the load balancer on port 6443, but no "
         "frontend here binds it (frontend kube-apiserver binds 8443)"),
    ], id="second-configuration"),
])
def test_endpoint_target(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    assert rows(tmp_path, files, TARGET) == expected


# --- haproxy-backends -------------------------------------------------------------------------

BACKENDS = "haproxy-backends"


@pytest.mark.parametrize(("files", "expected"), [
    pytest.param({"cluster.yaml": SIX, "lab/haproxy.cfg": "frontend kube-apiserver\n    bind :::6443 v4v6\n    default_backend kube-apiserver\n\n"
                  "  backend kube-apiserver\n    server cp-1 [2001:db8:51::81]:6443 check\n    server cp-2 [2001:db8:51::82]:6443 check\n"}, [
        ("lab/haproxy.cfg", 5, 3, BACKENDS, "error", "backend kube-apiserver has no server for control-plane node cp-3 ([2001:db8:51::83]:6443)"),
    ], id="ipv6-node-missing"),
    # +N is an offset from the client's port (the load balancer's 6442); X443 no port at all
    pytest.param({"cluster.yaml": LB_6442, "lab/haproxy.cfg": sub(bind(":6442"), ("192.168.51.81:6443", "192.168.51.81:+1"),
                  ("192.168.51.82:6443", "192.168.51.82:+2"), ("192.168.51.83:6443", "192.168.51.83:X443"))}, [
        ("lab/haproxy.cfg", 10, 17, BACKENDS, "error", "server cp-2 sends to cp-2 on port +2, but its kube-apiserver listens on bindPort 6443"),
        ("lab/haproxy.cfg", 11, 17, BACKENDS, "error", "server cp-3 sends to cp-3 on port X443, but its kube-apiserver listens on bindPort 6443"),
    ], id="port-offsets"),
    # a zone id is an address, though no description can resolve one
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": CFG + "    server x api.example.org:6443 check\n    server y 10.9.9.9:6443 check\n"
                  "    server z [fe80::1%eth0]:6443 check\n"}, [
        ("lab/haproxy.cfg", 12, 14, BACKENDS, "error", "server x: 'api.example.org' is no address or name of the description (nodes, hosts, "
         "loadBalancer), so it is no control-plane node"),
        ("lab/haproxy.cfg", 13, 14, BACKENDS, "error", "server y (10.9.9.9:6443) is no node of the cluster, not a control-plane node: remove it"),
        ("lab/haproxy.cfg", 14, 14, BACKENDS, "error", "server z ([fe80::1%eth0]:6443) is no node of the cluster, not a control-plane node: remove it"),
    ], id="servers-of-no-control-plane-node"),
    # no frontend on the load balancer port: the only backend with servers
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": "backend api\n" + sub(SERVERS, (CP3, ""))}, [
        ("lab/haproxy.cfg", 1, 1, BACKENDS, "error", "backend api has no server for control-plane node cp-3 (192.168.51.83:6443)"),
    ], id="only-backend-with-servers"),
    # the frontend's backend is empty: the one with servers beside it is not checked instead
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": "frontend kube-apiserver\n    bind :6443\n    default_backend old\n\nbackend old\n\n"
                  "backend kube-apiserver\n" + sub(SERVERS, (CP3, ""))}, [
        ("lab/haproxy.cfg", 5, 1, BACKENDS, "error", f"backend old has no server for control-plane node {node}") for node in
        ("cp-1 (192.168.51.81:6443)", "cp-2 (192.168.51.82:6443)", "cp-3 (192.168.51.83:6443)")
    ], id="empty-backend-chosen"),
    # nor when it sends to a backend that does not exist
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": "frontend kube-apiserver\n    bind :6443\n    default_backend kube-api\n\n"
                  "backend kube-apiserver\n" + sub(SERVERS, (CP3, ""))}, [
        ("lab/haproxy.cfg", 3, 21, BACKENDS, "error", "frontend kube-apiserver sends to backend 'kube-api', which is not in this file"),
    ], id="unknown-backend-chosen"),
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": sub(CFG, ("    default_backend", "    use_backend %[req.ssl_sni,lower]\n    default_backend"))},
                 [], id="backend-named-at-run-time"),
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": sub(CFG, ("    default_backend", "    use_backend internal if { req.ssl_sni -m end .internal }\n"
                  "    default_backend")) + "\nbackend internal\n" + sub(SERVERS, (CP3, ""))}, [
        ("lab/haproxy.cfg", 14, 1, BACKENDS, "error", "backend internal has no server for control-plane node cp-3 (192.168.51.83:6443)"),
    ], id="use-backend-beside-default-backend"),
    # every section on the load balancer port: two listens (its address and localhost) and a frontend after them,
    # behind a frontend on another port
    pytest.param({"cluster.yaml": BASE_CLUSTER, "lab/haproxy.cfg": "frontend stats\n    bind :8404\n    mode http\n\nlisten vip\n    bind 192.168.51.80:6443\n"
                  + SERVERS + "\nlisten local\n    bind 127.0.0.1:6443\n" + sub(SERVERS, (CP3, "")) + "\nfrontend local6\n    bind [::1]:6443\n"
                  "    default_backend kube\n\nbackend kube\n" + sub(SERVERS, ("    server cp-2 192.168.51.82:6443 check\n", ""))}, [
        ("lab/haproxy.cfg", 11, 1, BACKENDS, "error", "listen local has no server for control-plane node cp-3 (192.168.51.83:6443)"),
        ("lab/haproxy.cfg", 20, 1, BACKENDS, "error", "backend kube has no server for control-plane node cp-2 (192.168.51.82:6443)"),
    ], id="listens-and-frontends"),
    pytest.param({"cluster.yaml": SINGLE, "lab/haproxy.cfg": CFG}, [], id="no-load-balancer"),
])
def test_haproxy_backends(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    assert rows(tmp_path, files, BACKENDS) == expected


# --- haproxy-mode -----------------------------------------------------------------------------

MODE = "haproxy-mode"
IN_HTTP = "serves the Kubernetes API server in mode http: it must be mode tcp, TLS has to reach kube-apiserver untouched"


@pytest.mark.parametrize(("files", "expected"), [
    pytest.param({"haproxy.cfg": "frontend kube-apiserver\n    bind :6443\n    mode   http\n"}, [
        ("haproxy.cfg", 3, 12, MODE, "error", f"frontend kube-apiserver {IN_HTTP}"),
    ], id="column-of-the-mode"),
    pytest.param({"haproxy.cfg": "defaults\n  mode  http\n\nfrontend k8s\n    bind :6443\n"}, [
        ("haproxy.cfg", 2, 9, MODE, "error", "mode http of this defaults section applies to frontend k8s, which serves the Kubernetes API server: "
         "write mode tcp there (or here)"),
    ], id="column-of-the-inherited-mode"),
    # an API server section by its servers alone
    pytest.param({"haproxy.cfg": "backend masters\n    mode http\n    server m1 10.0.0.11:6443 check\n"}, [
        ("haproxy.cfg", 2, 10, MODE, "error", f"backend masters {IN_HTTP}"),
    ], id="backend-by-its-servers"),
    # ... or reached from an API server frontend
    pytest.param({"haproxy.cfg": "frontend k8s\n    bind :6443\n    mode tcp\n    default_backend web\n\nbackend web\n    mode http\n    server a 10.0.0.5:8080\n"}, [
        ("haproxy.cfg", 7, 10, MODE, "error", f"backend web {IN_HTTP}"),
    ], id="backend-of-an-api-server-frontend"),
    pytest.param({"haproxy.cfg": "backend a\n    mode http\n    server x 10.0.0.11:6443\n\nbackend b\n    mode http\n    server y 10.0.0.12:6443\n"}, [
        ("haproxy.cfg", 2, 10, MODE, "error", f"backend a {IN_HTTP}"),
        ("haproxy.cfg", 6, 10, MODE, "error", f"backend b {IN_HTTP}"),
    ], id="two-api-server-backends"),
    # in an output folder the front port is loadBalancer.port
    pytest.param({"cluster.yaml": LB_8443, "lab/haproxy.cfg": "frontend front\n    bind :8443\n    mode http\n"}, [
        ("lab/haproxy.cfg", 3, 10, MODE, "error", f"frontend front {IN_HTTP}"),
    ], id="load-balancer-port"),
])
def test_haproxy_mode(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    assert rows(tmp_path, files, MODE) == expected


# --- haproxy-http-in-tcp-mode ----------------------------------------------------------------

HTTP = "haproxy-http-in-tcp-mode"


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("defaults\n    option forwardfor\n\nfrontend kube-apiserver\n    bind :6443\n", [
        (2, 12, "option forwardfor of this defaults section reaches frontend kube-apiserver, which serves the Kubernetes API server in "
         "mode tcp, and does nothing there (haproxy -c warns and ignores it): remove it, or give the API server a defaults section of its own"),
    ], id="defaults-reaching-one-section"),
    # a first API server section in mode http (haproxy-mode's) does not end the search
    pytest.param("frontend kube-apiserver\n    bind :6443\n    mode http\n    default_backend kube-apiserver\n\nbackend kube-apiserver\n    mode tcp\n"
                 "    option forwardfor\n    server a 10.0.0.11:6443 check\n", [
        (8, 12, "option forwardfor does nothing in backend kube-apiserver, which serves the Kubernetes API server in mode tcp "
         "(haproxy -c warns and ignores it): remove it"),
    ], id="after-a-section-in-mode-http"),
    pytest.param("defaults\n    option forwardfor\n\nfrontend kube-apiserver\n    bind :6443\n    no option forwardfor\n", [], id="no-option-cancels"),
    pytest.param("backend kube-apiserver\n    http-check expect status 200\n    server a 10.0.0.11:6443 check\n", [
        (2, 5, "http-check does nothing in backend kube-apiserver, which serves the Kubernetes API server in mode tcp (without option "
         "httpchk haproxy -c warns that the http-check rules are ignored): remove it"),
    ], id="http-check-without-httpchk"),
])
def test_haproxy_http_in_tcp_mode(tmp_path: Path, text: str, expected: list[tuple[int, int, str]]) -> None:
    assert rows(tmp_path, {"haproxy.cfg": text}, HTTP) == [("haproxy.cfg", line, column, HTTP, "warning", message) for line, column, message in expected]


# --- haproxy-health-check --------------------------------------------------------------------

HEALTH = "haproxy-health-check"
NO_CHECK = "has no `check` (nor a default-server one): HAProxy never marks it down and keeps sending clients to a dead API server"


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("backend kube-apiserver\n    option ssl-hello-chk\n    option httpchk\n    server a 10.0.0.11:6443\n    server b 10.0.0.12:6443\n"
                 "    server c 10.0.0.13:6443 check\n    server d 10.0.0.14:6443 check check-ssl\n", [
        ("haproxy.cfg", 2, 5, HEALTH, "warning", "backend kube-apiserver has both option ssl-hello-chk and option httpchk; HAProxy keeps only "
         "the last check type: option httpchk (line 3) replaces it: the SSL hello is never sent, and the HTTP request goes in clear unless "
         "the servers have check-ssl"),
        ("haproxy.cfg", 4, 5, HEALTH, "warning", f"server a {NO_CHECK}"),
        ("haproxy.cfg", 5, 5, HEALTH, "warning", f"server b {NO_CHECK}"),
        ("haproxy.cfg", 6, 5, HEALTH, "warning", "option httpchk (line 3) sends plain HTTP to server c, whose kube-apiserver only speaks TLS: "
         "it answers 400 and the server is marked down; add `check-ssl verify none`"),
        ("haproxy.cfg", 7, 5, HEALTH, "error", "server d checks over TLS with the default `verify required` and no ca-file: HAProxy refuses to "
         "start ('verify is enabled by default but no CA file specified'); add `verify none` or a ca-file with the cluster CA"),
    ], id="every-message"),
    pytest.param("backend kube-apiserver\n    option httpchk\n    server a 10.0.0.11:6443 check ssl verify none\n", [], id="ssl-checks-over-tls"),
    # http-check connect without ssl: the check is still plain HTTP
    pytest.param("backend kube-apiserver\n    option httpchk\n    http-check connect port 6443\n    server a 10.0.0.11:6443 check\n", [
        ("haproxy.cfg", 4, 5, HEALTH, "warning", "option httpchk (line 2) sends plain HTTP to server a, whose kube-apiserver only speaks TLS: "
         "it answers 400 and the server is marked down; add `check-ssl verify none`"),
    ], id="http-check-connect-without-ssl"),
    # the first argument of ssl-server-verify decides
    pytest.param("global\n    ssl-server-verify none extra\n\nbackend kube-apiserver\n    option httpchk\n    server a 10.0.0.11:6443 check check-ssl\n",
                 [], id="global-verify-none-with-more-words"),
])
def test_haproxy_health_check(tmp_path: Path, text: str, expected: list[Row]) -> None:
    assert rows(tmp_path, {"haproxy.cfg": text}, HEALTH) == expected


# --- lb-port-collision, etcd-quorum ------------------------------------------------------------


@pytest.mark.parametrize(("files", "rule", "expected"), [
    pytest.param({"cluster.yaml": LB_ON_CP1, "lab/haproxy.cfg": bind("192.168.51.81:6443")}, "lb-port-collision", [
        ("cluster.yaml", 14, 11, "lb-port-collision", "error", "the load balancer 192.168.51.81 runs on control-plane node cp-1, whose "
         "kube-apiserver already listens on port 6443: use another loadBalancer.port (e.g. 8443) or bindPort"),
        ("lab/haproxy.cfg", 5, 10, "lb-port-collision", "error", "frontend kube-apiserver binds 192.168.51.81:6443 on control-plane node "
         "cp-1, where kube-apiserver listens on bindPort 6443: one of them cannot start"),
    ], id="lb-on-a-control-plane-node"),
    pytest.param({"cluster.yaml": SIX_CP}, "etcd-quorum", [
        ("cluster.yaml", 31, 26, "etcd-quorum", "warning", "6 control-plane nodes with stacked etcd: quorum is 4, so it survives 2 "
         "failures, the same as 5 nodes; use an odd number"),
    ], id="six-control-planes"),
    # only a ClusterConfiguration's etcd.external counts: a JoinConfiguration has no such field
    pytest.param({"cluster.yaml": FOUR_CP, "lab/join.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\netcd:\n  external:\n"
                  "    endpoints: [https://10.0.0.5:2379]\n"}, "etcd-quorum", [
        ("cluster.yaml", 28, 13, "etcd-quorum", "warning", "4 control-plane nodes with stacked etcd: quorum is 3, so it survives 1 "
         "failure, the same as 3 nodes; use an odd number"),
    ], id="external-etcd-of-another-kind"),
])
def test_collision_and_quorum(tmp_path: Path, files: dict[str, str], rule: str, expected: list[Row]) -> None:
    assert rows(tmp_path, files, rule) == expected


def test_a_description_without_a_spec(tmp_path: Path) -> None:
    """No model at all (spec is no mapping): the rules that need one say nothing, even with an output folder."""
    every = "control-plane-endpoint-target,haproxy-backends,lb-port-collision,etcd-quorum,control-plane-endpoint-missing"
    assert rows(tmp_path, {"cluster.yaml": NO_SPEC, "lab/haproxy.cfg": CFG}, every) == []


def test_kube_vip_holding_a_node_address_is_no_port_collision(tmp_path: Path) -> None:
    """kube-vip has no HAProxy: a VIP that is a control plane's own address is
    vip-address's finding (kconf/lint/rules/vip.py), not advice to move a
    load balancer's port (kills x_lb_port_collision__mutmut_15, _16)."""
    from conftest import GOLDEN

    text = (GOLDEN / "ha-kube-vip" / "cluster.yaml").read_text().replace("address: 192.168.51.80", "address: 192.168.51.82")
    lay_out(tmp_path, {"cluster.yaml": text})
    assert [(f.rule, f.line) for f in lint(tmp_path / "cluster.yaml", select="lb-port-collision,vip-address")] == [("vip-address", 23)]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # _failures 1-6: two control planes survive no failure
        pytest.param({"cluster.yaml": TWO_CP}, [
            ("cluster.yaml", 22, 13, "etcd-quorum", "warning", "2 control-plane nodes with stacked etcd: quorum is 2, so it survives "
             "no failure, the same as 1 node; use an odd number"),
        ], id="two"),
        # _failures 7-12: counted failures, one and several
        pytest.param({"cluster.yaml": FOUR_CP}, [
            ("cluster.yaml", 28, 13, "etcd-quorum", "warning", "4 control-plane nodes with stacked etcd: quorum is 3, so it survives "
             "1 failure, the same as 3 nodes; use an odd number"),
        ], id="four"),
        pytest.param({"cluster.yaml": SIX_CP}, [
            ("cluster.yaml", 31, 26, "etcd-quorum", "warning", "6 control-plane nodes with stacked etcd: quorum is 4, so it survives "
             "2 failures, the same as 5 nodes; use an odd number"),
        ], id="six"),
    ],
)
def test_etcd_quorum_counts_the_failures_survived(tmp_path: Path, files: dict[str, str], expected: list[Row]) -> None:
    lay_out(tmp_path, files)
    assert [(os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.severity, f.message)
            for f in lint(tmp_path, select="etcd-quorum")] == expected
