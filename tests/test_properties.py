"""Property-based tests: every command, driven with generated and mutated input,
ends with exit 0, 1 or 2 and a message, never a traceback.

Inputs are (a) structured: real cluster descriptions, ConfigMaps, Calico
manifests, kubeadm configs and HAProxy configs, generated or taken from
examples/ and golden/, then mutated (fields dropped, retyped, swapped, nulled,
lists for maps, huge numbers, hostile text, YAML syntax injected), and (b) raw
bytes. The CLI runs in-process with ``catch_exceptions=False``; kconf turns an
unexpected exception into ``kconf: internal error``, which counts as a failure
here too. Deterministic (``derandomize``, no example database), so CI sees the
same inputs every run. ``pytest -s`` prints how many inputs each command got.
"""

from __future__ import annotations

import copy
import difflib
import ipaddress
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import CALICO_CORPUS, EXAMPLES, GOLDEN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import ClusterCase, ConfigMapCase, PatchCase, Pool, cluster_cases, configmap_cases, operator_autodetection, patch_cases

COUNTS: Counter[str] = Counter()
OUTCOMES: Counter[str] = Counter()  # "command exit N", to see that inputs reach past the first check
RAN: set[str] = set()
# For a longer local hunt: KCONF_PROPERTY_SCALE=10 (ten times the examples),
# KCONF_PROPERTY_RANDOM=1 (new inputs each run) and KCONF_PROPERTY_PARSER=ruamel
# (see yaml_parser); CI runs the defaults.
SCALE = float(os.environ.get("KCONF_PROPERTY_SCALE", "1"))
RANDOM = os.environ.get("KCONF_PROPERTY_RANDOM") == "1"


@pytest.fixture(scope="module", autouse=True)
def yaml_parser() -> Any:
    """KCONF_PROPERTY_PARSER=ruamel runs everything on ruamel's pure-Python
    parser, the fallback where PyYAML lacks libyaml."""
    if os.environ.get("KCONF_PROPERTY_PARSER") != "ruamel":
        yield
        return
    import kconf.yamlio

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kconf.yamlio, "_libyaml", lambda: False)
        yield


def profile(max_examples: int) -> Callable[[Any], Any]:
    return settings(
        max_examples=max(1, round(max_examples * SCALE)),
        database=None,
        derandomize=not RANDOM,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


def invoke(command: str, args: list[str], stdin: bytes | str | None = None) -> Result:
    """Run kconf in-process and check what every run must satisfy."""
    from kconf.cli import main

    COUNTS[command] += 1
    result = CliRunner().invoke(main, args, input=stdin, catch_exceptions=False)
    OUTCOMES[f"{command} exit {result.exit_code}"] += 1
    output = result.output
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, output)
    assert "internal error" not in output, (args, output)
    assert "Traceback" not in output, (args, output)
    if result.exit_code == 2:
        assert result.stderr.startswith("kconf: "), (args, output)
        assert len(result.stderr.strip()) > len("kconf: error:"), (args, output)
    elif result.exit_code == 1:
        assert (result.stdout if command == "lint" else result.stderr).strip(), (args, output)
    return result


# --- mutation of structured data and of text -------------------------------------------------

HOSTILE_TEXT = [
    "", " ", "\n", "a\nb", "\t", "\x00", "\x7f", "\u2028", "\ufeff", "\r\n", "é", "名前", "🙂",
    "$(touch PWNED)", "`id`", "'; rm -rf / #", '"', "\\", "${KCONF_TOKEN}", "KCONF_JOIN_CONFIG",
    "\n    server evil 1.2.3.4:6443", "- x", "{a: b}", "[1, 2", "&a", "*a", "!!python/object:os.system",
    "null", "~", "yes", "0o777", "0x1f", "1e999", ".nan", "-.inf", "12:30", "1_000",
    "10.0.0.0/8", "172.16.0.1/16", "::1/128", "192.168.51.81", "300.1.1.1/24", "fe80::1%eth0/64",
    "k8s-vip:99999", "unix:///run/x.sock", "npipe:////./pipe/x", "v1.31.2", "v0.1.0", "v99.99.99",
    "kubeadm.k8s.io/v1beta2", "kubeadm.k8s.io/v1beta4", "a" * 300,
]

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 65536, 10**40, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(HOSTILE_TEXT),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def all_paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            paths += all_paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            paths += all_paths(value, prefix + (index,))
    return paths


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def mutate(data: Any, draw: Any) -> Any:
    """One structural mutation at a random place."""
    data = copy.deepcopy(data)
    path = draw(st.sampled_from(all_paths(data)))
    op = draw(st.sampled_from(["drop", "retype", "null", "swap", "list-for-map", "map-for-list", "duplicate", "huge", "hostile", "add-field"]))
    if not path:
        return draw(VALUES) if op in ("retype", "hostile") else data
    parent, last = _get(data, path[:-1]), path[-1]
    value = parent[last]
    if op == "drop":
        del parent[last]
    elif op == "retype":
        parent[last] = draw(VALUES)
    elif op == "null":
        parent[last] = None
    elif op == "swap":
        # with a value that is neither inside this one nor around it
        others = [o for o in all_paths(data)[1:] if o[: len(path)] != path and path[: len(o)] != o]
        if others:
            other = draw(st.sampled_from(others))
            other_parent = _get(data, other[:-1])
            parent[last], other_parent[other[-1]] = other_parent[other[-1]], value
    elif op == "list-for-map":
        parent[last] = [value] if isinstance(value, dict) else [draw(SCALARS)]
    elif op == "map-for-list":
        parent[last] = {"0": value} if isinstance(value, list) else {"x": value}
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(last, copy.deepcopy(value))
    elif op == "huge":
        parent[last] = draw(st.sampled_from([10**40, -(2**64), 1e308, float("inf"), "9" * 400]))
    elif op == "hostile":
        text = draw(st.sampled_from(HOSTILE_TEXT))
        parent[last] = (str(value) + text) if isinstance(value, str) and draw(st.booleans()) else text
    elif op == "add-field" and isinstance(value, dict):
        value[draw(st.sampled_from(["extra", "<<", "name", "kind", "apiVersion", "", "spec"]))] = draw(SCALARS)
    return data


YAML_SNIPPETS = [
    "&a ", "*a ", "*b", "!!binary ", "!!python/object:os.system ", "!custom ", "{", "}", "[", "]", ": ", ":",
    "- ", "? ", "|", ">-", "'", '"', "#", "\t", "\n", "\n---\n", "%YAML 1.1\n", "<<: *a\n", "\x00", "\ufeff",
    "\r", "\u2028", "\\", "...\n", "@", "`", ",", "  ", "\n  x: 1\n", "\nkind: Other\n", "\napiVersion: v1\n",
    "# kconf: disable=", " # kconf: disable=yaml-syntax,nonexistent", "\n# kconf: disable-file=,all\n",
]


def mutate_text(text: str, draw: Any) -> str:
    """One textual mutation: inject YAML syntax, cut, repeat or swap lines, re-indent."""
    op = draw(st.sampled_from(["insert", "insert", "delete", "dup-line", "swap-lines", "indent", "truncate", "replace-value"]))
    lines = text.split("\n")
    if op == "insert":
        at = draw(st.integers(0, len(text)))
        snippet = draw(st.sampled_from(YAML_SNIPPETS) | st.text(max_size=6))
        return text[:at] + snippet + text[at:]
    if op == "delete":
        start = draw(st.integers(0, len(text)))
        return text[:start] + text[start + draw(st.integers(1, 40)):]
    if op == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    index = draw(st.integers(0, max(0, len(lines) - 1)))
    if op == "dup-line":
        lines.insert(index, lines[index])
    elif op == "swap-lines":
        other = draw(st.integers(0, max(0, len(lines) - 1)))
        lines[index], lines[other] = lines[other], lines[index]
    elif op == "indent":
        lines[index] = draw(st.sampled_from(["", " ", "  ", "\t", "    "])) + lines[index].lstrip(" ")
    elif op == "replace-value" and ":" in lines[index]:
        key = lines[index].split(":", 1)[0]
        lines[index] = key + ": " + json.dumps(draw(SCALARS))
    return "\n".join(lines)


def as_yaml(documents: list[Any], draw: Any) -> str:
    """Documents as YAML text: JSON (which is YAML, and escapes anything) or kconf's dumper."""
    style = draw(st.sampled_from(["json", "json-indent", "yaml"]))
    if style == "yaml":
        from kconf.yamlio import dump_documents

        return dump_documents(documents)
    indent = 2 if style == "json-indent" else None
    return "---\n".join(json.dumps(d, indent=indent, ensure_ascii=draw(st.booleans())) + "\n" for d in documents)


# --- the inputs ---------------------------------------------------------------------------------


def _load(path: Path) -> list[Any]:
    from kconf.yamlio import load_documents

    return [d.data for d in load_documents(path.read_text(), str(path)) if d.data is not None]


@cache
def example_descriptions() -> tuple[Any, ...]:
    return tuple(_load(p)[0] for p in sorted(EXAMPLES.glob("*/cluster.yaml")))


@cache
def kubeadm_configs() -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(_load(p)) for p in sorted(GOLDEN.glob("*/*/kubeadm-*.yaml")))


@cache
def haproxy_config() -> str:
    return (GOLDEN / "ha-haproxy" / "cka" / "haproxy.cfg").read_text()


@cache
def calico_cut() -> str:
    """calico.yaml v3.28.5 cut down to its head, the calico-config ConfigMap,
    the calico-node RBAC binding, the DaemonSet and the Deployment after it."""
    text = (CALICO_CORPUS / "v3.28.5" / "calico.yaml").read_text()
    pieces = re.split(r"(?m)^---(?=[ \t\r]|$)", text)
    daemonset = next(i for i, p in enumerate(pieces) if re.search(r"(?m)^kind: DaemonSet", p))
    configmap = next(i for i, p in enumerate(pieces) if re.search(r"(?m)^kind: ConfigMap", p))
    keep = [0, configmap, daemonset - 1, daemonset, daemonset + 1]
    return "---".join(pieces[i] for i in keep)


NAMES = st.from_regex(r"\A[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?(\.[a-z0-9]{1,5})?\Z") | st.sampled_from(
    ["cp-1", "node", "ip-10-0-1-10.eu-west-1.compute.internal", "a", "x" * 63]
)


@st.composite
def generated_description(draw: Any) -> dict[str, Any]:
    """A description built from parts: 1-6 nodes on one or two networks, an
    optional load balancer, either Calico mode, assorted versions and CIDRs."""
    network = ipaddress.ip_network(draw(st.sampled_from(["192.168.51.0/24", "10.0.1.0/24", "172.16.5.0/25", "192.168.0.0/16", "fd00::/64"])))
    count = draw(st.integers(1, 6))
    hosts = draw(st.lists(st.integers(2, 120), min_size=count, max_size=count, unique=True))
    names = draw(st.lists(NAMES, min_size=count, max_size=count, unique=True))
    if draw(st.integers(0, 9)) == 0:
        names[-1] = names[0]
    nodes = []
    for index, host in enumerate(hosts):
        node: dict[str, Any] = {
            "name": names[index],
            "role": "control-plane" if index == 0 or draw(st.booleans()) else "worker",
            "address": f"{network.network_address + host}/{network.prefixlen if draw(st.integers(0, 9)) else network.prefixlen + 1}",
        }
        if draw(st.booleans()):
            node["interfaces"] = [
                {"name": "enp0s3", "address": "10.0.2.15/24", "nat": True},
                {"name": draw(st.sampled_from(["enp0s8", "eth1", "ens5"])), "address": node["address"]},
            ]
        if draw(st.integers(0, 4)) == 0:
            node["labels"] = {draw(st.sampled_from(["zone", "example.com/tier", "topology.kubernetes.io/zone", "node-role.kubernetes.io/worker"])): "a"}
        if draw(st.integers(0, 4)) == 0:
            node["taints"] = [{"key": "dedicated", "value": "db", "effect": draw(st.sampled_from(["NoSchedule", "NoExecute"]))}]
        if draw(st.integers(0, 4)) == 0:
            node["criSocket"] = draw(st.sampled_from(["unix:///run/containerd/containerd.sock", "unix:///var/run/cri-dockerd.sock"]))
        nodes.append(node)
    spec: dict[str, Any] = {
        "kubernetesVersion": draw(st.sampled_from(["v1.22.0", "v1.30.6", "v1.31.2", "1.32.0", "v1.33.1", "v1.35.0", "v1.36.1", "v1.21.9"])),
        "networking": {"podSubnet": draw(st.sampled_from(["172.16.0.0/16", "10.244.0.0/16", "192.168.0.0/16", "172.178.0.0/16", "172.178.33.10/16", "fd01::/48", "10.244.0.0/16,fd01::/48"]))},
        "nodes": nodes,
    }
    if draw(st.booleans()):
        spec["networking"]["serviceSubnet"] = draw(st.sampled_from(["10.96.0.0/12", "10.96.0.0/8", "172.16.0.0/16", "fd02::/108"]))
    if draw(st.booleans()):
        spec["criSocket"] = "unix:///var/run/cri-dockerd.sock"
    if sum(n["role"] == "control-plane" for n in nodes) > 1 or draw(st.booleans()):
        spec["loadBalancer"] = {"hostname": "lb", "address": str(network.network_address + 200), "port": draw(st.sampled_from([6443, 8443, 443]))}
        spec["controlPlaneEndpoint"] = draw(st.sampled_from(["lb:6443", "lb", "k8s-vip:8443", str(network.network_address + 200)]))
        spec["hosts"] = {"k8s-vip": str(network.network_address + 200)}
        if draw(st.booleans()):
            spec["loadBalancer"]["healthCheck"] = "tcp"
    calico: dict[str, Any] = {"mode": draw(st.sampled_from(["operator", "manifest"]))}
    if calico["mode"] == "manifest":
        calico["manifest"] = "calico.yaml"
    if draw(st.booleans()):
        calico["ipAutodetection"] = draw(st.sampled_from(
            [f"cidr={network}", "first-found", "interface=enp0s8", "can-reach=8.8.8.8", "kubernetes-internal-ip", "skip-interface=enp0s3", "cidr=1.2.3.4/8"]
        ))
    if draw(st.booleans()):
        calico["encapsulation"] = draw(st.sampled_from(["IPIP", "VXLAN", "None"]))
    spec["calico"] = calico
    if draw(st.integers(0, 3)) == 0:
        spec["cloudProvider"] = "aws"
    return {"apiVersion": "kconf/v1alpha1", "kind": "Cluster", "metadata": {"name": draw(st.sampled_from(["cka", "lab", "x"]))}, "spec": spec}


@st.composite
def description_text(draw: Any) -> str:
    base = draw(st.sampled_from(example_descriptions()) | generated_description())
    for _ in range(draw(st.integers(0, 3))):
        base = mutate(base, draw)
    text = as_yaml([base], draw)
    if draw(st.integers(0, 3)) == 0:
        text = mutate_text(text, draw)
    return text


# --- render ------------------------------------------------------------------------------------


def render_in(tmp: Path, text: str | bytes, *, manifest: bool = True) -> Result:
    description = tmp / "cluster.yaml"
    if isinstance(text, bytes):
        description.write_bytes(text)
    else:
        description.write_text(text)
    if manifest and CALICO_CORPUS.is_dir():
        (tmp / "calico.yaml").write_text(calico_cut())
    out = tmp / "out"
    result = invoke("render", ["render", str(description), "-o", str(out)])
    if result.exit_code == 0:
        # re-running on its own output changes nothing
        check = invoke("render", ["render", str(description), "-o", str(out), "--check"])
        assert check.exit_code == 0, check.output
    else:
        assert not out.exists() or not any(out.iterdir()), "a failed render wrote files"
    return result


@profile(300)
@given(description_text())
def test_render_mutated_descriptions(text: str) -> None:
    RAN.add("render")
    with tempfile.TemporaryDirectory() as tmp:
        render_in(Path(tmp), text)


@profile(150)
@given(st.binary(max_size=600) | st.builds(lambda b: b"apiVersion: kconf/v1alpha1\nkind: Cluster\n" + b, st.binary(max_size=400)))
def test_render_raw_bytes(data: bytes) -> None:
    RAN.add("render-bytes")
    with tempfile.TemporaryDirectory() as tmp:
        render_in(Path(tmp), data, manifest=False)


# --- calico patch ----------------------------------------------------------------------------------

POD_CIDRS = st.sampled_from(["172.16.0.0/16", "10.244.0.0/16", "192.168.0.0/16", "172.16.0.1/16", "8.0.0.0/8", "fd00::/48", "x", "", "10.0.0.0/33"]) | st.text(max_size=12)
METHODS = st.none() | st.sampled_from(
    ["cidr=192.168.51.0/24", "first-found", "interface=enp0s8,eth.*", "interface=(", "can-reach=8.8.8.8", "can-reach=a b",
     "kubernetes-internal-ip", "skip-interface=lo", "cidr=", "cidr=10.0.0.1/8", "bogus=1", "", "first-found=1"]
) | st.text(max_size=12)


@st.composite
def calico_manifest_text(draw: Any) -> str:
    from kconf.yamlio import dump_documents, load_documents

    text = calico_cut()
    if draw(st.booleans()):
        # structural: re-dump the DaemonSet document after mutating its data
        pieces = re.split(r"(?m)^---(?=[ \t\r]|$)", text)
        index = next(i for i, p in enumerate(pieces) if re.search(r"(?m)^kind: DaemonSet", p))
        (document,) = [d.data for d in load_documents(pieces[index], "ds") if d.data is not None]
        container = document["spec"]["template"]["spec"]["containers"][0]
        target = draw(st.sampled_from(["env", "container", "document"]))
        for _ in range(draw(st.integers(1, 3))):
            if target == "env":
                container["env"] = mutate(container["env"], draw)
            elif target == "container":
                document["spec"]["template"]["spec"]["containers"][0] = container = mutate(container, draw)
                if not isinstance(container, dict):
                    break
            else:
                document = mutate(document, draw)
        pieces[index] = "\n" + dump_documents([document])
        text = "---".join(pieces)
    for _ in range(draw(st.integers(0, 3))):
        text = mutate_text(text, draw)
    return text


def patch_in(tmp: Path, text: str | bytes, pod_cidr: str, method: str | None, mode: str) -> Result:
    manifest = tmp / "calico.yaml"
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    manifest.write_bytes(data)
    args = ["calico", "patch", str(manifest), "--pod-cidr", pod_cidr] + (["--autodetect", method] if method is not None else [])
    if mode == "stdin":
        args[2] = "-"
        result = invoke("calico patch", args, stdin=data)
    elif mode == "output":
        result = invoke("calico patch", args + ["-o", str(tmp / "patched.yaml")])
    else:
        result = invoke("calico patch", args + ["--in-place"])
    if result.exit_code != 0:
        assert manifest.read_bytes() == data, "a failed patch changed the manifest"
        assert not (tmp / "patched.yaml").exists()
        assert sorted(p.name for p in tmp.iterdir()) == ["calico.yaml"], "a failed patch left files"
        return result
    patched = {"stdin": result.stdout, "output": (tmp / "patched.yaml").read_text() if mode == "output" else "", "in-place": manifest.read_text()}[mode]
    # idempotent: patching the output again changes nothing
    again = invoke("calico patch", ["calico", "patch", "-", *args[3:]], stdin=patched)
    assert again.exit_code == 0 and again.stdout == patched
    return result


@pytest.mark.skipif(not CALICO_CORPUS.is_dir(), reason=f"the Calico corpus is not beside the repository ({CALICO_CORPUS})")
@profile(200)
@given(calico_manifest_text(), POD_CIDRS, METHODS, st.sampled_from(["stdin", "output", "in-place"]))
def test_calico_patch_mutated_manifests(text: str, pod_cidr: str, method: str | None, mode: str) -> None:
    RAN.add("calico")
    with tempfile.TemporaryDirectory() as tmp:
        patch_in(Path(tmp), text, pod_cidr, method, mode)


@profile(120)
@given(st.binary(max_size=600) | st.builds(lambda b: b"kind: DaemonSet\nmetadata:\n  name: calico-node\n" + b, st.binary(max_size=400)), st.sampled_from(["stdin", "in-place"]))
def test_calico_patch_raw_bytes(data: bytes, mode: str) -> None:
    RAN.add("calico-bytes")
    with tempfile.TemporaryDirectory() as tmp:
        patch_in(Path(tmp), data, "172.16.0.0/16", "first-found", mode)


# --- from-configmap -------------------------------------------------------------------------------

INNER_V1BETA3 = {
    "apiVersion": "kubeadm.k8s.io/v1beta3",
    "kind": "ClusterConfiguration",
    "kubernetesVersion": "v1.30.2",
    "controlPlaneEndpoint": "k8s-vip:6443",
    "apiServer": {"certSANs": ["k8s-vip"], "extraArgs": {"authorization-mode": "Node,RBAC"}, "timeoutForControlPlane": "4m0s"},
    "controllerManager": {"extraArgs": {"bind-address": "0.0.0.0"}},
    "etcd": {"local": {"dataDir": "/var/lib/etcd"}},
    "networking": {"podSubnet": "172.16.0.0/16", "serviceSubnet": "10.96.0.0/12", "dnsDomain": "cluster.local"},
    "imageRepository": "registry.k8s.io",
    "clusterName": "kubernetes",
}
INNER_V1BETA4 = {
    **INNER_V1BETA3,
    "apiVersion": "kubeadm.k8s.io/v1beta4",
    "kubernetesVersion": "v1.31.2",
    "apiServer": {"certSANs": ["k8s-vip"], "extraArgs": [{"name": "authorization-mode", "value": "Node,RBAC"}]},
    "controllerManager": {"extraArgs": [{"name": "bind-address", "value": "0.0.0.0"}]},
}
SOCKETS = st.sampled_from(
    ["unix:///var/run/containerd/containerd.sock", "unix:///var/run/cri-dockerd.sock", "/run/x.sock", "unix://run/x.sock",
     "npipe:////./pipe/x", "unix:///run/x", "unix:///run/a b.sock", "unix:///etc/containerd/config.toml", "unix:///", ""]
)


@st.composite
def configmap_text(draw: Any) -> str:
    from kconf.yamlio import dump_documents

    inner = copy.deepcopy(draw(st.sampled_from([INNER_V1BETA3, INNER_V1BETA4])))
    for _ in range(draw(st.integers(0, 2))):
        inner = mutate(inner, draw)
    inner_text = dump_documents([inner]) if draw(st.booleans()) else json.dumps(inner, indent=2)
    for _ in range(draw(st.integers(0, 1))):
        inner_text = mutate_text(inner_text, draw)
    configmap: Any = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
        "data": {"ClusterConfiguration": inner_text},
    }
    if draw(st.integers(0, 3)) == 0:
        configmap = {"apiVersion": "v1", "kind": "List", "items": [configmap]}
    for _ in range(draw(st.integers(0, 2))):
        configmap = mutate(configmap, draw)
    if draw(st.booleans()):
        # kubectl's own layout: the stored text as a literal block scalar
        text = _kubectl_yaml(configmap)
        if text is None:
            text = as_yaml([configmap], draw)
    else:
        text = as_yaml([configmap], draw)
    for _ in range(draw(st.integers(0, 1))):
        text = mutate_text(text, draw)
    return text


def _kubectl_yaml(configmap: Any) -> str | None:
    try:
        inner = configmap["data"]["ClusterConfiguration"]
        if not isinstance(inner, str) or configmap.get("kind") != "ConfigMap" or not inner.strip():
            return None
    except (KeyError, TypeError):
        return None
    block = "\n".join("    " + line if line else "" for line in inner.rstrip("\n").split("\n"))
    return (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kubeadm-config\n  namespace: kube-system\n"
        f"data:\n  ClusterConfiguration: |\n{block}\n"
    )


def from_configmap(tmp: Path, data: str | bytes, socket: str, to: bool, mode: str) -> Result:
    from kconf.yamlio import load_documents

    source = tmp / "cm.yaml"
    encoded = data.encode() if isinstance(data, str) else data
    source.write_bytes(encoded)
    args = ["from-configmap", "-" if mode == "stdin" else str(source), "--cri-socket", socket] + (["--to", "v1beta4"] if to else [])
    output = tmp / "upload-certs.yaml"
    if mode == "output":
        output.write_text("previous\n")
        args += ["-o", str(output)]
    result = invoke("from-configmap", args, stdin=encoded if mode == "stdin" else None)
    if result.exit_code != 0:
        assert result.stdout == ""
        if mode == "output":
            assert output.read_text() == "previous\n"
        return result
    text = output.read_text() if mode == "output" else result.stdout
    documents = [d.data for d in load_documents(text, "out") if d.data is not None]
    assert [d["kind"] for d in documents] == ["ClusterConfiguration", "InitConfiguration"]
    assert documents[1]["nodeRegistration"]["criSocket"] == socket
    if to:
        assert documents[0]["apiVersion"] == documents[1]["apiVersion"] == "kubeadm.k8s.io/v1beta4"
    return result


@profile(300)
@given(configmap_text(), SOCKETS, st.booleans(), st.sampled_from(["file", "stdin", "output"]))
def test_from_configmap_mutated_configmaps(text: str, socket: str, to: bool, mode: str) -> None:
    RAN.add("from-configmap")
    with tempfile.TemporaryDirectory() as tmp:
        from_configmap(Path(tmp), text, socket, to, mode)


@profile(120)
@given(st.binary(max_size=600) | st.builds(lambda b: b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kubeadm-config\ndata:\n" + b, st.binary(max_size=400)))
def test_from_configmap_raw_bytes(data: bytes) -> None:
    RAN.add("from-configmap-bytes")
    with tempfile.TemporaryDirectory() as tmp:
        from_configmap(Path(tmp), data, "unix:///run/containerd/containerd.sock", False, "stdin")


# --- lint ---------------------------------------------------------------------------------------------

HAPROXY_LINES = [
    "    server evil 1.2.3.4:6443 check", "    mode http", "    option httpchk", "    option ssl-hello-chk", "    bind :abc",
    "backend", "frontend x", "listen stats", "    balance", "\tserver a", "    server a b c d e f", "  # comment",
    "    default-server", "    server cka-cp-1 192.168.51.81:99999 check", "    server cka-cp-1 [::1]:6443", "global",
    "defaults", "    timeout client", "    use_backend", "    server x 300.1.1.1:6443 check", "\x00", "é",
    "    server cka-cp-1 192.168.51.81:6443 check  # kconf: disable=haproxy-backends", "# kconf: disable-file=haproxy-mode",
]


@st.composite
def haproxy_text(draw: Any) -> str:
    lines = haproxy_config().split("\n")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "text"]))
        at = draw(st.integers(0, len(lines) - 1))
        if op == "insert":
            lines.insert(at, draw(st.sampled_from(HAPROXY_LINES) | st.text(max_size=20)))
        elif op == "delete":
            del lines[at]
        elif op == "replace":
            lines[at] = re.sub(r"\d+", str(draw(st.integers(-1, 10**6))), lines[at])
        else:
            return mutate_text("\n".join(lines), draw)
    return "\n".join(lines)


@st.composite
def kubeadm_text(draw: Any) -> str:
    documents = list(copy.deepcopy(draw(st.sampled_from(kubeadm_configs()))))
    for _ in range(draw(st.integers(0, 3))):
        index = draw(st.integers(0, len(documents) - 1))
        documents[index] = mutate(documents[index], draw)
    text = as_yaml(documents, draw)
    for _ in range(draw(st.integers(0, 1))):
        text = mutate_text(text, draw)
    return text


@st.composite
def lint_folder(draw: Any) -> dict[str, bytes]:
    """Files for one lint run: any mix of the kinds lint recognises, plus bytes."""
    files: dict[str, bytes] = {}
    kinds = draw(st.lists(st.sampled_from(["description", "rendered", "kubeadm", "haproxy", "calico", "configmap", "bytes"]), min_size=1, max_size=3, unique=True))
    for kind in kinds:
        if kind == "description":
            files["cluster.yaml"] = draw(description_text()).encode("utf-8", "surrogatepass")
        elif kind == "rendered":
            files["rendered"] = b""  # marker: render an example, then mutate one output file
            files["rendered-edit"] = json.dumps(draw(st.tuples(st.integers(0, 99), st.integers(0, 10**6), st.sampled_from(YAML_SNIPPETS)))).encode()
        elif kind == "kubeadm":
            files["kubeadm.yaml"] = draw(kubeadm_text()).encode("utf-8", "surrogatepass")
        elif kind == "haproxy":
            files["haproxy.cfg"] = draw(haproxy_text()).encode("utf-8", "surrogatepass")
        elif kind == "calico" and CALICO_CORPUS.is_dir():
            files["calico-node.yaml"] = draw(calico_manifest_text()).encode("utf-8", "surrogatepass")
        elif kind == "configmap":
            files["kubeadm-config.yaml"] = draw(configmap_text()).encode("utf-8", "surrogatepass")
        elif kind == "bytes":
            files[draw(st.sampled_from(["raw.yaml", "raw.cfg", "raw.json"]))] = draw(st.binary(max_size=400))
    return files


LINT_FORMATS = ["text", "json", "sarif", "github"]


def _render_and_edit(tmp: Path, edit: list[Any]) -> None:
    """A rendered example (description + output folder) with one output file edited."""
    case, offset, snippet = edit
    examples = sorted(EXAMPLES.glob("*/cluster.yaml"))
    source = examples[case % len(examples)]
    shutil.copyfile(source, tmp / "cluster-rendered.yaml")
    from kconf.cli import main

    result = CliRunner().invoke(main, ["render", str(tmp / "cluster-rendered.yaml")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    outputs = sorted(path for folder in tmp.iterdir() if folder.is_dir() for path in folder.iterdir())
    target = outputs[offset % len(outputs)]
    text = target.read_text()
    at = offset % (len(text) + 1)
    target.write_text(text[:at] + snippet + text[at:])


@profile(200)
@given(lint_folder(), st.sampled_from(LINT_FORMATS), st.booleans())
def test_lint_mutated_files(files: dict[str, bytes], output_format: str, strict: bool) -> None:
    RAN.add("lint")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, data in files.items():
            if name == "rendered":
                _render_and_edit(folder, json.loads(files["rendered-edit"]))
            elif name != "rendered-edit":
                (folder / name).write_bytes(data)
        args = ["lint", "--format", output_format] + (["--strict"] if strict else []) + [str(folder)]
        result = invoke("lint", args)
        if result.exit_code == 2 and "--format" in result.stderr:
            return  # that reporter is not there yet
        assert result.exit_code in (0, 1), result.output
        if output_format == "json":
            report = json.loads(result.stdout)
            assert set(report) >= {"findings", "files"}
            for finding in report["findings"]:
                assert finding["line"] >= 1 and finding["rule"] and finding["message"]
            assert (result.exit_code == 1) == any(f["severity"] == "error" or strict for f in report["findings"])
        if output_format == "sarif":
            assert json.loads(result.stdout)["version"] == "2.1.0"


@profile(120)
@given(st.binary(max_size=600), st.sampled_from(["x.yaml", "x.yml", "x.json", "haproxy.cfg", "x.txt"]))
def test_lint_raw_bytes(data: bytes, name: str) -> None:
    RAN.add("lint-bytes")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_bytes(data)
        invoke("lint", ["lint", "--format", "json", str(Path(tmp) / name)])


# --- valid inputs: every one must succeed, with the outcome written down ------------------------------
#
# The tests above look for crashes, so any exit 0/1/2 with a message passes them. These build inputs
# that are valid by construction (tests/strategies.py) and demand exit 0 and the exact outcome: with a
# command broken so that it refuses everything, they fail. VALID counts the successes per command;
# every example asserts its own success, so the share is 100% or the run fails, and
# test_zz_valid_success_share checks that each command got its examples.

VALID: Counter[str] = Counter()
VALID_EXAMPLES = {"render": 30, "calico patch": 40, "from-configmap": 60}


def assert_lint_clean(paths: list[Path]) -> dict[str, Any]:
    """kconf lint --format json on ``paths``: exit 0 and no error-level finding."""
    result = invoke("lint", ["lint", "--format", "json", *map(str, paths)])
    report = json.loads(result.stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == [] and result.exit_code == 0, (result.exit_code, errors)
    assert report["files"] >= 1
    return report


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.split("\n"), after.split("\n")):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def assert_calico_edit(before: str, after: str, pod_cidr: str, method: str | None, pool: Pool = Pool()) -> None:
    """``after`` is ``before`` with exactly the intended lines changed, in the intended places."""
    from strategies import expected_patch_diff

    removed, added = expected_patch_diff(before, pod_cidr, method, pool)
    assert _changed_lines(before, after) == (removed, added)
    lines = after.split("\n")
    pad = " " * 12
    cidr_at = lines.index(f"{pad}- name: CALICO_IPV4POOL_CIDR")
    assert lines[cidr_at + 1] == f'{pad}  value: "{pod_cidr}"'
    pool_lines = 2 * ((pool.block_size not in (None, 26)) + (pool.ipv6_pod_cidr is not None))
    assert lines[cidr_at + 2 + pool_lines] == f"{pad}# Disable file logging so `kubectl logs` works."  # where upstream has the comment
    if method is not None:
        ip_at = lines.index(f"{pad}- name: IP")
        assert lines[ip_at + 1 : ip_at + 4] == [f'{pad}  value: "autodetect"', f"{pad}- name: IP_AUTODETECTION_METHOD", f'{pad}  value: "{method}"']
    else:
        assert f"{pad}- name: IP_AUTODETECTION_METHOD" not in lines


@pytest.mark.skipif(not CALICO_CORPUS.is_dir(), reason=f"the Calico corpus is not beside the repository ({CALICO_CORPUS})")
@profile(VALID_EXAMPLES["calico patch"])
@given(patch_cases())
def test_calico_patch_valid_inputs(case: PatchCase) -> None:
    """Every corpus manifest, a private pod CIDR without host bits and any
    method Calico accepts: exit 0, only the intended lines change, and a
    second patch with the same options is a no-op."""
    RAN.add("calico-valid")
    text = case.manifest.read_text()
    args = ["--pod-cidr", case.pod_cidr] + (["--autodetect", case.spaced_method] if case.spaced_method is not None else []) + case.pool.args()
    with tempfile.TemporaryDirectory() as tmp:
        manifest = Path(tmp) / "calico.yaml"
        manifest.write_text(text)
        if case.mode == "stdin":
            result = invoke("calico patch", ["calico", "patch", "-", *args], stdin=text)
            patched = result.stdout
        elif case.mode == "output":
            result = invoke("calico patch", ["calico", "patch", str(manifest), *args, "-o", str(Path(tmp) / "out.yaml")])
            patched = (Path(tmp) / "out.yaml").read_text()
            assert result.stdout == "" and manifest.read_text() == text
        else:
            result = invoke("calico patch", ["calico", "patch", str(manifest), *args, "--in-place"])
            patched = manifest.read_text()
            assert result.stdout == ""
        assert result.exit_code == 0, (case, result.output)
        # a private CIDR and a method this Calico knows: no warning, but for first-found
        warned = [line.partition(": ")[2].partition(": ")[0] for line in result.stderr.splitlines()]
        assert warned == ["--autodetect first-found"] * (case.method == "first-found"), result.stderr
        assert_calico_edit(text, patched, case.pod_cidr, case.method, case.pool)
        again = invoke("calico patch", ["calico", "patch", "-", *args], stdin=patched)
        assert again.exit_code == 0 and again.stdout == patched, again.output
    VALID["calico patch"] += 1


def _split_file(path: Path) -> list[dict[str, Any]]:
    from kubeadm_split import split_like_kubeadm

    return split_like_kubeadm(path.read_text())


def assert_schema_valid(documents: list[dict[str, Any]]) -> None:
    from kconf.kubeadm.schema import check_document

    for document in documents:
        assert check_document(document) == [], (document["kind"], check_document(document))


def assert_rendered(case: ClusterCase, out: Path, upstream: str | None) -> None:
    """What each rendered file must hold, from the description alone."""
    assert {p.name for p in out.iterdir()} - case.expected_files() <= {"kubeadm-upgrade.yaml", "PLAN.md"}
    assert case.expected_files() <= {p.name for p in out.iterdir()}
    first, *others = [case.control_planes[0]] + [n for n in case.nodes if n is not case.control_planes[0]]
    init = _split_file(out / "kubeadm-init.yaml")
    assert_schema_valid(init)
    by_kind = {d["kind"]: d for d in init}
    assert {"InitConfiguration", "ClusterConfiguration"} <= set(by_kind)
    assert {d["apiVersion"] for d in init if d["apiVersion"].startswith("kubeadm.k8s.io/")} == {case.api_version}
    cluster, init_config = by_kind["ClusterConfiguration"], by_kind["InitConfiguration"]
    assert cluster["kubernetesVersion"] == case.kubernetes_version
    assert cluster["networking"]["podSubnet"] == case.pod_subnet
    assert cluster["networking"].get("serviceSubnet", "10.96.0.0/12") == (case.service_subnet or "10.96.0.0/12")
    assert cluster.get("controlPlaneEndpoint") == case.endpoint
    first_address = first["address"].split("/")[0]
    assert init_config["localAPIEndpoint"]["advertiseAddress"] == first_address
    assert init_config["nodeRegistration"]["name"] == first["name"]
    assert init_config["nodeRegistration"].get("criSocket") == case.node_sockets[first["name"]]
    for node in others:
        (join,) = _split_file(out / f"kubeadm-join-{node['name']}.yaml")
        assert_schema_valid([join])
        assert join["kind"] == "JoinConfiguration" and join["apiVersion"] == case.api_version
        assert join["nodeRegistration"]["name"] == node["name"]
        assert join["nodeRegistration"].get("criSocket") == case.node_sockets[node["name"]]
        assert join["discovery"]["bootstrapToken"]["token"] == "${KCONF_TOKEN}"
        if node["role"] == "control-plane":
            assert join["controlPlane"]["localAPIEndpoint"]["advertiseAddress"] == node["address"].split("/")[0]
            assert join["controlPlane"]["certificateKey"] == "${KCONF_CERTIFICATE_KEY}"
        else:
            assert "controlPlane" not in join
    entries = [line.split() for line in (out / "hosts").read_text().splitlines() if line and not line.startswith("#")]
    names = {(fields[0], name) for fields in entries for name in fields[1:]}  # /etc/hosts: an address, then its names
    assert {(n["address"].split("/")[0], n["name"]) for n in case.nodes} <= names
    if case.load_balancer is not None:
        assert (case.load_balancer["address"], "lb") in names
    if case.load_balancer is not None:
        haproxy = (out / "haproxy.cfg").read_text()
        assert f"    bind :{case.load_balancer['port']}\n" in haproxy
        servers = [line.split()[1:3] for line in haproxy.splitlines() if line.startswith("    server ")]
        assert servers == [[n["name"], n["address"].split("/")[0] + ":6443"] for n in case.control_planes]
    if upstream is not None:
        pool = Pool(encapsulation=case.encapsulation, block_size=case.block_size, mtu=case.mtu)
        assert_calico_edit(upstream, (out / "calico.yaml").read_text(), case.pod_subnet, case.method, pool)
    else:
        installation, api_server = _split_file_any(out / "calico-installation.yaml")
        assert api_server["kind"] == "APIServer"
        network = installation["spec"]["calicoNetwork"]
        assert [pool["cidr"] for pool in network["ipPools"]] == [case.pod_subnet]
        assert network["ipPools"][0]["encapsulation"] == case.encapsulation
        assert network["ipPools"][0]["blockSize"] == case.block_size
        assert network["nodeAddressAutodetectionV4"] == operator_autodetection(case.method)
        assert network.get("mtu") == case.mtu


def _split_file_any(path: Path) -> list[dict[str, Any]]:
    import yaml

    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


@pytest.mark.skipif(not CALICO_CORPUS.is_dir(), reason=f"the Calico corpus is not beside the repository ({CALICO_CORPUS})")
@profile(VALID_EXAMPLES["render"])
@given(cluster_cases())
def test_render_valid_descriptions(case: ClusterCase) -> None:
    """A valid description renders (exit 0) into the files it should, with
    the values it should; render --check then finds nothing to change, and
    kconf lint on the folder (description, upstream manifest, rendered
    files, drift) finds no error."""
    RAN.add("render-valid")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        description = folder / "cluster.yaml"
        description.write_text(case.text())
        upstream = None
        if case.manifest is not None:
            upstream = case.manifest.read_text()
            (folder / "upstream").mkdir()
            (folder / "upstream" / "calico.yaml").write_text(upstream)
        result = invoke("render", ["render", str(description)])
        assert result.exit_code == 0, (case.text(), result.output)
        out = folder / case.name
        assert_rendered(case, out, upstream)
        check = invoke("render", ["render", str(description), "--check"])
        assert check.exit_code == 0, check.output
        assert_lint_clean([folder])
        init = out / "kubeadm-init.yaml"
        judged_by_kubeadm(folder / "judged-init.yaml", init.read_text())
    VALID["render"] += 1


def expected_cluster_configuration(case: ConfigMapCase) -> dict[str, Any]:
    """The ClusterConfiguration from-configmap must write: the stored one, or
    with --to v1beta4 kubeadm's conversion (extraArgs maps become
    {name, value} lists sorted by name; apiServer.timeoutForControlPlane
    moves to the InitConfiguration)."""
    cluster = copy.deepcopy(case.cluster)
    if not case.to_v1beta4 or cluster["apiVersion"] == "kubeadm.k8s.io/v1beta4":
        return cluster
    cluster["apiVersion"] = "kubeadm.k8s.io/v1beta4"
    cluster["apiServer"].pop("timeoutForControlPlane", None)
    for component in (cluster["apiServer"], cluster["controllerManager"], cluster["scheduler"], cluster["etcd"]["local"]):
        if "extraArgs" in component:
            component["extraArgs"] = [{"name": k, "value": v} for k, v in sorted(component["extraArgs"].items())]
    return cluster


@profile(VALID_EXAMPLES["from-configmap"])
@given(configmap_cases())
def test_from_configmap_valid_configmaps(case: ConfigMapCase) -> None:
    """A kubeadm-config ConfigMap as kubectl prints it (YAML or JSON, alone or
    in a List): exit 0; the output splits like kubeadm splits it into the
    ClusterConfiguration and an InitConfiguration of the same apiVersion with
    the socket, both valid against kconf's kubeadm schemas, and lints clean."""
    from kubeadm_split import split_like_kubeadm

    RAN.add("from-configmap-valid")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cm.yaml"
        source.write_text(case.text)
        args = ["from-configmap", "-" if case.mode == "stdin" else str(source), "--cri-socket", case.socket]
        args += ["--to", "v1beta4"] if case.to_v1beta4 else []
        output = Path(tmp) / "upload-certs.yaml"
        if case.mode == "output":
            args += ["-o", str(output)]
        result = invoke("from-configmap", args, stdin=case.text if case.mode == "stdin" else None)
        assert result.exit_code == 0, (case.text, result.output)
        text = output.read_text() if case.mode == "output" else result.stdout
        documents = split_like_kubeadm(text)
        assert [d["kind"] for d in documents] == ["ClusterConfiguration", "InitConfiguration"]
        expected = expected_cluster_configuration(case)
        assert documents[0] == expected
        init = documents[1]
        assert init["apiVersion"] == expected["apiVersion"]
        assert init["nodeRegistration"]["criSocket"] == case.socket
        timeout = case.cluster["apiServer"].get("timeoutForControlPlane")
        if timeout is not None and expected["apiVersion"].endswith("v1beta4"):
            assert init["timeouts"]["controlPlaneComponentHealthCheck"] == timeout
        assert_schema_valid(documents)
        judged_by_kubeadm(output if case.mode == "output" else Path(tmp) / "stdout.yaml", text)
    VALID["from-configmap"] += 1


def judged_by_kubeadm(path: Path, text: str) -> None:
    """Upstream kubeadm accepts the file, where a built kubeadm deploys its
    kubernetesVersion (1.30 and later; the conformance tier requires them)."""
    from kubeadm_tools import built, kubernetes_version_of, minor_of, validate

    version = kubernetes_version_of(text)
    if version is None or minor_of(version) < (1, 30) or not built():
        return
    from kubeadm_tools import kubeadm_for

    path.write_text(text)
    verdict = validate(kubeadm_for(version), path)
    assert verdict.ok, (text, verdict.output)


STORED_V1BETA3 = (
    "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.30.2\n"
    "controlPlaneEndpoint: k8s-vip:6443\nnetworking:\n  podSubnet: 172.16.0.0/16\n"
)


@pytest.mark.parametrize("stored", [STORED_V1BETA3, json.dumps({"apiVersion": "kubeadm.k8s.io/v1beta3", "kind": "ClusterConfiguration"})], ids=["yaml", "json"])
def test_from_configmap_output_lints_clean(stored: str, tmp_path: Path) -> None:
    configmap = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kubeadm-config", "namespace": "kube-system"}, "data": {"ClusterConfiguration": stored}}
    (tmp_path / "cm.json").write_text(json.dumps(configmap))
    output = tmp_path / "upload-certs.yaml"
    result = invoke("from-configmap", ["from-configmap", str(tmp_path / "cm.json"), "--cri-socket", "unix:///run/containerd/containerd.sock", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert_lint_clean([output])


def test_zz_valid_success_share() -> None:
    """Every valid input succeeded (each example asserts it, so one failure
    fails its test), and each command got at least its max_examples."""
    print("\nvalid inputs that succeeded:", dict(sorted(VALID.items())))
    tags = {"render": "render-valid", "calico patch": "calico-valid", "from-configmap": "from-configmap-valid"}
    if not set(tags.values()) & RAN:
        pytest.skip("no valid-input test ran")
    for command, count in VALID_EXAMPLES.items():
        if tags[command] in RAN:
            assert VALID[command] >= round(count * SCALE), (command, VALID[command])


# --- how many inputs each command was given ----------------------------------------------------------

ALL_TESTS = {"render", "render-bytes", "calico", "calico-bytes", "from-configmap", "from-configmap-bytes", "lint", "lint-bytes",
             "render-valid", "calico-valid", "from-configmap-valid"}


def test_zz_inputs_per_command() -> None:
    """Printed with ``pytest -s``; with the whole file run, every command got
    at least as many inputs as its tests' max_examples together (render and
    calico patch count their re-runs on their own output too)."""
    print("\ninputs per command:", dict(sorted(COUNTS.items())), "total", sum(COUNTS.values()))
    print("outcomes:", dict(sorted(OUTCOMES.items())))
    if RAN != ALL_TESTS:
        pytest.skip(f"only part of the file ran ({sorted(RAN)})")
    minimum = {"render": 300 + 150, "calico patch": 200 + 120, "from-configmap": 300 + 120, "lint": 200 + 120}
    for command, count in minimum.items():
        assert COUNTS[command] >= round(count * SCALE), command
