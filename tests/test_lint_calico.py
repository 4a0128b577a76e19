"""Calico rules: calico-pool-mismatch, calico-pool-unset,
calico-autodetect-first-found, calico-autodetect-mismatch.

Inputs: rendered clusters (operator Installation, or calico.yaml patched from
a small manifest in manifest mode) edited by hand, small standalone
manifests, and the upstream manifests of ../shared/corpus/calico."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import GOLDEN, require_corpus
from kconf.lint.model import WARNING
from kconf.lint.rules import RULES
from kconf.lint.rules.calico import RULES as FAMILY
from lintkit import BASE_CLUSTER, lay_out, lint, render_into, where
from test_lint_control_plane import SIX, at, line_of

NAMES = [rule.name for rule in FAMILY]
Edit = tuple[str, str, str]  # (file relative to the root, old text, new text)
INSTALLATION = "lab/calico-installation.yaml"
MANIFEST = "lab/calico.yaml"

# Every VM has the NAT interface enp0s3 (10.0.2.15 everywhere) and a host-only enp0s8.
VBOX = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  kubernetesVersion: v1.30.6
  controlPlaneEndpoint: k8s-api:6443
  criSocket: unix:///var/run/crio/crio.sock
  networking:
    podSubnet: 10.244.0.0/16
  calico:
    mode: operator
    ipAutodetection: cidr=192.168.56.0/24
  hosts:
    k8s-api: 192.168.56.11
  nodes:
    - name: cp-1
      role: control-plane
      address: 192.168.56.11/24
      interfaces:
        - {name: enp0s3, address: 10.0.2.15/24, nat: true}
        - {name: enp0s8, address: 192.168.56.11/24}
    - name: worker-1
      role: worker
      address: 192.168.56.21/24
      interfaces:
        - {name: enp0s3, address: 10.0.2.15/24, nat: true}
        - {name: enp0s8, address: 192.168.56.21/24}
"""
METHOD = "    ipAutodetection: cidr=192.168.56.0/24\n"
VBOX_MANIFEST = VBOX.replace("    mode: operator\n", "    mode: manifest\n    manifest: upstream/calico.yaml\n")

STANDARD_ENV = """\
            - name: DATASTORE_TYPE
              value: "kubernetes"
            - name: IP
              value: "autodetect"
            # - name: CALICO_IPV4POOL_CIDR
            #   value: "192.168.0.0/16"
            - name: FELIX_HEALTHENABLED
              value: "true"
"""


def manifest(env: str = STANDARD_ENV, image: str = "docker.io/calico/node:v3.28.5") -> str:
    """A calico-node DaemonSet cut down to what the rules read; env starts at line 13."""
    return (
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: calico-node\n  namespace: kube-system\n"
        "spec:\n  template:\n    spec:\n      containers:\n        - name: calico-node\n"
        f"          image: {image}\n          env:\n{env}"
    )


def env(*items: tuple[str, str]) -> str:
    return "".join(f"            - name: {name}\n              value: {value}\n" for name, value in items)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def build(root: Path, description: str, edits: Sequence[Edit] = (), upstream: str | None = None) -> Path:
    """Render (with ``upstream`` as upstream/calico.yaml for manifest mode);
    cluster.yaml edits before rendering, the others after (hand edits)."""
    for name, old, new in edits:
        if name == "cluster.yaml":
            assert old in description, old
            description = description.replace(old, new, 1)
    if upstream is not None:
        lay_out(root, {"upstream/calico.yaml": upstream})
    render_into(root, description)
    for name, old, new in edits:
        if name != "cluster.yaml":
            edit(root / name, old, new)
    return root


def found(*paths: Path, rule: str, root: Path) -> list[tuple[str, int, str]]:
    return sorted(where(lint(*paths, select=rule), root))


def test_every_rule_is_registered_and_documented() -> None:
    for rule in FAMILY:
        registered = RULES[rule.name]  # wrapped: silent in earlier renders (rules/__init__.py)
        assert (registered.severity, registered.summary, registered.documentation) == (rule.severity, rule.summary, rule.documentation)
        doc = rule.documentation
        assert "Why:" in doc and "Fix:" in doc and len(doc.split("\n\n")[0]) > 60, rule.name


@pytest.mark.parametrize("case", sorted(p.parent.name for p in GOLDEN.glob("*/cluster.yaml")))
def test_golden_clusters_have_no_finding(case: str) -> None:
    assert lint(GOLDEN / case, select=",".join(NAMES)) == []


@pytest.mark.parametrize(
    ("description", "upstream"),
    [pytest.param(BASE_CLUSTER, None, id="base"), pytest.param(VBOX, None, id="vbox-operator"),
     pytest.param(VBOX_MANIFEST, manifest(), id="vbox-manifest")],
)
def test_rendered_clusters_have_no_finding(tmp_path: Path, description: str, upstream: str | None) -> None:
    build(tmp_path, description, upstream=upstream)
    assert lint(tmp_path / "cluster.yaml", select=",".join(NAMES)) == []


# --- calico-pool-mismatch ------------------------------------------------------------------------

POOL = [
    pytest.param(BASE_CLUSTER, [(INSTALLATION, "cidr: 172.16.0.0/16", "cidr: 192.168.0.0/16")], None, [(INSTALLATION, "- cidr:")], id="installation-other-cidr"),
    pytest.param(BASE_CLUSTER, [(INSTALLATION, "cidr: 172.16.0.0/16", "cidr: 172.16.0.0/12")], None, [(INSTALLATION, "- cidr:")], id="installation-superset"),
    pytest.param(
        BASE_CLUSTER, [(INSTALLATION, "    nodeAddressAutodetectionV4:", "      - cidr: fd00:10:244::/56\n    nodeAddressAutodetectionV4:")],
        None, [(INSTALLATION, "- cidr: fd00")], id="installation-ipv6-pool-without-ipv6-pod-subnet",
    ),
    pytest.param(VBOX_MANIFEST, [(MANIFEST, '"10.244.0.0/16"', '"192.168.0.0/16"')], manifest(), [(MANIFEST, "CALICO_IPV4POOL_CIDR>value:")], id="manifest-other-cidr"),
    pytest.param(VBOX_MANIFEST, [(MANIFEST, '"10.244.0.0/16"', '"10.244.0.1/16"')], manifest(), [(MANIFEST, "CALICO_IPV4POOL_CIDR>value:")], id="manifest-host-bits"),
]


@pytest.mark.parametrize(("description", "edits", "upstream", "expected"), POOL)
def test_pool_mismatch(
    tmp_path: Path, description: str, edits: list[Edit], upstream: str | None, expected: list[tuple[str, str]]
) -> None:
    build(tmp_path, description, edits, upstream)
    assert found(tmp_path / "cluster.yaml", rule="calico-pool-mismatch", root=tmp_path) == [
        (p, n, "calico-pool-mismatch") for p, n in at(tmp_path, expected)
    ]


def test_pool_mismatch_message(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER, [(INSTALLATION, "cidr: 172.16.0.0/16", "cidr: 192.168.0.0/16")])
    assert [f.message for f in lint(tmp_path, select="calico-pool-mismatch")] == [
        "ipPools[0].cidr: pool 192.168.0.0/16 is not inside the description's podSubnet 172.16.0.0/16: pods would "
        "get addresses kube-proxy and the kube-controller-manager do not treat as pod addresses",
    ]


def test_pool_mismatch_with_an_unrelated_schema_error_still_reads_the_description(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER, [(INSTALLATION, "cidr: 172.16.0.0/16", "cidr: 192.168.0.0/16")])
    edit(tmp_path / "cluster.yaml", "spec:\n", "spec:\n  bogus: 1\n")  # schema error elsewhere: podSubnet is fine
    findings = lint(tmp_path, select="calico-pool-mismatch")
    assert sorted(where(findings, tmp_path)) == [(INSTALLATION, line_of(tmp_path / INSTALLATION, "- cidr:"), "calico-pool-mismatch")]
    assert "the description's podSubnet 172.16.0.0/16" in findings[0].message


def test_pool_mismatch_with_a_broken_pod_subnet_is_silent(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER, [(INSTALLATION, "cidr: 172.16.0.0/16", "cidr: 192.168.0.0/16")])
    edit(tmp_path / "cluster.yaml", "podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.0/33")  # cidr-host-bits reports it
    assert lint(tmp_path, select="calico-pool-mismatch") == []


def test_pool_mismatch_without_a_description_model_uses_kubeadm(tmp_path: Path) -> None:
    build(tmp_path, BASE_CLUSTER, [(INSTALLATION, "cidr: 172.16.0.0/16", "cidr: 192.168.0.0/16")])
    edit(tmp_path / "cluster.yaml", "spec:\n", "spec: 1\nspecification:\n")  # spec is no mapping: no model at all
    findings = lint(tmp_path, select="calico-pool-mismatch")
    assert sorted(where(findings, tmp_path)) == [(INSTALLATION, line_of(tmp_path / INSTALLATION, "- cidr:"), "calico-pool-mismatch")]
    assert "podSubnet of " in findings[0].message and "kubeadm-init.yaml" in findings[0].message


POOL_FINE = [
    pytest.param(BASE_CLUSTER, [(INSTALLATION, "cidr: 172.16.0.0/16", "cidr: 172.16.0.0/17")], None, id="pool-inside-pod-subnet"),
    pytest.param(VBOX_MANIFEST, [], manifest(), id="rendered-manifest"),
    pytest.param(VBOX_MANIFEST, [(MANIFEST, 'value: "10.244.0.0/16"', 'valueFrom: {configMapKeyRef: {name: x, key: y}}')], manifest(), id="value-from"),
]


@pytest.mark.parametrize(("description", "edits", "upstream"), POOL_FINE)
def test_pool_fine(tmp_path: Path, description: str, edits: list[Edit], upstream: str | None) -> None:
    build(tmp_path, description, edits, upstream)
    assert lint(tmp_path / "cluster.yaml", select="calico-pool-mismatch") == []


def test_standalone_files_have_nothing_to_compare(tmp_path: Path) -> None:
    lay_out(tmp_path, {
        "calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", '"192.168.0.0/16"'))),
        "custom-resources.yaml": "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\n"
        "spec:\n  calicoNetwork:\n    ipPools:\n      - cidr: 192.168.0.0/16\n",
    })
    assert lint(tmp_path, select="calico-pool-mismatch") == []


def test_ipv6_cluster_pool_fine(tmp_path: Path) -> None:
    build(tmp_path, SIX)
    assert lint(tmp_path, select=",".join(NAMES)) == []


# --- calico-pool-unset -----------------------------------------------------------------------

UNSET = [
    pytest.param(manifest(), 17, id="commented-out"),
    pytest.param(manifest(env(("DATASTORE_TYPE", '"kubernetes"'))), 12, id="absent"),
    pytest.param(manifest(env(("CALICO_IPV4POOL_CIDR", '""'))), 14, id="empty"),
]


@pytest.mark.parametrize(("text", "line"), UNSET)
def test_pool_unset(tmp_path: Path, text: str, line: int) -> None:
    lay_out(tmp_path, {"calico.yaml": text})
    findings = lint(tmp_path, select="calico-pool-unset")
    assert [(f.line, f.severity) for f in findings] == [(line, WARNING)]
    assert findings[0].message == (
        "CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls "
        "back to 192.168.0.0/16; set it to podSubnet"
    )


UNSET_FINE = [
    pytest.param(manifest(env(("CALICO_IPV4POOL_CIDR", '"10.244.0.0/16"'))), id="set"),
    pytest.param(manifest("            - name: CALICO_IPV4POOL_CIDR\n              valueFrom: {configMapKeyRef: {name: c, key: k}}\n"), id="value-from"),
]


# An IPv6-only calico-node (upstream's documented set-up, issue 10): IP=none,
# an IPv6 pool, and a CNI config that assigns no IPv4 address.
IPV6_CNI = (
    "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: calico-config\n  namespace: kube-system\ndata:\n"
    "  cni_network_config: |-\n    {\"name\": \"k8s-pod-network\", \"plugins\": [{\"type\": \"calico\", \"ipam\": "
    "{\"type\": \"calico-ipam\", \"assign_ipv4\": \"false\", \"assign_ipv6\": \"true\"}}]}\n---\n"
)
IPV6_ONLY_ENV = env(
    ("IP", '"none"'), ("IP6", '"autodetect"'), ("CALICO_IPV6POOL_CIDR", '"fd00:10:244::/56"'),
    ("FELIX_IPV6SUPPORT", '"true"'),
)
UNSET_FINE += [
    pytest.param(IPV6_CNI + manifest(IPV6_ONLY_ENV), id="ipv6-only"),
    pytest.param(manifest(IPV6_ONLY_ENV.replace('"none"', "none")), id="ipv6-only-ip-none-unquoted"),
]
# Still an IPv4 pool to set: IPv4 autodetected (dual stack), or no pool of either family.
UNSET += [
    pytest.param(
        manifest(env(("IP", '"autodetect"'), ("IP6", '"autodetect"'), ("CALICO_IPV6POOL_CIDR", '"fd00:10:244::/56"'))),
        12, id="dual-stack-ipv6-pool-only",
    ),
    pytest.param(manifest(env(("IP", '"none"'), ("IP6", '"autodetect"'))), 12, id="ip-none-without-ipv6-pool"),
]


@pytest.mark.parametrize("text", UNSET_FINE)
def test_pool_set(tmp_path: Path, text: str) -> None:
    lay_out(tmp_path, {"calico.yaml": text})
    assert lint(tmp_path, select="calico-pool-unset") == []


def _corpus_manifests() -> list[Path]:
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "calico"
    return sorted(corpus.glob("v*/calico*.yaml")) if corpus.is_dir() else []


@pytest.mark.parametrize("path", [pytest.param(p, id=f"{p.parent.name}/{p.name}") for p in _corpus_manifests()] or [None])
def test_upstream_manifests(path: Path | None) -> None:
    """Each upstream calico*.yaml alone: only calico-pool-unset, at the
    commented-out CALICO_IPV4POOL_CIDR line (found independently here)."""
    require_corpus()
    if path is None:
        pytest.skip("no manifest in the corpus")
    lines = path.read_text().splitlines()
    commented = [n for n, line in enumerate(lines, 1) if line.strip() == "# - name: CALICO_IPV4POOL_CIDR"]
    assert len(commented) == 1
    assert [(f.line, f.rule) for f in lint(path, select=",".join(NAMES))] == [(commented[0], "calico-pool-unset")]


def test_upstream_custom_resources_alone() -> None:
    corpus = require_corpus()
    samples = sorted(corpus.glob("v*/custom-resources.yaml"))
    assert samples
    assert lint(*samples, select=",".join(NAMES)) == []


def test_upstream_manifest_rendered_in_a_cluster(tmp_path: Path) -> None:
    corpus = require_corpus()
    build(tmp_path, VBOX_MANIFEST, upstream=(corpus / "v3.28.5" / "calico.yaml").read_text())
    assert lint(tmp_path / "cluster.yaml", select=",".join(NAMES)) == []


# --- calico-autodetect-first-found -----------------------------------------------------------

FIRST_FOUND_TRIGGERS = [
    pytest.param(VBOX, [("cluster.yaml", METHOD, "    ipAutodetection: first-found\n")], None, [("cluster.yaml", 13)], id="description-first-found"),
    pytest.param(
        VBOX, [(INSTALLATION, "      cidrs:\n        - 192.168.56.0/24\n", "      firstFound: true\n")], None, [(INSTALLATION, "firstFound: true")],
        id="installation-first-found",
    ),
    pytest.param(
        VBOX, [(INSTALLATION, "    nodeAddressAutodetectionV4:\n      cidrs:\n        - 192.168.56.0/24\n", "")], None, [(INSTALLATION, "calicoNetwork:")],
        id="installation-unset",
    ),
    pytest.param(VBOX_MANIFEST, [(MANIFEST, "cidr=192.168.56.0/24", "first-found")], manifest(), [(MANIFEST, "IP_AUTODETECTION_METHOD>value:")], id="manifest-first-found"),
    pytest.param(
        VBOX_MANIFEST, [(MANIFEST, '            - name: IP_AUTODETECTION_METHOD\n              value: "cidr=192.168.56.0/24"\n', "")],
        manifest(), [(MANIFEST, "env:")], id="manifest-unset",
    ),
    pytest.param(
        BASE_CLUSTER.replace("      address: 192.168.51.81/24\n", "      address: 192.168.51.81/24\n      interfaces:\n"
                             "        - {name: eth0, address: 192.168.51.81/24}\n        - {name: eth1, address: 10.10.0.5/24}\n")
        .replace("  networking:\n", "  calico:\n    ipAutodetection: first-found\n  networking:\n"),
        [], None, [("cluster.yaml", 10)], id="two-interfaces-no-nat",
    ),
]


@pytest.mark.parametrize(("description", "edits", "upstream", "expected"), FIRST_FOUND_TRIGGERS)
def test_autodetect_first_found(
    tmp_path: Path, description: str, edits: list[Edit], upstream: str | None, expected: list[tuple[str, int | str]]
) -> None:
    build(tmp_path, description, edits, upstream)
    assert found(tmp_path / "cluster.yaml", rule="calico-autodetect-first-found", root=tmp_path) == [
        (p, n, "calico-autodetect-first-found") for p, n in at(tmp_path, expected)
    ]


def test_autodetect_first_found_message(tmp_path: Path) -> None:
    build(tmp_path, VBOX, [("cluster.yaml", METHOD, "    ipAutodetection: first-found\n")])
    assert [f.message for f in lint(tmp_path / "cluster.yaml", select="calico-autodetect-first-found")] == [
        "ipAutodetection first-found: node cp-1 has enp0s3 10.0.2.15 (NAT), enp0s8 192.168.56.11 (1 more multi-homed "
        "nodes); first-found may take the NAT or wrong interface; pin it with cidr= or interface=",
    ]
    # the rendered Installation is an unchanged copy; edited by hand it is reported itself
    edit(tmp_path / INSTALLATION, "  name: default\n", "  name: default\n  labels: {edited: x}\n")
    assert [f.message for f in lint(tmp_path / "cluster.yaml", select="calico-autodetect-first-found")][1:] == [
        "spec.calicoNetwork.nodeAddressAutodetectionV4 is first-found: node cp-1 has enp0s3 10.0.2.15 (NAT), enp0s8 "
        "192.168.56.11 (1 more multi-homed nodes); first-found may take the NAT or wrong interface; pin it with "
        "cidr= or interface=",
    ]


FIRST_FOUND_FINE = [
    pytest.param(VBOX, [], id="cidr"),
    pytest.param(VBOX, [("cluster.yaml", METHOD, "")], id="description-default"),
    pytest.param(VBOX, [("cluster.yaml", METHOD, "    ipAutodetection: skip-interface=enp0s3\n")], id="skip-interface"),
    pytest.param(BASE_CLUSTER.replace("  networking:\n", "  calico:\n    ipAutodetection: first-found\n  networking:\n"), [], id="single-interface-hosts"),
    pytest.param(
        SIX.replace("address: 2001:db8:51::81/64}", "address: 2001:db8:51::81/64, interfaces: [{name: eth0, address: 2001:db8:51::81/64}, "
                    "{name: eth1, address: 10.0.2.15/24, nat: true}]}"),
        [], id="ipv6-only-pools-need-no-ipv4-autodetection",
    ),
]


@pytest.mark.parametrize(("description", "edits"), FIRST_FOUND_FINE)
def test_autodetect_first_found_fine(tmp_path: Path, description: str, edits: list[Edit]) -> None:
    build(tmp_path, description, edits)
    assert lint(tmp_path / "cluster.yaml", select="calico-autodetect-first-found") == []


def test_standalone_files_carry_no_host_information(tmp_path: Path) -> None:
    lay_out(tmp_path, {
        "calico.yaml": manifest(),
        "installation.yaml": "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\n"
        "spec:\n  calicoNetwork:\n    nodeAddressAutodetectionV4:\n      firstFound: true\n",
    })
    assert lint(tmp_path, select="calico-autodetect-first-found") == []


# --- calico-autodetect-mismatch --------------------------------------------------------------

def _method(value: str) -> list[Edit]:
    return [("cluster.yaml", METHOD, f"    ipAutodetection: {value}\n")]


MISMATCH = [
    pytest.param("interface=eth.*", "interface:", "matches no interface of node cp-1 and 1 more (enp0s3, enp0s8)", id="interface-matches-nothing"),
    pytest.param("interface=enp0s3", "interface:", "matches only the NAT interface of node cp-1 and 1 more", id="interface-only-nat"),
    pytest.param("skip-interface=enp0s.*", "skipInterface:", "skips every interface of node cp-1 and 1 more", id="skip-everything"),
    pytest.param("skip-interface=enp0s8", "skipInterface:", "leaves only the NAT interface of node cp-1 and 1 more", id="skip-leaves-nat"),
    pytest.param("cidr=192.168.57.0/24", "cidrs:>- 192.168.57.0/24", "leaves out node cp-1 and 1 more (192.168.56.11)", id="cidr-leaves-out"),
    pytest.param("can-reach=8.8.8.8", "canReach:", "can-reach target 8.8.8.8 (8.8.8.8) is neither a node", id="can-reach-outside"),
    pytest.param("can-reach=10.0.2.15", "canReach:", "can-reach target 10.0.2.15 (10.0.2.15) is neither a node", id="can-reach-nat-address"),
    pytest.param("can-reach=www.example.org", "canReach:", "can-reach target 'www.example.org' is no node, endpoint", id="can-reach-unknown-name"),
]


@pytest.mark.parametrize(("value", "installation_line", "message"), MISMATCH)
def test_autodetect_mismatch(tmp_path: Path, value: str, installation_line: str, message: str) -> None:
    """At the description; the Installation rendered from it only once it is
    edited by hand (then at its value line)."""
    build(tmp_path, VBOX, _method(value))
    findings = lint(tmp_path / "cluster.yaml", select="calico-autodetect-mismatch")
    assert sorted(where(findings, tmp_path)) == [("cluster.yaml", 13, "calico-autodetect-mismatch")]
    edit(tmp_path / INSTALLATION, "  name: default\n", "  name: default\n  labels: {edited: x}\n")
    findings = lint(tmp_path / "cluster.yaml", select="calico-autodetect-mismatch")
    assert sorted(where(findings, tmp_path)) == [
        ("cluster.yaml", 13, "calico-autodetect-mismatch"),
        (INSTALLATION, line_of(tmp_path / INSTALLATION, installation_line), "calico-autodetect-mismatch"),
    ]
    assert all(message in f.message for f in findings), [f.message for f in findings]


def test_autodetect_mismatch_full_message(tmp_path: Path) -> None:
    build(tmp_path, VBOX, _method("cidr=192.168.57.0/24"))
    assert [f.message for f in lint(tmp_path / "cluster.yaml", select="calico-autodetect-mismatch")][0] == (
        "spec.calico.ipAutodetection: cidr=192.168.57.0/24 leaves out node cp-1 and 1 more (192.168.56.11): "
        "Calico finds no address there and calico-node does not start"
    )


def test_bad_method_in_the_description(tmp_path: Path) -> None:
    lay_out(tmp_path, {"cluster.yaml": VBOX.replace(METHOD, "    ipAutodetection: interfaces=enp0s8\n")})
    findings = lint(tmp_path, select="calico-autodetect-mismatch,cluster-schema")
    assert [(f.line, f.rule, f.message) for f in findings] == [
        (13, "calico-autodetect-mismatch",
         "spec.calico.ipAutodetection: unknown autodetection method 'interfaces' (one of: first-found, can-reach, "
         "interface, skip-interface, cidr, kubernetes-internal-ip)"),
    ]


INSTALLATION_HEAD = "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\nspec:\n  calicoNetwork:\n"

MISMATCH_STANDALONE = [
    pytest.param({"calico.yaml": manifest(env(("IP_AUTODETECTION_METHOD", '"interface=("')))}, [("calico.yaml", 14)], id="manifest-bad-regex"),
    pytest.param({"calico.yaml": manifest(env(("IP_AUTODETECTION_METHOD", "bogus")))}, [("calico.yaml", 14)], id="manifest-unknown-method"),
    pytest.param({"calico.yaml": manifest(env(("IP6_AUTODETECTION_METHOD", "first-found=x")))}, [("calico.yaml", 14)], id="manifest-ipv6-value-not-taken"),
    pytest.param(
        {"calico.yaml": manifest(env(("IP_AUTODETECTION_METHOD", "kubernetes-internal-ip")), image="docker.io/calico/node:v3.20.1")},
        [("calico.yaml", 14)], id="kubernetes-internal-ip-too-old",
    ),
    pytest.param(
        {"i.yaml": INSTALLATION_HEAD + "    nodeAddressAutodetectionV4:\n      firstFound: true\n      interface: eth0\n"},
        [("i.yaml", 7)], id="installation-two-methods",
    ),
    pytest.param(
        {"i.yaml": INSTALLATION_HEAD + "    nodeAddressAutodetectionV4:\n      kubernetes: ExternalIP\n"}, [("i.yaml", 8)],
        id="installation-bad-kubernetes",
    ),
    pytest.param(
        {"i.yaml": INSTALLATION_HEAD + "    nodeAddressAutodetectionV6:\n      cidrs: [\"2001:db8::1/64\"]\n"}, [("i.yaml", 8)],
        id="installation-cidr-host-bits",
    ),
]


@pytest.mark.parametrize(("files", "expected"), MISMATCH_STANDALONE)
def test_autodetect_mismatch_standalone(tmp_path: Path, files: dict[str, str], expected: list[tuple[str, int]]) -> None:
    lay_out(tmp_path, files)
    assert found(tmp_path, rule="calico-autodetect-mismatch", root=tmp_path) == [(p, n, "calico-autodetect-mismatch") for p, n in expected]


def test_kubernetes_internal_ip_message(tmp_path: Path) -> None:
    lay_out(tmp_path, {"calico.yaml": manifest(env(("IP_AUTODETECTION_METHOD", "kubernetes-internal-ip")), image="docker.io/calico/node:v3.20.1")})
    assert [f.message for f in lint(tmp_path, select="calico-autodetect-mismatch")] == [
        "IP_AUTODETECTION_METHOD: kubernetes-internal-ip needs Calico v3.22 or later, but the calico-node image is "
        "docker.io/calico/node:v3.20.1: calico-node terminates with 'Invalid IP autodetection method'",
    ]


MISMATCH_FINE = [
    pytest.param("can-reach=192.168.56.11", id="can-reach-node"),
    pytest.param("can-reach=k8s-api", id="can-reach-host-name"),
    pytest.param("can-reach=cp-1", id="can-reach-node-name"),
    pytest.param("can-reach=192.168.56.1", id="can-reach-inside-node-network"),
    pytest.param("interface=enp0s8", id="interface"),
    pytest.param("interface=enp0s[38]", id="interface-nat-and-cluster"),
    pytest.param("interface=eth.*, enp0s8", id="interface-list-with-space"),
    pytest.param("skip-interface=enp0s3", id="skip-nat"),
    pytest.param("cidr=192.168.56.0/24", id="cidr"),
    pytest.param("cidr=192.168.0.0/16,10.9.0.0/16", id="cidr-superset"),
    pytest.param("kubernetes-internal-ip", id="kubernetes-internal-ip"),
]


@pytest.mark.parametrize("value", MISMATCH_FINE)
def test_autodetect_fine(tmp_path: Path, value: str) -> None:
    build(tmp_path, VBOX, _method(value))
    assert lint(tmp_path / "cluster.yaml", select="calico-autodetect-mismatch") == []


MISMATCH_STANDALONE_FINE = [
    pytest.param({"calico.yaml": manifest(env(("IP_AUTODETECTION_METHOD", "interface=eth.*")))}, id="no-host-information"),
    pytest.param({"calico.yaml": manifest(env(("IP_AUTODETECTION_METHOD", "kubernetes-internal-ip")), image="quay.io/calico/node:v3.32.1")}, id="new-enough"),
    pytest.param({"calico.yaml": manifest(env(("IP", '"10.0.0.5"'), ("IP_AUTODETECTION_METHOD", "first-found")))}, id="fixed-ip"),
    pytest.param({"i.yaml": INSTALLATION_HEAD + "    nodeAddressAutodetectionV4:\n      firstFound: false\n      canReach: 10.0.0.1\n"}, id="first-found-false"),
]


@pytest.mark.parametrize("files", MISMATCH_STANDALONE_FINE)
def test_autodetect_standalone_fine(tmp_path: Path, files: dict[str, str]) -> None:
    lay_out(tmp_path, files)
    assert lint(tmp_path, select=",".join(NAMES[2:])) == []


# --- calico-manifest -------------------------------------------------------------------------
# (issue 10: lint said nothing about a missing manifest that render refuses)

MANIFEST_MODE = BASE_CLUSTER.replace("  loadBalancer:", "  calico:\n    mode: manifest\n    manifest: upstream/calico.yaml\n  loadBalancer:")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {"cluster.yaml": MANIFEST_MODE},
            "spec.calico.manifest 'upstream/calico.yaml': {root}/upstream/calico.yaml does not exist; kconf render patches "
            "the upstream calico.yaml there: download it or correct the path",
            id="missing",
        ),
        pytest.param(
            {"cluster.yaml": MANIFEST_MODE, "upstream/calico.yaml/README": "x\n"},
            "spec.calico.manifest 'upstream/calico.yaml': {root}/upstream/calico.yaml is a folder; kconf render patches "
            "the upstream calico.yaml there: download it or correct the path",
            id="a-folder",
        ),
    ],
)
def test_calico_manifest_missing(tmp_path: Path, files: dict[str, str], message: str) -> None:
    lay_out(tmp_path, files)
    (tmp_path / "lab").mkdir()  # rendered before: rendered-drift must not say it a second time
    findings = lint(tmp_path)
    assert [(f.rule, f.line, f.column, f.message) for f in findings] == [("calico-manifest", 13, 15, message.format(root=tmp_path))]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"cluster.yaml": MANIFEST_MODE, "upstream/calico.yaml": "kind: DaemonSet\n"}, id="present"),
        pytest.param({"cluster.yaml": BASE_CLUSTER}, id="operator-mode"),
        pytest.param({"cluster.yaml": MANIFEST_MODE.replace("    manifest: upstream/calico.yaml\n", "")}, id="field-missing-is-cluster-schema"),
    ],
)
def test_calico_manifest_fine(tmp_path: Path, files: dict[str, str]) -> None:
    lay_out(tmp_path, files)
    assert lint(tmp_path, select="calico-manifest") == []


# --- dual stack: a pool and an autodetection per family ------------------------------------------

# 10 podSubnet, 13 mode, 14 ipAutodetection (a spare line: replace it), 17-22 the nodes.
DUAL = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  kubernetesVersion: v1.33.5
  criSocket: unix:///run/containerd/containerd.sock
  networking:
    serviceSubnet: 10.96.0.0/12,fd00:10:96::/112
    podSubnet: 10.244.0.0/16,fd00:10:244::/56
  calico:
    encapsulation: VXLAN
    mode: operator
    blockSize: 26
  nodes:
    - name: cp-1
      role: control-plane
      address: 192.168.51.81/24,fd00:51::81/64
    - name: worker-1
      role: worker
      address: 192.168.51.91/24,fd00:51::91/64
"""
DUAL_MANIFEST = DUAL.replace("    mode: operator\n", "    mode: manifest\n    manifest: upstream/calico.yaml\n")
IPV6_POOL = "      - cidr: fd00:10:244::/56\n        blockSize: 122\n        encapsulation: VXLAN\n        natOutgoing: Enabled\n        nodeSelector: all()\n"
V6_CIDRS = "    nodeAddressAutodetectionV6:\n      cidrs:\n        - fd00:51::/64\n"

# (files laid out, a description rendered first or None, hand edits, [(file, line, rule)], the first message)
DUAL_FINDINGS = [
    pytest.param(
        {}, DUAL, ((INSTALLATION, IPV6_POOL, ""),), [(INSTALLATION, 8, "calico-pool-mismatch")],
        "ipPools have no IPv6 pool, but the description's podSubnet has the IPv6 CIDR fd00:10:244::/56: pods get no IPv6 "
        "address; add a pool with cidr fd00:10:244::/56 (blockSize 122)",
        id="installation-without-ipv6-pool",
    ),
    pytest.param(
        {MANIFEST: manifest(env(("CALICO_IPV4POOL_CIDR", "10.244.0.0/16"), ("IP_AUTODETECTION_METHOD", "cidr=192.168.51.0/24")))}, DUAL, (),
        [(MANIFEST, 12, "calico-pool-mismatch")],
        "CALICO_IPV6POOL_CIDR is not set, but the description's podSubnet has the IPv6 CIDR fd00:10:244::/56: pods get no "
        "IPv6 address; set it with `kconf calico patch --ipv6-pod-cidr fd00:10:244::/56` (which also sets IP6, "
        "FELIX_IPV6SUPPORT and the CNI's assign_ipv6), or re-render",
        id="manifest-without-ipv6-pool",
    ),
    pytest.param(
        {"cluster.yaml": DUAL.replace("    blockSize: 26\n", "    ipAutodetection: cidr=192.168.51.0/24,fd00:99::/64\n")}, None, (),
        [("cluster.yaml", 14, "calico-autodetect-mismatch")],
        "spec.calico.ipAutodetection: cidr=192.168.51.0/24,fd00:99::/64 leaves out node cp-1 and 1 more (fd00:51::81): "
        "Calico finds no address there and calico-node does not start",
        id="described-cidr-misses-the-ipv6-nodes",
    ),
    pytest.param(
        {}, DUAL, ((INSTALLATION, V6_CIDRS, V6_CIDRS.replace("fd00:51::/64", "fd00:52::/64")),), [(INSTALLATION, 24, "calico-autodetect-mismatch")],
        "spec.calicoNetwork.nodeAddressAutodetectionV6: cidr=fd00:52::/64 leaves out node cp-1 and 1 more (fd00:51::81): Calico "
        "finds no address there and calico-node does not start",
        id="installation-v6-cidrs-miss-the-nodes",
    ),
]

DUAL_FINE = [
    pytest.param({}, DUAL, (), id="rendered"),
    pytest.param({}, DUAL.replace("    blockSize: 26\n", "    ipAutodetection: cidr=192.168.51.0/24\n"), (), id="ipv4-cidr-ipv6-default"),
    pytest.param({}, DUAL.replace("    blockSize: 26\n", "    ipAutodetection: interface=enp0s8\n"), (), id="interface-both-families"),
    pytest.param(
        {MANIFEST: manifest(env(("CALICO_IPV4POOL_CIDR", "10.244.0.0/16"), ("CALICO_IPV6POOL_CIDR", "fd00:10:244::/56"),
                                ("IP_AUTODETECTION_METHOD", "cidr=192.168.51.0/24"), ("IP6_AUTODETECTION_METHOD", "cidr=fd00:51::/64")))},
        DUAL, (), id="dual-stack-manifest",
    ),
    pytest.param({"cluster.yaml": DUAL_MANIFEST.replace("10.244.0.0/16,fd00:10:244::/56", "10.244.0.0/16"), "upstream/calico.yaml": manifest()}, None, (),
                 id="single-stack-manifest-mode"),
    # IPv6 first: nodeCIDRMaskSize 64 is IPv6's; the IPv4 blocks of /26 fit IPv4's default /24 node CIDRs
    pytest.param({}, DUAL.replace("10.244.0.0/16,fd00:10:244::/56", "fd00:10:244::/56,10.244.0.0/16")
                 .replace("10.96.0.0/12,fd00:10:96::/112", "fd00:10:96::/112,10.96.0.0/12")
                 .replace("192.168.51.81/24,fd00:51::81/64", "fd00:51::81/64,192.168.51.81/24")
                 .replace("192.168.51.91/24,fd00:51::91/64", "fd00:51::91/64,192.168.51.91/24")
                 .replace("    podSubnet:", "    nodeCIDRMaskSize: 64\n    podSubnet:"), (), id="ipv6-first-node-mask-is-ipv6s"),
    # manifest mode writes the IPv6 pool and its autodetection too
    pytest.param({"upstream/calico.yaml": "v3.28.5/calico.yaml"}, DUAL_MANIFEST, (), id="rendered-manifest-mode"),
    pytest.param({"upstream/calico.yaml": "v3.32.1/calico.yaml"}, DUAL_MANIFEST.replace("    blockSize: 26\n", "    ipAutodetection: interface=enp0s8\n"), (),
                 id="rendered-manifest-mode-interface"),
]
DUAL_RULES = "calico-pool-mismatch,calico-autodetect-mismatch,calico-autodetect-first-found,calico-pool-capacity"


def laid(root: Path, files: dict[str, str], description: str | None, edits: Sequence[Edit]) -> Path:
    """The files (a corpus manifest named by its corpus path), then the description rendered."""
    corpus = {name: (require_corpus() / text).read_text() for name, text in files.items() if text.endswith("/calico.yaml")}
    lay_out(root, {**files, **corpus})
    if description is not None:
        build(root, description, edits)
    return root


@pytest.mark.parametrize(("files", "description", "edits", "expected", "message"), DUAL_FINDINGS)
def test_dual_stack_calico_findings(
    tmp_path: Path, files: dict[str, str], description: str | None, edits: Sequence[Edit], expected: list[tuple[str, int, str]], message: str
) -> None:
    laid(tmp_path, files, description, edits)
    findings = lint(tmp_path, select=DUAL_RULES)
    assert sorted(where(findings, tmp_path)) == expected
    assert findings[0].message == message


@pytest.mark.parametrize(("files", "description", "edits"), DUAL_FINE)
def test_dual_stack_calico_fine(tmp_path: Path, files: dict[str, str], description: str | None, edits: Sequence[Edit]) -> None:
    laid(tmp_path, files, description, edits)
    assert where(lint(tmp_path, select=DUAL_RULES), tmp_path) == []
