"""yaml-syntax, cluster-schema, kubeadm-schema, kubeadm-api-version: the exact findings.

Written for the mutants of kconf/lint/rules/files.py that survived the rest of
the suite (see tools/mutation/run): every row gives (file, line, column, rule,
severity, message) of each finding of these four rules.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lintkit import BASE_CLUSTER, lay_out, lint
from test_lint_files import NAMES, kubeadm

DEPRECATED = "kubeadm.k8s.io/v1beta3 is deprecated from Kubernetes 1.31 (kubernetesVersion is 1.31); move to v1beta4 before 1.37 removes it"
REMOVED_V1BETA3 = "kubeadm.k8s.io/v1beta3 was removed in Kubernetes 1.37; kubernetesVersion is 1.37: use kubeadm.k8s.io/v1beta4"
# v1beta1/v1beta2 a kubeadm still reads: kconf has no schemas of them, so one warning says their fields were not checked
UNCHECKED = (
    "kubeadm.k8s.io/{0}: {1} reads it, but kconf's schemas cover only v1beta3 and v1beta4, so its fields are not "
    "checked (kubeadm {2} and later refuse it: migrate with `kubeadm config migrate`)"
)
CONFIG_MAP = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kubeadm-config\n  namespace: kube-system\ndata:\n"
    "  ClusterConfiguration: |\n    apiVersion: kubeadm.k8s.io/v1beta3\n    kind: ClusterConfiguration\n    kubernetesVersion: v1.37.0\n"
)


def findings(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, int, str, str, str]]:
    lay_out(tmp_path, files)
    return [
        (os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.severity, f.message)
        for name in NAMES
        for f in lint(tmp_path, select=name)
    ]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # v1beta1/v1beta2 are this rule's alone (kubeadm-schema has no schemas of them): one finding per document
        pytest.param({"k.yaml": kubeadm("v1beta2", "v1.27.0")}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "error", "kubeadm.k8s.io/v1beta2 was removed in Kubernetes 1.27; kubernetesVersion is 1.27: use kubeadm.k8s.io/v1beta3"),
        ], id="v1beta2-on-1.27"),
        pytest.param({"k.yaml": kubeadm("v1beta2", "v1.31.0")}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "error", "kubeadm.k8s.io/v1beta2 was removed in Kubernetes 1.27; kubernetesVersion is 1.31: use kubeadm.k8s.io/v1beta4"),
        ], id="v1beta2-on-1.31-advises-v1beta4"),
        pytest.param({"k.yaml": kubeadm("v1beta2", "v1.26.3")}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "warning", UNCHECKED.format("v1beta2", "kubernetesVersion 1.26", "1.27")),
        ], id="v1beta2-on-1.26-unchecked"),
        pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta2\nkind: InitConfiguration\n"}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "warning", UNCHECKED.format("v1beta2", "kubeadm up to 1.26", "1.27")),
        ], id="v1beta2-without-kubernetes-version-unchecked"),
        pytest.param({"k.yaml": kubeadm("v1beta1", "v1.21.9")}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "warning", UNCHECKED.format("v1beta1", "kubernetesVersion 1.21", "1.22")),
        ], id="v1beta1-on-1.21-unchecked"),
        pytest.param({"k.yaml": kubeadm("v1beta1", "v1.22.0")}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "error", "kubeadm.k8s.io/v1beta1 was removed in Kubernetes 1.22; kubernetesVersion is 1.22: use kubeadm.k8s.io/v1beta3"),
        ], id="v1beta1-on-1.22"),
        # upstream kubeadm v1.36 still reads v1beta3; 1.37 removes it
        pytest.param({"k.yaml": kubeadm("v1beta3", "v1.36.0")}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "warning", DEPRECATED.replace("is 1.31", "is 1.36")),
        ], id="v1beta3-on-1.36-still-read"),
        pytest.param({"k.yaml": kubeadm("v1beta3", "v1.37.0")}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "error", REMOVED_V1BETA3),
        ], id="v1beta3-on-1.37"),
        pytest.param({"k.yaml": kubeadm("v1beta4", "v1.30.9")}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "error", "kubeadm.k8s.io/v1beta4 needs Kubernetes 1.31 or later; kubernetesVersion is 1.30"),
        ], id="v1beta4-on-1.30"),
        pytest.param({"k.yaml": kubeadm("v1beta3", "v1.21.0")}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "error", "kubeadm.k8s.io/v1beta3 needs Kubernetes 1.22 or later; kubernetesVersion is 1.21"),
        ], id="v1beta3-on-1.21"),
        pytest.param({"k.yaml": kubeadm("v1beta3", "1.31.0")}, [("k.yaml", 1, 13, "kubeadm-api-version", "warning", DEPRECATED)], id="v1beta3-on-1.31-without-v"),
        pytest.param({"k.yaml": kubeadm("v1beta3", "v1.30.0")}, [], id="v1beta3-on-1.30"),
        pytest.param({"k.yaml": kubeadm("v1beta4", "v1.31.0")}, [], id="v1beta4-on-1.31"),
        pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: 36\n"}, [
            ("k.yaml", 3, 20, "kubeadm-schema", "error", "kubernetesVersion: 36 was read as a number; quote it if it is meant as text"),
        ], id="version-not-a-string"),
        pytest.param({"k.yaml": kubeadm("v1beta4", "v1.31.0") + "---\napiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n"}, [
            ("k.yaml", 6, 13, "kubeadm-api-version", "error",
             "several kubeadm apiVersions in one file (kubeadm.k8s.io/v1beta3, kubeadm.k8s.io/v1beta4); kubeadm reads one"),
            ("k.yaml", 6, 13, "kubeadm-api-version", "warning", DEPRECATED),
        ], id="mixed"),
        pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n---\n" + kubeadm("v1beta3", "v1.37.1")}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "error", REMOVED_V1BETA3),
            ("k.yaml", 4, 13, "kubeadm-api-version", "error", REMOVED_V1BETA3),
        ], id="every-document-on-the-file's-version"),
        pytest.param({"cm.yaml": CONFIG_MAP}, [
            ("cm.yaml", 8, 17, "kubeadm-api-version", "error", REMOVED_V1BETA3),
        ], id="configmap"),
        pytest.param({"a.yaml": kubeadm("v1beta4", "v1.31.0"), "cm.yaml": CONFIG_MAP}, [
            ("cm.yaml", 8, 17, "kubeadm-api-version", "error", REMOVED_V1BETA3),
        ], id="configmap-after-a-kubeadm-file"),
        pytest.param({"z.yaml": kubeadm("v1beta4", "v1.31.0"), "cm.yaml": CONFIG_MAP}, [
            ("cm.yaml", 8, 17, "kubeadm-api-version", "error", REMOVED_V1BETA3),
        ], id="configmap-before-a-kubeadm-file"),
        # the version is what follows the last '/': kubeadm-schema leaves a .../v1beta2 to kubeadm-api-version
        pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/x/v1beta2\nkind: ClusterConfiguration\nkubernetesVersion: v1.26.0\n"}, [
            ("k.yaml", 1, 13, "kubeadm-api-version", "warning", UNCHECKED.format("v1beta2", "kubernetesVersion 1.26", "1.27")),
        ], id="version-after-the-last-slash"),
        # kubeadm-schema: a file kubeadm cannot split (a comment alone between two '---' lines)
        pytest.param({"k.yaml": kubeadm("v1beta4", "v1.31.0") + "---\n# only a comment\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"}, [
            ("k.yaml", 6, 1, "kubeadm-schema", "error",
             "kubeadm splits the file at each '---' line, and line 6 holds no document with a grouped apiVersion and a kind: "
             "kubeadm refuses the file ('kind and apiVersion is mandatory information'); remove the '---' line or name apiVersion and kind"),
        ], id="split-comment-alone"),
        # kubeadm-schema skips a v1beta2 document and goes on to check the next one
        pytest.param({"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta2\nkind: InitConfiguration\n---\n" + kubeadm("v1beta4", "v1.31.0", "foo: 1\n")}, [
            ("k.yaml", 8, 1, "kubeadm-schema", "error",
             "foo: unknown field 'foo' (known fields: apiServer, apiVersion, caCertificateValidityPeriod, certificateValidityPeriod, "
             "certificatesDir, clusterName, controlPlaneEndpoint, controllerManager, dns, encryptionAlgorithm, etcd, featureGates, "
             "imageRepository, kind, kubernetesVersion, networking, proxy, scheduler)"),
            ("k.yaml", 1, 13, "kubeadm-api-version", "error", "kubeadm.k8s.io/v1beta2 was removed in Kubernetes 1.27; kubernetesVersion is 1.31: use kubeadm.k8s.io/v1beta4"),
            ("k.yaml", 4, 13, "kubeadm-api-version", "error",
             "several kubeadm apiVersions in one file (kubeadm.k8s.io/v1beta2, kubeadm.k8s.io/v1beta4); kubeadm reads one"),
        ], id="schema-checked-after-an-unchecked-v1beta2"),
        # the group is what comes before the first '/': a version with a '/' in it is no version kubeadm reads
        pytest.param({"k.yaml": kubeadm("v1beta4", "v1.31.0") + "---\napiVersion: kubelet.config.k8s.io/v1beta1/x\nkind: KubeletConfiguration\n"}, [
            ("k.yaml", 6, 13, "component-config-api-version", "error",
             "kubelet.config.k8s.io/v1beta1/x does not exist: kubeadm reads kubelet.config.k8s.io/v1beta1 KubeletConfiguration only; "
             "write apiVersion kubelet.config.k8s.io/v1beta1"),
        ], id="component-config-version-with-a-slash"),
    ],
)
def test_kubeadm_version_findings(tmp_path: Path, files: dict[str, str], expected: list[tuple[str, int, int, str, str, str]]) -> None:
    assert findings(tmp_path, files) == expected


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        pytest.param(BASE_CLUSTER.replace("  criSocket:", "  criSockets:"),
                     [(8, 3, "spec.criSockets: unknown field 'criSockets' (did you mean 'criSocket'?)")], id="unknown-field-at-its-key"),
        pytest.param(BASE_CLUSTER.replace("    port: 6443", "    port: '6443'"),
                     [(14, 11, "spec.loadBalancer.port: '6443' is a string, expected integer")], id="wrong-type-at-its-value"),
        pytest.param(BASE_CLUSTER.replace("role: control-plane", "role: worker"),
                     [(18, 5, "spec.nodes: no node has role control-plane: one of them runs kubeadm init")], id="build-error-with-field"),
        pytest.param(BASE_CLUSTER.replace("kubernetesVersion: v1.31.2", "kubernetesVersion: v1.21.0"),
                     [(6, 22, "spec.kubernetesVersion: v1.21.0 is older than 1.22: kconf writes kubeadm v1beta3/v1beta4 configs, "
                              "which need kubeadm 1.22 or later (upgrade the cluster plan, or write kubeadm v1beta2 by hand)")], id="too-old"),
        pytest.param("apiVersion: kconf/v1alpha1\nkind: Cluster\n", [(1, 1, "'metadata' is required"), (1, 1, "'spec' is required")], id="required"),
        pytest.param(BASE_CLUSTER.replace("name: worker-1", "name: Worker_1"),
                     [(27, 13, "spec.nodes[3].name: 'Worker_1' is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')")],
                     id="bad-node-name-is-not-duplicate-node-address"),
        pytest.param(BASE_CLUSTER.replace("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.1/16").replace("  criSocket:", "  criSockets:"),
                     [(8, 3, "spec.criSockets: unknown field 'criSockets' (did you mean 'criSocket'?)")], id="after-an-issue-reported-elsewhere"),
        pytest.param(BASE_CLUSTER.replace("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.1/16").replace("      role: worker\n", "      role: worker\n      foo: 1\n"),
                     [(29, 7, "spec.nodes[3].foo: unknown field 'foo' (known fields: address, bindPort, criSocket, interfaces, labels, name, role, taints)")],
                     id="a-node-issue-after-one-reported-elsewhere"),
        # these belong to cidr-host-bits, cri-socket and duplicate-node-address
        pytest.param(BASE_CLUSTER.replace("podSubnet: 172.16.0.0/16", "podSubnet: 172.16.0.1/16"), [], id="pod-subnet-host-bits"),
        pytest.param(BASE_CLUSTER.replace("      role: worker\n", "      role: worker\n      criSocket: bogus\n"), [], id="node-cri-socket"),
        pytest.param(BASE_CLUSTER.replace("name: worker-1", "name: cp-1"), [], id="duplicate-node-name"),
    ],
)
def test_cluster_schema_findings(tmp_path: Path, description: str, expected: list[tuple[int, int, str]]) -> None:
    assert findings(tmp_path, {"cluster.yaml": description}) == [
        ("cluster.yaml", line, column, "cluster-schema", "error", message) for line, column, message in expected
    ]


def test_yaml_syntax_finding(tmp_path: Path) -> None:
    assert findings(tmp_path, {"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: [\n"}) == [
        ("k.yaml", 3, 1, "yaml-syntax", "error", "invalid YAML: did not find expected node content")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # yaml_syntax 18: the error's column, not 1
        pytest.param("kind: a: c\n", (2, 8, "invalid YAML: mapping values are not allowed in this context"), id="mapping-value"),
        pytest.param("kind: InitConfiguration\nnodeRegistration: {name: a, name: b}\n",
                     (3, 29, "duplicate key 'name' (kubeadm's strict decoder rejects it too)"), id="duplicate-key-in-a-flow-mapping"),
    ],
)
def test_yaml_syntax_finding_is_at_the_errors_column(tmp_path: Path, text: str, expected: tuple[int, int, str]) -> None:
    line, column, message = expected
    assert findings(tmp_path, {"k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\n" + text}) == [
        ("k.yaml", line, column, "yaml-syntax", "error", message)
    ]


def test_a_file_too_big_to_load_is_reported_at_line_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kconf.yamlio

    monkeypatch.setattr(kconf.yamlio, "MAX_BYTES", 10)
    assert findings(tmp_path, {"k.yaml": kubeadm("v1beta4", "v1.31.0")}) == [
        ("k.yaml", 1, 1, "yaml-syntax", "error", "file is 124 bytes; kconf reads YAML files up to 10 bytes")
    ]


# --- the rule functions on groups built by hand: orders and files the folder layout cannot give ---

from kconf.errors import KconfError  # noqa: E402
from kconf.lint.model import BrokenFile, ClusterFile, Group, Loc, RawFinding  # noqa: E402
from kconf.lint.rules import files as rules_files  # noqa: E402
from kconf.lint.sources import recognise  # noqa: E402
from kconf.schemacheck import SchemaIssue  # noqa: E402


def _cluster_file(path: str, issues: list[SchemaIssue], problems: list[KconfError]) -> ClusterFile:
    source = recognise(path, BASE_CLUSTER.encode())
    assert isinstance(source, ClusterFile) and source.view is not None
    source.schema_issues, source.problems = issues, problems
    return source


def test_yaml_syntax_goes_on_after_a_broken_file_without_an_error() -> None:
    group = Group([BrokenFile("a.yaml", "", error=None), BrokenFile("b.yaml", "", error=KconfError("bad", line=3))])
    assert list(rules_files.yaml_syntax(group)) == [RawFinding("yaml-syntax", Loc("b.yaml", 3, 1), "bad")]


@pytest.mark.parametrize(
    ("issues", "problems", "expected"),
    [
        # an issue another rule reports, then one of the schema's own
        pytest.param([SchemaIssue(("spec", "criSocket"), "bad"), SchemaIssue(("spec", "foo"), "unknown field 'foo'")], [],
                     [RawFinding("cluster-schema", Loc("c.yaml", 5, 1), "spec.foo: unknown field 'foo'")], id="issue-after-one-elsewhere"),
        pytest.param([], [KconfError("bad", field=("spec", "criSocket")), KconfError("worse", field=("spec", "kubernetesVersion"))],
                     [RawFinding("cluster-schema", Loc("c.yaml", 6, 22), "spec.kubernetesVersion: worse")], id="problem-after-one-elsewhere"),
        # a build error without a field: at its line (1 when it has none), its message alone
        pytest.param([], [KconfError("no field", line=7)], [RawFinding("cluster-schema", Loc("c.yaml", 7, 1), "no field")], id="problem-at-its-line"),
        pytest.param([], [KconfError("no line")], [RawFinding("cluster-schema", Loc("c.yaml", 1, 1), "no line")], id="problem-at-line-1"),
        # a value over its length limit is the schema's, even in a field a value rule owns
        pytest.param([SchemaIssue(("spec", "criSocket"), "is 300 characters long; at most 255")], [],
                     [RawFinding("cluster-schema", Loc("c.yaml", 8, 14), "spec.criSocket: is 300 characters long; at most 255")], id="too-long"),
    ],
)
def test_cluster_schema_of_a_hand_built_file(issues: list[SchemaIssue], problems: list[KconfError], expected: list[RawFinding]) -> None:
    empty = ClusterFile("a.yaml", "", view=None)
    assert list(rules_files.cluster_schema(Group([empty, _cluster_file("c.yaml", issues, problems)]))) == expected


@pytest.mark.parametrize(
    ("field", "message", "expected"),
    [
        (("spec", "criSocket"), "is 300 characters long; at most 255", False),
        (("spec", "criSocket"), "bad", True),
        (("spec", "nodes", 0, "name"), "duplicate node name 'a'", True),
        (("spec", "nodes", 0, "name"), "is too long", False),
    ],
)
def test_reported_elsewhere(field: tuple[str | int, ...], message: str, expected: bool) -> None:
    assert rules_files.reported_elsewhere(field, message) is expected


def test_configmap_after_a_kubeadm_file_in_one_group() -> None:
    kubeadm_file = recognise("a.yaml", kubeadm("v1beta4", "v1.31.0").encode())
    config_map = recognise("cm.yaml", CONFIG_MAP.encode())
    found = list(rules_files.kubeadm_api_version(Group([kubeadm_file, config_map])))
    assert [(f.loc, f.message) for f in found] == [(Loc("cm.yaml", 8, 17), REMOVED_V1BETA3)]

