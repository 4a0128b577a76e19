"""kconf graph: the SVG shows what the description holds, marks overlaps and
findings, is the same bytes every time, and stands on its own."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import GOLDEN, REPO, golden_cases, run_cli

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())


def texts(element: ET.Element) -> list[str]:
    """The content of every <text> below element, in document order."""
    return ["".join(t.itertext()) for t in element.iter(f"{SVG}text")]


def by_id(root: ET.Element, element_id: str) -> ET.Element:
    found = [e for e in root.iter() if e.get("id") == element_id]
    assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
    return found[0]


def of_class(root: ET.Element, css: str) -> list[ET.Element]:
    return [e for e in root.iter() if css in (e.get("class") or "").split()]


def graph(cluster: Path) -> tuple[str, str]:
    result = run_cli("graph", str(cluster))
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


# --- every golden case: nodes, addresses, networks, endpoint, load balancer ----------


@dataclass(frozen=True)
class Expected:
    nodes: dict[str, tuple[str, ...]]  # name -> role line, then every address
    networks: tuple[str, ...]  # the address plan's rows, in order
    endpoint: tuple[str, ...]  # the endpoint box's lines
    balancer: tuple[str, ...]  # the load balancer's texts (box or frame), () for none
    points: tuple[str, ...]  # markers on the address axes


CP_INIT, CP_JOIN, WORKER = "control-plane · kubeadm init", "control-plane · kubeadm join --control-plane", "worker · kubelet"

# Written down from each golden cluster.yaml.
GOLDEN_PICTURES = {
    "aws": Expected(
        nodes={
            "ip-10-0-1-10.eu-west-1.compute.internal": (CP_INIT, "10.0.1.10/24"),
            "ip-10-0-2-20.eu-west-1.compute.internal": (WORKER, "10.0.2.20/24"),
            "ip-10-0-3-30.eu-west-1.compute.internal": (WORKER, "10.0.3.30/24"),
        },
        networks=(
            "node network 10.0.1.0/24", "node network 10.0.2.0/24", "node network 10.0.3.0/24",
            "pod CIDR 192.168.0.0/16", "service CIDR 10.96.0.0/12",
        ),
        endpoint=("controlPlaneEndpoint", "k8s-api.internal:6443", "-> 10.0.1.10"),
        balancer=(),
        points=("endpoint k8s-api.internal 10.0.1.10",),
    ),
    "dual-stack": Expected(
        nodes={
            "dual-cp-1": (CP_INIT, "192.168.60.81/24", "fd00:60::81/64"),
            "dual-cp-2": (CP_JOIN, "192.168.60.82/24", "fd00:60::82/64"),
            "dual-cp-3": (CP_JOIN, "192.168.60.83/24", "fd00:60::83/64"),
            "dual-worker-1": (WORKER, "192.168.60.91/24", "fd00:60::91/64"),
            "dual-worker-2": (WORKER, "192.168.60.92/24", "fd00:60::92/64"),
        },
        networks=(
            "node network 192.168.60.0/24", "pod CIDR 10.244.0.0/16", "service CIDR 10.96.0.0/12",
            "node network fd00:60::/64", "pod CIDR fd00:10:244::/56", "service CIDR fd00:10:96::/112",
        ),
        endpoint=("controlPlaneEndpoint", "k8s-api:6443", "-> 192.168.60.80", "-> fd00:60::80"),
        balancer=("HAProxy", "dual-lb", "192.168.60.80:6443", "[fd00:60::80]:6443", "mode tcp · check /readyz"),
        points=("HAProxy dual-lb 192.168.60.80", "HAProxy dual-lb fd00:60::80"),
    ),
    "ha-haproxy": Expected(
        nodes={
            "cka-cp-1": (CP_INIT, "192.168.51.81/24"), "cka-cp-2": (CP_JOIN, "192.168.51.82/24"),
            "cka-cp-3": (CP_JOIN, "192.168.51.83/24"), "cka-worker-1": (WORKER, "192.168.51.84/24"),
            "cka-worker-2": (WORKER, "192.168.51.85/24"), "cka-worker-3": (WORKER, "192.168.51.86/24"),
        },
        networks=("node network 192.168.51.0/24", "pod CIDR 172.16.0.0/16", "service CIDR 10.96.0.0/12"),
        endpoint=("controlPlaneEndpoint", "k8s-vip:6443", "-> 192.168.51.80"),
        balancer=("HAProxy", "cka-hap-1", "192.168.51.80:6443", "mode tcp · check /readyz"),
        points=("HAProxy cka-hap-1 192.168.51.80",),
    ),
    "ha-keepalived": Expected(
        nodes={
            "cka-cp-1": (CP_INIT, "192.168.51.81/24"), "cka-cp-2": (CP_JOIN, "192.168.51.82/24"),
            "cka-cp-3": (CP_JOIN, "192.168.51.83/24"), "cka-worker-1": (WORKER, "192.168.51.84/24"),
            "cka-worker-2": (WORKER, "192.168.51.85/24"), "cka-worker-3": (WORKER, "192.168.51.86/24"),
        },
        networks=("node network 192.168.51.0/24", "pod CIDR 172.16.0.0/16", "service CIDR 10.96.0.0/12"),
        endpoint=("controlPlaneEndpoint", "k8s-vip:6443", "-> 192.168.51.80"),
        balancer=(
            "VIP 192.168.51.80 · keepalived VRRP 51",
            "cka-hap-1", "MASTER · enp0s8", "192.168.51.78/24", "HAProxy :6443 · check /readyz",
            "cka-hap-2", "BACKUP · enp0s8", "192.168.51.79/24", "HAProxy :6443 · check /readyz",
        ),
        points=("VIP 192.168.51.80",),
    ),
    "ha-kube-vip": Expected(
        nodes={
            "vip-cp-1": (CP_INIT, "192.168.51.81/24"), "vip-cp-2": (CP_JOIN, "192.168.51.82/24"),
            "vip-cp-3": (CP_JOIN, "192.168.51.83/24"), "vip-worker-1": (WORKER, "192.168.51.84/24"),
            "vip-worker-2": (WORKER, "192.168.51.85/24"),
        },
        networks=("node network 192.168.51.0/24", "pod CIDR 172.16.0.0/16", "service CIDR 10.96.0.0/12"),
        endpoint=("controlPlaneEndpoint", "k8s-vip:6443", "-> 192.168.51.80"),
        balancer=("kube-vip (static Pods)", "VIP 192.168.51.80:6443", "on enp0s8 of the leader", "ARP · leader election"),
        points=("VIP 192.168.51.80",),
    ),
    "virtualbox-lab": Expected(
        nodes={
            "vbox-cp-1": (CP_INIT, "192.168.56.11/24"),
            "vbox-worker-1": (WORKER, "192.168.56.21/24"),
            "vbox-worker-2": (WORKER, "192.168.56.22/24"),
        },
        networks=("node network 192.168.56.0/24", "pod CIDR 10.244.0.0/16", "service CIDR 10.96.0.0/12"),
        endpoint=("controlPlaneEndpoint", "k8s-api:6443", "-> 192.168.56.11"),
        balancer=(),
        points=("endpoint k8s-api 192.168.56.11",),
    ),
}


def test_golden_pictures_table_covers_every_case() -> None:
    assert sorted(GOLDEN_PICTURES) == [p.name for p in golden_cases()]


def _balancer_texts(root: ET.Element) -> tuple[str, ...]:
    """The texts of the load balancer: the box ``lb``, or the keepalived frame
    (its title) and its LB host boxes."""
    path = by_id(root, "traffic-path")
    hosts = [e for e in path.iter() if (e.get("id") or "").startswith("lb-host-")]
    if hosts:
        frame_title = [t for t in texts(path) if t.startswith("VIP ")]
        return tuple(frame_title + [t for h in hosts for t in texts(h)])
    boxes = [e for e in path.iter() if e.get("id") == "lb"]
    return tuple(texts(boxes[0])) if boxes else ()


@pytest.mark.parametrize("case", golden_cases(), ids=lambda p: p.name)
def test_golden_picture_shows_nodes_networks_endpoint_and_load_balancer(case: Path) -> None:
    expected = GOLDEN_PICTURES[case.name]
    svg, stderr = graph(case / "cluster.yaml")
    root = parse(svg)
    for name, lines in expected.nodes.items():
        # the node's own box: its name, role and every address together
        assert texts(by_id(root, f"node-{name}"))[: 1 + len(lines)] == [name, *lines]
    networks = [e for e in of_class(root, "network")]
    assert tuple("".join(n.find(f"{SVG}title").itertext()) for n in networks) == expected.networks  # type: ignore[union-attr]
    for group, label in zip(networks, expected.networks):
        cidr = label.rsplit(" ", 1)[1]
        assert texts(group)[0].startswith(cidr + "  "), texts(group)  # the bar's caption
    assert tuple(texts(by_id(root, "endpoint"))) == expected.endpoint
    assert _balancer_texts(root) == expected.balancer
    assert tuple(t for t in texts(root) if t in expected.points) == expected.points
    # golden descriptions lint clean: nothing overlaps, nothing is marked
    assert of_class(root, "overlap") == [] and of_class(root, "badge") == []
    assert texts(by_id(root, "findings"))[1] == "None: kconf render writes this cluster's files."
    assert stderr == ""


# --- an overlap: the pod CIDR covering the node network ----------------------------------


@pytest.fixture
def overlapping(tmp_path: Path) -> Path:
    text = (GOLDEN / "ha-keepalived" / "cluster.yaml").read_text()
    assert "podSubnet: 172.16.0.0/16" in text
    path = tmp_path / "cluster.yaml"
    path.write_text(text.replace("podSubnet: 172.16.0.0/16", "podSubnet: 192.168.0.0/16"))
    return path


def _span(element: ET.Element) -> tuple[float, float]:
    x, width = float(element.get("x", "nan")), float(element.get("width", "nan"))
    return x, x + width


def test_overlap_is_drawn_marked_and_listed_with_its_finding(overlapping: Path) -> None:
    svg, stderr = graph(overlapping)
    root = parse(svg)
    overlap_text = "\u26a0 overlap: pod CIDR 192.168.0.0/16 contains node network 192.168.51.0/24"
    marks = of_class(root, "overlap")
    assert [t for m in marks for t in texts(m)] == [overlap_text]
    area = next(e for m in marks for e in m.iter(f"{SVG}rect"))
    node_bar = next(by_id(root, "net-node-192.168.51.0_24").iter(f"{SVG}rect"))
    pod_bar = next(by_id(root, "net-pod-192.168.0.0_16").iter(f"{SVG}rect"))
    # on the axis the node network's bar lies inside the pod CIDR's, and the mark covers it
    assert _span(pod_bar)[0] < _span(node_bar)[0] < _span(node_bar)[1] < _span(pod_bar)[1]
    assert _span(area)[0] <= _span(node_bar)[0] and _span(node_bar)[1] <= _span(area)[1]
    # the finding: a badge on the pod CIDR's row, its bar in the error colour, the legend entry
    assert pod_bar.get("class") == "bar pod error" and node_bar.get("class") == "bar node"
    plan_badges = of_class(by_id(root, "address-plan-ipv4"), "badge")
    assert [(b.get("class"), texts(b)) for b in plan_badges] == [("badge error", ["1"])]
    entry = by_id(root, "finding-1")
    assert entry.get("class") == "finding error"
    assert texts(entry)[:3] == [
        "1",
        "error [cidr-overlaps-node-network] cluster.yaml:14 (marked on pod CIDR 192.168.0.0/16)",
        "spec.networking.podSubnet 192.168.0.0/16 contains node cka-cp-1 192.168.51.81, node cka-cp-2 192.168.51.82, node "
        "cka-cp-3 192.168.51.83 and 4 more: that traffic would be routed",
    ]
    assert "1 error: kconf render refuses this description until it is fixed." in texts(root)
    assert stderr.startswith(f"{overlapping}:14:16: error: spec.networking.podSubnet 192.168.0.0/16 contains node cka-cp-1")


# Findings are marked on what they are about: (edit of a golden description,
# the legend's head line of the first finding, the element with its badge).
MARKED = [
    pytest.param(
        "virtualbox-lab", ("address: 192.168.56.21/24", "address: 10.0.2.15/24"),
        "error [nat-address] cluster.yaml:32 (marked on node vbox-worker-1)", "node-vbox-worker-1", id="node",
    ),
    pytest.param(
        "virtualbox-lab", ("  controlPlaneEndpoint: k8s-api:6443\n", ""),
        "warning [control-plane-endpoint-missing] cluster.yaml:9 (marked on the endpoint)", "endpoint", id="missing-endpoint",
    ),
    pytest.param(
        "ha-haproxy", ("registry.k8s.io", "k8s.gcr.io"),
        "warning [image-repository-deprecated] cluster.yaml:11 (marked on the cluster (title))", None, id="title",
    ),
    pytest.param(
        "ha-haproxy", ("serviceSubnet: 10.96.0.0/12", "serviceSubnet: 172.16.0.0/20"),
        "error [pod-service-overlap] cluster.yaml:14 (marked on pod CIDR 172.16.0.0/16)", "net-pod-172.16.0.0_16", id="network",
    ),
]


@pytest.mark.parametrize(("case", "edit", "head", "element_id"), MARKED)
def test_a_finding_is_marked_on_the_element_it_is_about(
    case: str, edit: tuple[str, str], head: str, element_id: str | None, tmp_path: Path
) -> None:
    text = (GOLDEN / case / "cluster.yaml").read_text()
    assert edit[0] in text
    path = tmp_path / "cluster.yaml"
    path.write_text(text.replace(edit[0], edit[1], 1))
    root = parse(graph(path)[0])
    entries = {texts(e)[1]: texts(e)[0] for e in of_class(by_id(root, "findings"), "finding")}
    number = entries[head]  # the legend lists it, with its number
    severity = head.split()[0]
    badges = [b for b in of_class(root, "badge") if b not in of_class(by_id(root, "findings"), "badge") and number in texts(b)[0].split(",")]
    assert [b.get("class") for b in badges] == [f"badge {severity}"]  # marked once
    if element_id is not None:  # the badge is the element's, and the element is in the finding's colour
        element = by_id(root, element_id)
        assert of_class(element, "badge") == badges
        assert severity in next(element.iter(f"{SVG}rect")).get("class", "").split()
    else:  # nothing drawn is about it: the title carries the badge
        heading = next(t for t in root.iter(f"{SVG}text") if t.get("class") == "heading")
        assert float(badges[0][1].get("y", "0")) < float(heading.get("y", "0"))


# --- the same bytes, standing on its own ------------------------------------------------------


def _graph_process(cluster: Path, seed: str, cwd: Path, home: Path) -> bytes:
    # (a home of its own: kconf keeps compiled templates in ~/.cache, never in the repository)
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "PYTHONHASHSEED": seed, "LC_ALL": "C"}
    result = subprocess.run(
        [sys.executable, "-m", "kconf", "graph", str(cluster)], cwd=cwd, env=env, capture_output=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("case", ["dual-stack", "ha-keepalived"])
def test_same_description_same_bytes_across_processes(case: str, tmp_path: Path, overlapping: Path) -> None:
    # the first run compiles the templates, the second reads them from the cache
    first = _graph_process(GOLDEN / case / "cluster.yaml", "0", REPO, tmp_path)
    second = _graph_process(GOLDEN / case / "cluster.yaml", "4242", tmp_path, tmp_path)
    assert first == second
    assert _graph_process(overlapping, "1", REPO, tmp_path) == _graph_process(overlapping, "31337", tmp_path, tmp_path)
    parse(first.decode())


def test_svg_is_self_contained() -> None:
    svg, _ = graph(GOLDEN / "ha-keepalived" / "cluster.yaml")
    root = parse(svg)
    tags = {e.tag.removeprefix(SVG) for e in root.iter()}
    assert tags <= {"svg", "title", "defs", "style", "marker", "pattern", "path", "rect", "line", "circle", "g", "text"}
    assert not {a for e in root.iter() for a in e.attrib if "href" in a}
    # a url() points into the document, never out of it; no @import or @font-face
    style = "".join(root.iter(f"{SVG}style").__next__().itertext())
    assert style.count("url(") == style.count("url(#") > 0
    assert "@" not in style and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


# --- the command's edges --------------------------------------------------------------------------


def test_output_file_is_the_stdout_bytes_and_nothing_else_is_left(tmp_path: Path) -> None:
    cluster = GOLDEN / "ha-haproxy" / "cluster.yaml"
    out = tmp_path / "cka.svg"
    result = run_cli("graph", str(cluster), "-o", str(out))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"wrote {out}\n")
    assert out.read_text() == graph(cluster)[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cka.svg"]
    assert oct(out.stat().st_mode & 0o777) == "0o644"


def test_refuses_to_write_over_the_description(tmp_path: Path) -> None:
    cluster = tmp_path / "cluster.yaml"
    text = (GOLDEN / "ha-haproxy" / "cluster.yaml").read_text()
    cluster.write_text(text)
    result = run_cli("graph", str(cluster), "-o", str(cluster))
    assert result.exit_code == 2
    assert result.stderr == f"kconf: error: {cluster}: is the cluster description; write the picture to another file (-o FILE.svg)\n"
    assert cluster.read_text() == text


def test_a_description_that_cannot_be_modelled_is_an_error(tmp_path: Path) -> None:
    cluster = tmp_path / "cluster.yaml"
    cluster.write_text((GOLDEN / "ha-haproxy" / "cluster.yaml").read_text().replace("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.1/16"))
    result = run_cli("graph", str(cluster))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[0] == f"kconf: error: {cluster}: the description cannot be drawn (1 error):"
    assert "[cidr-host-bits]" in result.stderr


def test_closed_stdout_is_an_error(tmp_path: Path) -> None:
    cluster = GOLDEN / "ha-haproxy" / "cluster.yaml"
    result = subprocess.run(
        f'"{sys.executable}" -m kconf graph "{cluster}" >&-', shell=True, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "standard output is closed" in result.stderr


# --- the scale ------------------------------------------------------------------------------------


def test_scale_widths_grow_with_the_log_of_the_size_and_skip_untouched_space() -> None:
    from ipaddress import ip_network

    from kconf.graph.scale import AddressScale

    scale = AddressScale([ip_network("10.96.0.0/12"), ip_network("192.168.51.0/24")], [], 0, 100)
    # 2**20 addresses: 21 units; the gap between: 3; 2**8: 9 units (of 33)
    assert [(s.kind, round(s.x1 - s.x0, 1)) for s in scale.stretches] == [("item", 63.6), ("gap", 9.1), ("item", 27.3)]
    assert scale.point(ip_network("192.168.51.128/32").network_address) == pytest.approx(72.7 + 27.3 * 128.5 / 256, abs=0.1)


@pytest.mark.parametrize(
    ("outer", "inner"),
    [
        pytest.param("192.168.0.0/16", "192.168.51.0/24", id="nodes-in-pods"),
        pytest.param("10.0.0.0/8", "10.96.0.0/12", id="services-in-a-band"),
        pytest.param("fd00:10::/32", "fd00:10:96::/112", id="ipv6"),
    ],
)
def test_a_network_inside_another_is_drawn_inside_it(outer: str, inner: str) -> None:
    from ipaddress import ip_network

    from kconf.graph.scale import AddressScale

    scale = AddressScale([ip_network(outer), ip_network(inner)], [], 0, 1000)
    (a0, a1), (b0, b1) = scale.span(ip_network(outer)), scale.span(ip_network(inner))
    assert (a0, a1) == (0, 1000) and a0 < b0 < b1 < a1


def test_disjoint_networks_stand_apart_in_address_order() -> None:
    from ipaddress import ip_network

    from kconf.graph.scale import AddressScale

    networks = [ip_network("192.168.51.0/24"), ip_network("10.96.0.0/12"), ip_network("172.16.0.0/16")]
    scale = AddressScale(networks, [], 0, 1000)
    spans = sorted(scale.span(n) for n in networks)
    assert [scale.span(n) for n in sorted(networks)] == spans
    assert all(left[1] < right[0] for left, right in zip(spans, spans[1:]))  # a break between each


IPV6_ONLY = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata: {name: six}
spec:
  kubernetesVersion: v1.33.5
  controlPlaneEndpoint: "[fd00:60::81]:6443"
  criSocket: unix:///run/containerd/containerd.sock
  networking: {podSubnet: "fd00:10:244::/56", serviceSubnet: "fd00:10:96::/112"}
  nodes:
    - {name: six-cp-1, role: control-plane, address: "fd00:60::81/64"}
    - {name: six-w-1, role: worker, address: "fd00:60::91/64"}
"""


def test_ipv6_only_cluster_has_one_ipv6_axis_and_a_bracketed_endpoint(tmp_path: Path) -> None:
    cluster = tmp_path / "cluster.yaml"
    cluster.write_text(IPV6_ONLY)
    root = parse(graph(cluster)[0])
    assert [e.get("id") for e in root.iter() if (e.get("id") or "").startswith("address-plan-")] == ["address-plan-ipv6"]
    assert texts(by_id(root, "endpoint")) == ["controlPlaneEndpoint", "[fd00:60::81]:6443", "-> fd00:60::81"]
    assert "endpoint fd00:60::81" in texts(root)  # the address once: the endpoint is written as one
    assert [t for t in texts(root) if t.startswith("fc00::")] == ["fc00::"]  # the ULA range's first tick
    assert texts(by_id(root, "node-six-w-1"))[:3] == ["six-w-1", "worker · kubelet", "fd00:60::91/64"]
