"""kconf/kubeadm/documents.py, components.py, sockets.py and schema.py: cases
that mutants surviving the rest of the suite showed missing.

Descriptions are BASE_CLUSTER (tests/lintkit.py) with one edit each; the
expected kubeadm fields, issues and messages are written out. See
tools/mutation/run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kconf.kubeadm import components
from kconf.kubeadm import documents as kubeadm
from kconf.kubeadm import schema as kubeadm_schema
from kconf.kubeadm import sockets
from kconf.description import Cluster, load_cluster
from kconf.schemacheck import SchemaIssue
from kconf.yamlio import Document, load_documents

from lintkit import BASE_CLUSTER

SINGLE = (
    BASE_CLUSTER.replace("  loadBalancer:\n    hostname: lab-lb\n    address: 192.168.51.80\n    port: 6443\n", "")
    .replace("  controlPlaneEndpoint: k8s-vip:6443\n", "")
    .replace("  hosts:\n    k8s-vip: 192.168.51.80\n", "")
    .replace(
        "    - name: cp-2\n      role: control-plane\n      address: 192.168.51.82/24\n"
        "    - name: cp-3\n      role: control-plane\n      address: 192.168.51.83/24\n",
        "",
    )
)


def edited(base: str, old: str, new: str) -> str:
    assert base.count(old) == 1, old
    return base.replace(old, new)


def cluster(tmp_path: Path, text: str) -> Cluster:
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    return load_cluster(str(path))


def manager_args(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"extraArgs": [{"name": name, "value": value} for name, value in pairs]}


POD = "podSubnet: 172.16.0.0/16"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(BASE_CLUSTER, manager_args(("node-cidr-mask-size", "24")), id="single-stack"),
        pytest.param(edited(BASE_CLUSTER, POD, "podSubnet: 172.16.0.0/16,fd00:10::/56"),
                     manager_args(("node-cidr-mask-size-ipv4", "24"), ("node-cidr-mask-size-ipv6", "64")), id="dual-stack"),
        pytest.param(edited(BASE_CLUSTER, POD, "podSubnet: 172.16.0.0/16,fd00:10::/56\n    nodeCIDRMaskSize: 26"),
                     manager_args(("node-cidr-mask-size-ipv4", "26"), ("node-cidr-mask-size-ipv6", "64")), id="dual-stack-v4-mask"),
        pytest.param(edited(BASE_CLUSTER, POD, "podSubnet: fd00:10::/56,172.16.0.0/16"),
                     manager_args(("node-cidr-mask-size-ipv4", "24"), ("node-cidr-mask-size-ipv6", "64")), id="dual-stack-v6-first"),
        # nodeCIDRMaskSize is the first family's, as lint's pod-subnet-capacity reads it (it was dropped here before)
        pytest.param(edited(BASE_CLUSTER, POD, "podSubnet: fd00:10::/56,172.16.0.0/16\n    nodeCIDRMaskSize: 60"),
                     manager_args(("node-cidr-mask-size-ipv4", "24"), ("node-cidr-mask-size-ipv6", "60")), id="dual-stack-v6-first-mask"),
        pytest.param(edited(BASE_CLUSTER, "  networking:", "  cloudProvider: external\n  networking:"),
                     manager_args(("cloud-provider", "external"), ("node-cidr-mask-size", "24")), id="external-cloud"),
        pytest.param(edited(BASE_CLUSTER, "  networking:", "  cloudProvider: none\n  networking:"),
                     manager_args(("node-cidr-mask-size", "24")), id="no-cloud"),
    ],
)
def test_controller_manager_args(tmp_path: Path, text: str, expected: dict[str, Any]) -> None:
    assert kubeadm.cluster_configuration(cluster(tmp_path, text))["controllerManager"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(BASE_CLUSTER, {"node-ip": "192.168.51.91"}, id="plain"),
        pytest.param(edited(BASE_CLUSTER, "      role: worker\n", "      role: worker\n      labels: {a: b, c.io/d: e}\n"),
                     {"node-ip": "192.168.51.91", "node-labels": "a=b,c.io/d=e"}, id="labels"),
        pytest.param(edited(BASE_CLUSTER, "  networking:", "  cloudProvider: external\n  networking:"),
                     {"node-ip": "192.168.51.91", "cloud-provider": "external"}, id="external-cloud"),
    ],
)
def test_kubelet_args_of_the_worker(tmp_path: Path, text: str, expected: dict[str, str]) -> None:
    the_cluster = cluster(tmp_path, text)
    worker = next(n for n in the_cluster.nodes if n.name == "worker-1")
    assert kubeadm._kubelet_args(the_cluster, worker) == expected


ENDPOINT = "controlPlaneEndpoint: k8s-vip:6443"


@pytest.mark.parametrize(
    ("text", "endpoint", "cert_sans"),
    [
        pytest.param(BASE_CLUSTER, "k8s-vip:6443", ["k8s-vip", "lab-lb", "192.168.51.80"], id="endpoint-name-of-its-own"),
        pytest.param(edited(BASE_CLUSTER, ENDPOINT, "controlPlaneEndpoint: lab-lb:6443"), "lab-lb:6443", ["lab-lb", "192.168.51.80", "k8s-vip"],
                     id="endpoint-is-the-load-balancer-name"),
        pytest.param(edited(BASE_CLUSTER, ENDPOINT, "controlPlaneEndpoint: 192.168.51.80:6443"), "192.168.51.80:6443", ["192.168.51.80", "lab-lb", "k8s-vip"],
                     id="endpoint-is-the-load-balancer-address"),
        pytest.param(edited(BASE_CLUSTER, ENDPOINT, 'controlPlaneEndpoint: "[fd00:51::80]:6443"'), "[fd00:51::80]:6443",
                     ["fd00:51::80", "lab-lb", "192.168.51.80", "k8s-vip"], id="ipv6-endpoint"),
        pytest.param(SINGLE, None, None, id="single-control-plane"),
    ],
)
def test_endpoint_and_cert_sans(tmp_path: Path, text: str, endpoint: str | None, cert_sans: list[str] | None) -> None:
    document = kubeadm.cluster_configuration(cluster(tmp_path, text))
    assert document.get("controlPlaneEndpoint") == endpoint
    assert document.get("apiServer", {}).get("certSANs") == cert_sans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(SINGLE, "192.168.51.81:6443", id="first-control-plane"),
        pytest.param(edited(SINGLE, "      address: 192.168.51.81/24\n", "      address: 192.168.51.81/24\n      bindPort: 6444\n"),
                     "192.168.51.81:6444", id="its-bind-port"),
        pytest.param(SINGLE.replace("192.168.51.81/24", "fd00:51::81/64").replace("192.168.51.91/24", "fd00:51::91/64")
                     .replace(POD, "podSubnet: fd00:10::/56"), "[fd00:51::81]:6443", id="ipv6-control-plane"),
        pytest.param(BASE_CLUSTER, "k8s-vip:6443", id="the-endpoint"),
    ],
)
def test_where_joining_nodes_reach_the_api(tmp_path: Path, text: str, expected: str) -> None:
    assert kubeadm.api_server_endpoint(cluster(tmp_path, text)) == expected


# --- kconf/kubeadm/components.py -----------------------------------------------------------
# The real schemas mark only top-level fields (x-kconf-absent-until), so the walk
# into $ref, nullable anyOf, arrays and x-kconf-absent-from is shown on a small
# schema of its own; check_component's order on the real KubeletConfiguration.

CHAIN = {"$defs": {**{f"d{n}": {"$ref": f"#/$defs/d{n + 1}"} for n in range(1, 9)}, "d9": {"type": "object"}}}
NULLABLE = {"$defs": {"Obj": {"type": "object", "properties": {"a": {"type": "string"}}}}}


@pytest.mark.parametrize(
    ("node", "root", "expected"),
    [
        pytest.param(True, {}, True, id="not-a-mapping"),  # _3
        pytest.param({"$ref": "#/$defs/Obj"}, NULLABLE, {"type": "object", "properties": {"a": {"type": "string"}}}, id="ref"),  # _4-_7, _10-_12
        pytest.param({"$ref": "other.json#/$defs/Obj"}, NULLABLE, {"$ref": "other.json#/$defs/Obj"}, id="ref-elsewhere"),
        # at most 8 steps: d1 -> ... -> d8 (itself a $ref) is where it stops (_2)
        pytest.param({"$ref": "#/$defs/d1"}, CHAIN, {"$ref": "#/$defs/d9"}, id="eight-steps-at-most"),
        pytest.param({"$ref": "#/$defs/d7"}, CHAIN, {"type": "object"}, id="ref-to-ref"),  # _19
        pytest.param({"$ref": "#/$defs/a"}, {"$defs": {"a": {"$ref": "#/$defs/a"}}}, {"$ref": "#/$defs/a"}, id="ref-cycle"),
        pytest.param({"anyOf": [{"type": "null"}, {"type": "object"}]}, {}, {"type": "object"}, id="nullable-null-first"),  # _21-_38
        pytest.param({"anyOf": [{"type": "object"}, {"type": "null"}]}, {}, {"type": "object"}, id="nullable"),
        pytest.param({"anyOf": [True, {"type": "object"}]}, {}, {"type": "object"}, id="non-mapping-branch"),  # _28
        pytest.param({"anyOf": [{"type": "object"}, {"type": "string"}]}, {}, {"anyOf": [{"type": "object"}, {"type": "string"}]},
                     id="two-branches"),
        pytest.param({"anyOf": [{"$ref": "#/$defs/Obj"}, {"type": "null"}]}, NULLABLE,
                     {"type": "object", "properties": {"a": {"type": "string"}}}, id="nullable-ref"),  # _39
    ],
)
def test_resolve(node: Any, root: dict[str, Any], expected: Any) -> None:
    assert components._resolve(node, root) == expected


WALKED: dict[str, Any] = {
    "type": "object",
    "properties": {
        "old": {"type": "string", "x-kconf-absent-from": "1.33"},
        "new": {"type": "string", "x-kconf-absent-until": "1.31"},
        "outer": {"$ref": "#/$defs/Outer"},
        "list": {"type": ["array", "null"], "items": {"$ref": "#/$defs/Item"}},
        "tags": {"type": ["array", "null"]},
        "plain": {"type": "string"},
    },
    "$defs": {
        "Outer": {"type": "object", "properties": {
            "gone": {"type": "string", "x-kconf-absent-from": "1.36"},
            "fresh": {"type": "string", "x-kconf-absent-until": "1.35"},
        }},
        "Item": {"anyOf": [{"$ref": "#/$defs/Inner"}, {"type": "null"}]},
        "Inner": {"type": "object", "properties": {"fresh": {"type": "string", "x-kconf-absent-until": "1.33"}}},
    },
}
# "bogus" (not in the schema) comes first: the fields after it are still walked (_13)
WALKED_DATA = {"bogus": 1, "plain": "p", "tags": ["a"], "new": "n", "old": "o", "outer": {"gone": "g", "fresh": "f"},
               "list": [{"fresh": "f"}, None, {"fresh": "f"}]}


def newer(field: str, minor: str, until: str) -> str:
    return (f"unknown field {field!r} for Kubernetes {minor}: it is newer than {until}, and kubeadm {minor} "
            "refuses it as unknown; remove it or raise kubernetesVersion")


def removed(field: str, minor: str, since: str) -> str:
    return f"unknown field {field!r} for Kubernetes {minor}: it was removed by {since}, and kubeadm {minor} refuses it as unknown; remove it"


@pytest.mark.parametrize(
    ("minor", "expected"),
    [
        pytest.param((1, 30), [
            SchemaIssue(("new",), newer("new", "1.30", "1.31")),
            SchemaIssue(("outer", "fresh"), newer("fresh", "1.30", "1.35")),
            SchemaIssue(("list", 0, "fresh"), newer("fresh", "1.30", "1.33")),
            SchemaIssue(("list", 2, "fresh"), newer("fresh", "1.30", "1.33")),
        ], id="old-minor"),
        # 1.33 is where "old" goes (>=, _36) and the items' "fresh" still missing (<=)
        pytest.param((1, 33), [
            SchemaIssue(("old",), removed("old", "1.33", "1.33")),
            SchemaIssue(("outer", "fresh"), newer("fresh", "1.33", "1.35")),
            SchemaIssue(("list", 0, "fresh"), newer("fresh", "1.33", "1.33")),
            SchemaIssue(("list", 2, "fresh"), newer("fresh", "1.33", "1.33")),
        ], id="boundary-minor"),
        pytest.param((1, 34), [
            SchemaIssue(("old",), removed("old", "1.34", "1.33")),
            SchemaIssue(("outer", "fresh"), newer("fresh", "1.34", "1.35")),
        ], id="middle-minor"),
        pytest.param((1, 36), [
            SchemaIssue(("old",), removed("old", "1.36", "1.33")),
            SchemaIssue(("outer", "gone"), removed("gone", "1.36", "1.36")),
        ], id="new-minor"),
    ],
)
def test_version_issues_walk_refs_anyof_and_arrays(minor: tuple[int, int], expected: list[SchemaIssue]) -> None:
    # kills _19-_22 and _36-_49 (absent-from, the nested walk) and _56-_70 (arrays)
    assert list(components._version_issues(WALKED_DATA, WALKED, WALKED, (), minor)) == expected


def test_version_issues_of_a_list_without_items_schema() -> None:
    # a list where the schema says nothing of its items is not walked (_56 reads node["items"])
    assert list(components._version_issues(["a"], {"type": "array"}, {}, (), (1, 30))) == []


KUBELET_DATA = {"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}


def test_check_component_sorts_by_shown_path_then_message() -> None:
    # [10] before [9] (paths compared as text, _28/_30), cgroupDrivr before maxPods
    # though its message sorts after (_34), one fixed order (_32)
    data = {**KUBELET_DATA, "maxPods": "many", "cgroupDrivr": "systemd", "crashLoopBackOff": {"maxContainerRestartPeriod": "30s"},
            "tlsCurvePreferences": [1, 2, 3, 4, 5, 6, 7, 8, 9, "x", "y"]}
    assert components.check_component(data, (1, 30)) == [
        SchemaIssue(("cgroupDrivr",), "unknown field 'cgroupDrivr' (did you mean 'cgroupDriver'?)"),
        SchemaIssue(("crashLoopBackOff",), "unknown field 'crashLoopBackOff' for Kubernetes 1.30: it is newer than 1.31, and kubeadm 1.30 "
                    "refuses it as unknown; remove it or raise kubernetesVersion"),
        SchemaIssue(("maxPods",), "'many' is a string, expected integer"),
        SchemaIssue(("tlsCurvePreferences",), "unknown field 'tlsCurvePreferences' for Kubernetes 1.30: it is newer than 1.35, and "
                    "kubeadm 1.30 refuses it as unknown; remove it or raise kubernetesVersion"),
        SchemaIssue(("tlsCurvePreferences", 10), "'y' is a string, expected integer"),
        SchemaIssue(("tlsCurvePreferences", 9), "'x' is a string, expected integer"),
    ]


# --- kconf/kubeadm/sockets.py --------------------------------------------------------------

EXAMPLE = "unix:///var/run/containerd/containerd.sock"
EMPTY_PART = "the path has an empty, '.' or '..' part; write the socket's plain absolute path"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(5, f"5 is not a string: write e.g. {EXAMPLE}", id="not-a-string"),  # check_cri_socket _2
        # the first "://" splits scheme from path (check_cri_socket _11 splits at the last)
        pytest.param("unix://run://c.sock", "'unix://run://c.sock' has a relative path: write unix:///run://c.sock "
                     "(unix:// and then an absolute path)", id="two-scheme-separators"),
        pytest.param("unix:///run/x#y.sock", "'unix:///run/x#y.sock' has a query or fragment: write only unix:// and the socket's path",
                     id="fragment"),  # _10
        pytest.param("unix:///./containerd.sock", f"'unix:///./containerd.sock': {EMPTY_PART}", id="dot-first-part"),  # _19, _23
        pytest.param("unix:////containerd.sock", f"'unix:////containerd.sock': {EMPTY_PART}", id="empty-first-part"),  # _19, _22
        pytest.param("unix:///run//c.sock", f"'unix:///run//c.sock': {EMPTY_PART}", id="empty-part"),  # _22
        pytest.param("unix:///run/./c.sock", f"'unix:///run/./c.sock': {EMPTY_PART}", id="dot-part"),  # _23
        # only leading dots are stripped before looking for an extension (_36 strips X too)
        pytest.param("unix:///run/X.crio", f"'unix:///run/X.crio' names a .crio file, not a socket: CRI sockets end in .sock, e.g. {EXAMPLE}",
                     id="extension"),
        # the extension is from the last dot (_39: the first)
        pytest.param("unix:///run/containerd.sock.bak",
                     f"'unix:///run/containerd.sock.bak' names a .bak file, not a socket: CRI sockets end in .sock, e.g. {EXAMPLE}",
                     id="last-extension"),
    ],
)
def test_cri_socket_refused(value: object, message: str) -> None:
    with pytest.raises(sockets.CriSocketError) as caught:
        sockets.check_cri_socket(value)
    assert str(caught.value) == message


def test_cri_socket_hidden_file_name_is_only_warned() -> None:
    # a leading dot is no extension (_34 strips whitespace, _35 the trailing dots)
    assert sockets.check_cri_socket("unix:///run/.crio") == [
        "CRI socket 'unix:///run/.crio' does not end in .sock, as runtime sockets usually do; check the path"
    ]


def test_checked_socket_warning_names_file_line_and_field() -> None:
    # checked_socket _14 (no file), _15 (no line)
    setting = sockets.SocketSetting("unix:///run/crio", "c.yaml", 7, ("spec", "criSocket"))
    assert sockets.checked_socket(setting) == ("unix:///run/crio", [
        "c.yaml:7: spec.criSocket: CRI socket 'unix:///run/crio' does not end in .sock, as runtime sockets usually do; check the path"
    ])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # socket_from_cluster _11, _17-_21: the node sets none, spec.criSocket (line 8) is the place
        pytest.param(BASE_CLUSTER, (EXAMPLE, 8, ("spec", "criSocket")), id="spec"),
        pytest.param(edited(BASE_CLUSTER, "      address: 192.168.51.81/24\n",
                            "      address: 192.168.51.81/24\n      criSocket: unix:///run/crio/crio.sock\n"),
                     ("unix:///run/crio/crio.sock", 21, ("spec", "nodes", 0, "criSocket")), id="node"),
    ],
)
def test_socket_from_cluster(tmp_path: Path, text: str, expected: tuple[str, int, tuple[str | int, ...]]) -> None:
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    value, line, field = expected
    assert sockets.socket_from_cluster(str(path)) == sockets.SocketSetting(value, str(path), line, field)


# --- kconf/kubeadm/schema.py ---------------------------------------------------------------

G = "kubeadm.k8s.io"
C3 = {"apiVersion": f"{G}/v1beta3", "kind": "ClusterConfiguration"}
C4 = {"apiVersion": f"{G}/v1beta4", "kind": "ClusterConfiguration"}
V4_ARGS = ("in kubeadm.k8s.io/v1beta4 extraArgs is a list of {name, value} entries, not the v1beta3 map of flag: value; "
           "write '- name: %s' with 'value: \"%s\"' ('kubeadm config migrate' converts v1beta3 files)")
V3_ARGS = ("in kubeadm.k8s.io/v1beta3 extraArgs is a map of flag: value, not the v1beta4 list of {name, value} entries; "
           "write '%s: \"%s\"', or use apiVersion kubeadm.k8s.io/v1beta4")
SUPPORTED_TEXT = ("kubeadm.k8s.io/v1beta3 (InitConfiguration, ClusterConfiguration, JoinConfiguration); kubeadm.k8s.io/v1beta4 "
                  "(InitConfiguration, ClusterConfiguration, JoinConfiguration, ResetConfiguration, UpgradeConfiguration)")
TIMEOUT = ("timeoutForControlPlane was removed in kubeadm.k8s.io/v1beta4; set timeouts.controlPlaneComponentHealthCheck in the "
           "InitConfiguration (and JoinConfiguration) instead")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(None, [((), "a kubeadm configuration document must be a mapping, found nothing")], id="nothing"),  # _2-_9
        pytest.param([1], [((), "a kubeadm configuration document must be a mapping, found list")], id="list"),
        pytest.param({"kind": "X"}, [((), "'apiVersion' is required")], id="no-api-version"),  # _27
        pytest.param({"apiVersion": 1}, [(("apiVersion",), "1 is not of type string")], id="api-version-not-a-string"),  # _32
        pytest.param({"apiVersion": f"{G}/v9"}, [(("apiVersion",), f"unknown kubeadm API version 'kubeadm.k8s.io/v9'; supported: {SUPPORTED_TEXT}")],
                     id="unknown-version"),  # _supported_text _2, _4
        # the version is all after the first "/" (_42: after the last, v1beta4)
        pytest.param({"apiVersion": f"{G}/foo/v1beta4", "kind": "ClusterConfiguration"},
                     [(("apiVersion",), f"unknown kubeadm API version 'kubeadm.k8s.io/foo/v1beta4'; supported: {SUPPORTED_TEXT}")],
                     id="two-slashes"),
        pytest.param({"apiVersion": f"{G}/"}, [(("apiVersion",), "apiVersion must name a version, e.g. kubeadm.k8s.io/v1beta4")],
                     id="no-version"),  # _51
        pytest.param({"apiVersion": f"{G}/v1beta4"}, [((), "'kind' is required")], id="no-kind"),  # _65
        pytest.param({"apiVersion": f"{G}/v1beta4", "kind": 3}, [(("kind",), "3 is not of type string")], id="kind-not-a-string"),  # _68-_73
        pytest.param({"apiVersion": f"{G}/v1beta4", "kind": "Foo"}, [(("kind",), (
            "unknown kind 'Foo' for kubeadm.k8s.io/v1beta4; it has InitConfiguration, ClusterConfiguration, JoinConfiguration, "
            "ResetConfiguration, UpgradeConfiguration"))], id="kind-of-no-version"),  # _86
        # _first: no entry to quote (_4-_7)
        pytest.param({**C4, "apiServer": {"extraArgs": {}}}, [(("apiServer", "extraArgs"), V4_ARGS % ("<flag>", "<value>"))], id="v4-empty-map"),
        pytest.param({**C3, "apiServer": {"extraArgs": []}}, [(("apiServer", "extraArgs"), V3_ARGS % ("<flag>", "<value>"))], id="v3-empty-list"),
        # the field named is the last part of the path (_hints _21, _32, _33), the value quoted as it is (_map_args _9)
        pytest.param({**C4, "etcd": {"local": {"extraArgs": {"a": 1}}}}, [(("etcd", "local", "extraArgs"), V4_ARGS % ("a", "1"))], id="v4-etcd-map"),
        pytest.param({**C3, "etcd": {"local": {"extraArgs": [{"name": "x", "value": "y"}]}}},
                     [(("etcd", "local", "extraArgs"), V3_ARGS % ("x", "y"))], id="v3-etcd-list"),  # _hints _27, _31
        # a string entry is passed over (_list_args _1), an entry without value quotes "" (_10, _12, _15)
        pytest.param({**C3, "apiServer": {"extraArgs": ["--name=v", {"name": "f"}]}}, [(("apiServer", "extraArgs"), V3_ARGS % ("f", ""))],
                     id="v3-list-without-value"),
        # a field that is there, though null or empty, is hinted (_hints _45, _57)
        pytest.param({**C4, "apiServer": {"timeoutForControlPlane": None}}, [(("apiServer", "timeoutForControlPlane"), TIMEOUT)], id="v4-null-moved"),
        pytest.param({**C3, "proxy": {}}, [(("proxy",), (
            "'proxy' exists only in kubeadm.k8s.io/v1beta4 (Kubernetes 1.31 and newer); use apiVersion kubeadm.k8s.io/v1beta4 to set it"))],
            id="v3-empty-v4-field"),
        # sorted by path first, though the messages sort the other way (_129)
        pytest.param({**C4, "apiServer": {"timeoutForControlPlane": "4m"}, "controllerManager": {"extraArgs": {"a": "b"}}}, [
            (("apiServer", "timeoutForControlPlane"), TIMEOUT),
            (("controllerManager", "extraArgs"), V4_ARGS % ("a", "b")),
        ], id="hints-by-path"),
        # [10] before [9]: paths compared as text (_123, _125), the shorter path not first (_129)
        pytest.param({**C4, "apiServer": {"extraArgs": {"a": "b"}, "certSANs": ["a"] * 9 + [1, 2]}}, [
            (("apiServer", "certSANs", 10), "2 was read as a number; quote it if it is meant as text"),
            (("apiServer", "certSANs", 9), "1 was read as a number; quote it if it is meant as text"),
            (("apiServer", "extraArgs"), V4_ARGS % ("a", "b")),
        ], id="issues-and-hint-by-shown-path"),
    ],
)
def test_check_document(data: Any, expected: list[tuple[tuple[str | int, ...], str]]) -> None:
    assert [(i.path, i.message) for i in kubeadm_schema.check_document(data)] == expected


def test_hints_of_a_kind_without_tables() -> None:
    # _hints _50, _52: a v1beta3 kind the table of v1beta4-only fields does not name has none
    assert list(kubeadm_schema._hints("v1beta3", "ResetConfiguration", {"proxy": {}})) == []


@dataclass(frozen=True)
class View:
    """A loaded document as split_issues reads it (data and document.position)."""

    document: Document

    @property
    def data(self) -> Any:
        return self.document.data


def split(text: str) -> list[tuple[int, str]]:
    return kubeadm_schema.split_issues(text, [View(d) for d in load_documents(text, "k.yaml") if d.data is not None])


INIT = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
KIND_LESS = "apiVersion: kubeadm.k8s.io/v1beta4\n"


def no_document(what: str) -> str:
    return (f"kubeadm splits the file at each '---' line, and {what} no document with a grouped apiVersion and a kind: kubeadm refuses "
            "the file ('kind and apiVersion is mandatory information'); remove the '---' line or name apiVersion and kind")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("---x\n", [(1, "kubeadm allows only a comment after '---', found 'x'")], id="text-after-marker"),  # _12
        pytest.param(INIT + "--- # c\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n", [], id="comment-after-marker"),  # _16
        pytest.param("---" + "abcdefghij" * 5 + "\n", [(1, "kubeadm allows only a comment after '---', found "
                                                        "'abcdefghijabcdefghijabcdefghijabcdefghij'")], id="first-40-characters"),  # _17
        # the chunk ends the line before its '---' (_20, _21)
        pytest.param("# a\n# b\n---\n" + INIT, [(1, no_document("lines 1-2 hold"))], id="comment-lines"),
        # a chunk of one line (_69, _70), of no document (_36, _40, _51, is_kubeadm_document _2)
        pytest.param("# a\n---\n" + INIT, [(1, no_document("line 1 holds"))], id="comment-line"),
        pytest.param(INIT + "---\nfoo: 1\n", [(4, no_document("line 4 holds"))], id="no-api-version"),
        # a document on the chunk's last line is its document (_33)
        pytest.param(INIT + "---\n{apiVersion: kubeadm.k8s.io/v1beta4, kind: ClusterConfiguration}\n", [], id="flow-document"),
        # the version is after the last "/" (_53: "v1/" after the first)
        pytest.param(INIT + "---\napiVersion: example.com/v1/\nkind: X\n", [(4, no_document("lines 4-5 hold"))], id="empty-version"),
        # a kubeadm document without kind is check_document's (_59, _61), and the chunks after it are still read (_62)
        pytest.param(KIND_LESS + "---\n" + INIT, [], id="kubeadm-without-kind"),
        pytest.param(KIND_LESS + "kind: ''\n---\n" + INIT, [], id="kubeadm-empty-kind"),
        pytest.param(KIND_LESS + "---\n# c\n---\n" + INIT, [(3, no_document("line 3 holds"))], id="after-kubeadm-without-kind"),
        pytest.param(INIT + "---\n" + INIT, [(5, "a second InitConfiguration: kubeadm reads one document of each kind")], id="second-kind"),
    ],
)
def test_split_issues(text: str, expected: list[tuple[int, str]]) -> None:
    assert split(text) == expected
