"""Recognition: every file kconf writes is read as what it is; a description
with the wrong apiVersion is a finding; files named and not recognised are
said in the summary (exit still 0)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import GOLDEN, require_corpus, run_cli
from kconf.lint.engine import lint_files
from kconf.lint.model import (
    CalicoManifestFile,
    ClusterFile,
    ConfigMapFile,
    GeneratedFile,
    HAProxyFile,
    InstallationFile,
    KeepalivedFile,
    KubeadmFile,
    KubeVipFile,
    SourceFile,
)
from kconf.lint.settings import Settings
from kconf.lint.sources import read
from lintkit import BASE_CLUSTER, lay_out

# Every file render writes for each golden case (and a manifest-mode one), and
# the kind of source lint must read it as. Written down: a file render starts
# or stops writing fails here until this table says so.
RENDERED: dict[str, dict[str, type[SourceFile]]] = {
    "aws": {
        "PLAN.md": GeneratedFile,
        "calico-installation.yaml": InstallationFile,
        "hosts": GeneratedFile,
        "join-ip-10-0-2-20.eu-west-1.compute.internal.sh": GeneratedFile,
        "join-ip-10-0-3-30.eu-west-1.compute.internal.sh": GeneratedFile,
        "kubeadm-init.yaml": KubeadmFile,
        "kubeadm-join-ip-10-0-2-20.eu-west-1.compute.internal.yaml": KubeadmFile,
        "kubeadm-upgrade.yaml": KubeadmFile,  # Kubernetes 1.31 and later
        "kubeadm-join-ip-10-0-3-30.eu-west-1.compute.internal.yaml": KubeadmFile,
    },
    "dual-stack": {
        "PLAN.md": GeneratedFile,
        "calico-installation.yaml": InstallationFile,
        "haproxy.cfg": HAProxyFile,
        "hosts": GeneratedFile,
        **{f"join-dual-{n}.sh": GeneratedFile for n in ("cp-2", "cp-3", "worker-1", "worker-2")},
        "kubeadm-init.yaml": KubeadmFile,
        **{f"kubeadm-join-dual-{n}.yaml": KubeadmFile for n in ("cp-2", "cp-3", "worker-1", "worker-2")},
        "kubeadm-upgrade.yaml": KubeadmFile,  # Kubernetes 1.31 and later
    },
    "ha-haproxy": {
        "PLAN.md": GeneratedFile,
        "calico-installation.yaml": InstallationFile,
        "haproxy.cfg": HAProxyFile,
        "hosts": GeneratedFile,
        **{f"join-cka-{n}.sh": GeneratedFile for n in ("cp-2", "cp-3", "worker-1", "worker-2", "worker-3")},
        "kubeadm-init.yaml": KubeadmFile,
        **{f"kubeadm-join-cka-{n}.yaml": KubeadmFile for n in ("cp-2", "cp-3", "worker-1", "worker-2", "worker-3")},
        "kubeadm-upgrade.yaml": KubeadmFile,  # Kubernetes 1.31 and later
    },
    "ha-keepalived": {
        "PLAN.md": GeneratedFile,
        "calico-installation.yaml": InstallationFile,
        "check_apiserver.sh": GeneratedFile,
        "haproxy.cfg": HAProxyFile,
        "hosts": GeneratedFile,
        **{f"join-cka-{n}.sh": GeneratedFile for n in ("cp-2", "cp-3", "worker-1", "worker-2", "worker-3")},
        "keepalived-cka-hap-1.conf": KeepalivedFile,
        "keepalived-cka-hap-2.conf": KeepalivedFile,
        "kubeadm-init.yaml": KubeadmFile,
        **{f"kubeadm-join-cka-{n}.yaml": KubeadmFile for n in ("cp-2", "cp-3", "worker-1", "worker-2", "worker-3")},
        "kubeadm-upgrade.yaml": KubeadmFile,  # Kubernetes 1.31 and later
    },
    "ha-kube-vip": {
        "PLAN.md": GeneratedFile,
        "calico-installation.yaml": InstallationFile,
        "hosts": GeneratedFile,
        **{f"join-vip-{n}.sh": GeneratedFile for n in ("cp-2", "cp-3", "worker-1", "worker-2")},
        **{f"kube-vip-vip-cp-{n}.yaml": KubeVipFile for n in (1, 2, 3)},
        "kubeadm-init.yaml": KubeadmFile,
        **{f"kubeadm-join-vip-{n}.yaml": KubeadmFile for n in ("cp-2", "cp-3", "worker-1", "worker-2")},
        "kubeadm-upgrade.yaml": KubeadmFile,  # Kubernetes 1.31 and later
    },
    "virtualbox-lab": {
        "PLAN.md": GeneratedFile,
        "calico-installation.yaml": InstallationFile,
        "hosts": GeneratedFile,
        "join-vbox-worker-1.sh": GeneratedFile,
        "join-vbox-worker-2.sh": GeneratedFile,
        "kubeadm-init.yaml": KubeadmFile,
        "kubeadm-join-vbox-worker-1.yaml": KubeadmFile,
        "kubeadm-join-vbox-worker-2.yaml": KubeadmFile,
    },
    "manifest-mode": {
        "PLAN.md": GeneratedFile,
        "calico.yaml": CalicoManifestFile,
        "haproxy.cfg": HAProxyFile,
        "hosts": GeneratedFile,
        **{f"join-{n}.sh": GeneratedFile for n in ("cp-2", "cp-3", "worker-1")},
        "kubeadm-init.yaml": KubeadmFile,
        **{f"kubeadm-join-{n}.yaml": KubeadmFile for n in ("cp-2", "cp-3", "worker-1")},
        "kubeadm-upgrade.yaml": KubeadmFile,  # Kubernetes 1.31 and later
    },
}

# Kubernetes 1.32, which Calico v3.31 is tested against (else calico-kubernetes-support warns)
MANIFEST_MODE = BASE_CLUSTER.replace("  loadBalancer:", "  calico:\n    mode: manifest\n    manifest: upstream-calico.yaml\n  loadBalancer:").replace(
    "kubernetesVersion: v1.31.2", "kubernetesVersion: v1.32.4")


def rendered_case(case: str, root: Path) -> Path:
    """The case's description rendered by the CLI into root; the output folder."""
    if case == "manifest-mode":
        shutil.copy(require_corpus() / "v3.31.7" / "calico.yaml", root / "upstream-calico.yaml")
        (root / "cluster.yaml").write_text(MANIFEST_MODE)
    else:
        shutil.copy(GOLDEN / case / "cluster.yaml", root / "cluster.yaml")
    result = run_cli("render", str(root / "cluster.yaml"))
    assert result.exit_code == 0, result.output
    (out,) = [p for p in root.iterdir() if p.is_dir()]
    return out


def lint_clean(*paths: Path) -> tuple[list[str], list[str]]:
    result = lint_files([str(p) for p in paths], settings=Settings())
    return [f"{f.path}:{f.line}: {f.message} [{f.rule}]" for f in result.findings], result.unrecognised


@pytest.mark.parametrize("case", sorted(RENDERED))
def test_every_rendered_file_is_recognised_alone_and_in_its_folder(tmp_path: Path, case: str) -> None:
    out = rendered_case(case, tmp_path)
    expected = RENDERED[case]
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    assert type(read(str(tmp_path / "cluster.yaml"))) is ClusterFile
    for name, kind in expected.items():
        assert type(read(str(out / name))) is kind, name
        assert lint_clean(out / name) == ([], []), name
    assert lint_clean(out) == ([], [])
    assert lint_clean(tmp_path / "cluster.yaml") == ([], [])


def test_from_configmap_output_and_its_configmap_are_recognised(tmp_path: Path) -> None:
    out = rendered_case("ha-haproxy", tmp_path)
    init = (out / "kubeadm-init.yaml").read_text()
    cluster_configuration = init[init.index("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration"):].split("\n---\n")[0]
    inner = "".join(f"    {line}\n" for line in cluster_configuration.splitlines())
    cm = tmp_path / "fetched" / "kubeadm-config.yaml"
    lay_out(tmp_path, {"fetched/kubeadm-config.yaml": (
        "apiVersion: v1\ndata:\n  ClusterConfiguration: |\n" + inner
        + "kind: ConfigMap\nmetadata:\n  name: kubeadm-config\n  namespace: kube-system\n"
    )})
    written = tmp_path / "upload" / "upload-certs.yaml"
    written.parent.mkdir()
    for extra in ((), ("--to", "v1beta4")):
        result = run_cli("from-configmap", str(cm), "--cri-socket", "unix:///var/run/cri-dockerd.sock", "-o", str(written), *extra)
        assert result.exit_code == 0, result.output
        assert type(read(str(written))) is KubeadmFile
        assert lint_clean(written) == ([], [])
        assert lint_clean(written.parent) == ([], [])
    assert type(read(str(cm))) is ConfigMapFile
    assert lint_clean(cm) == ([], [])


# --- a description with the wrong apiVersion -------------------------------------------------

BODY = "kind: Cluster\n" + BASE_CLUSTER.split("kind: Cluster\n", 1)[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("apiVersion: kconf/v1alpha\n" + BODY, [(1, 13, "apiVersion: 'kconf/v1alpha1' was expected")], id="kconf/v1alpha"),
        pytest.param("apiVersion: kconf.dev/v1alpha1\n" + BODY, [(1, 13, "apiVersion: 'kconf/v1alpha1' was expected")], id="kconf.dev"),
        pytest.param("apiVersion: KCONF/V1ALPHA1\n" + BODY, [(1, 13, "apiVersion: 'kconf/v1alpha1' was expected")], id="upper-case"),
        pytest.param(
            BODY, [(1, 1, "apiVersion is missing: a kconf cluster description starts with apiVersion: kconf/v1alpha1")], id="none",
        ),
        pytest.param(
            "# the lab\n\napiVersion: v1\n" + BODY, [(3, 13, "apiVersion: 'kconf/v1alpha1' was expected")], id="after-comments",
        ),
        pytest.param(
            "apiVersion: example.com/v1\n" + BODY.replace("kind: Cluster\n", "kind: Lab\n"),
            [(1, 13, "apiVersion: 'kconf/v1alpha1' was expected"), (2, 7, "kind: 'Cluster' was expected")],
            id="other-kind-but-kconf-nodes",
        ),
        pytest.param(
            '{"apiVersion": "kconf/v1", "kind": "Cluster", "metadata": {"name": "lab"}, "spec": {}}\n',
            [(1, 16, "apiVersion: 'kconf/v1alpha1' was expected")], id="json-one-line",
        ),
    ],
)
def test_a_description_with_another_api_version_is_a_finding(tmp_path: Path, text: str, expected: list[tuple[int, int, str]]) -> None:
    name = "cluster.json" if text.startswith("{") else "cluster.yaml"
    lay_out(tmp_path, {name: text})
    result = lint_files([str(tmp_path / name)], settings=Settings())
    assert type(read(str(tmp_path / name))) is ClusterFile
    assert [(f.rule, f.line, f.column, f.message) for f in result.findings if f.rule == "cluster-schema"][:len(expected)] == [
        ("cluster-schema", line, column, message) for line, column, message in expected
    ]
    assert result.unrecognised == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n  - role: worker\n", id="kind-config"),
        pytest.param(
            "apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata:\n  name: capi\nspec:\n"
            "  clusterNetwork:\n    pods:\n      cidrBlocks: [192.168.0.0/16]\n", id="cluster-api",
        ),
        pytest.param("apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: pg\nspec:\n  instances: 3\n", id="cloudnative-pg"),
        pytest.param("apiVersion: example.com/v1\nkind: Pool\nspec:\n  nodes: [a, b]\n", id="nodes-of-names"),
        pytest.param("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nrules:\n  - resources: [nodes]\n", id="cluster-role"),
        pytest.param("spec:\n  nodes: 3\n", id="nodes-a-number"),
        pytest.param("description: 'kind: Cluster'\n", id="in-a-string"),
    ],
)
def test_another_projects_cluster_is_not_kconfs(tmp_path: Path, text: str) -> None:
    lay_out(tmp_path, {"other.yaml": text})
    assert read(str(tmp_path / "other.yaml")) is None
    result = lint_files([str(tmp_path / "other.yaml")], settings=Settings())
    assert (result.findings, result.files, result.unrecognised) == ([], 0, [str(tmp_path / "other.yaml")])


# --- files named and not recognised ------------------------------------------------------------

NOT_KCONFS = {"a.yaml": "name: not kconf's\n", "b.cfg": "[section]\nkey = value\n", "notes.txt": "hello\n"}


@pytest.mark.parametrize(
    ("output_format", "stdout", "stderr"),
    [
        pytest.param("text", "kconf: 2 files not recognised (not kconf's): a.yaml, b.cfg\n", "All checks passed (1 file)\n", id="text"),
        pytest.param(
            "github",
            "::notice file=a.yaml,title=kconf::not recognised (not kconf's): not linted\n"
            "::notice file=b.cfg,title=kconf::not recognised (not kconf's): not linted\n",
            "",
            id="github",
        ),
    ],
)
def test_unrecognised_named_files_are_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str, stdout: str, stderr: str
) -> None:
    lay_out(tmp_path, {**NOT_KCONFS, "k.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.2\ncontrolPlaneEndpoint: k8s-vip:6443\n", ".kconf.yaml": ""})
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", "--format", output_format, "a.yaml", "k.yaml", "b.cfg")
    assert (result.exit_code, result.stdout, result.stderr) == (0, stdout, stderr)


def test_one_unrecognised_file_in_the_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lay_out(tmp_path, {**NOT_KCONFS, ".kconf.yaml": ""})
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", "notes.txt")
    assert (result.exit_code, result.stdout) == (0, "kconf: 1 file not recognised (not kconf's): notes.txt\n")


def test_unrecognised_in_json_and_sarif(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lay_out(tmp_path, {**NOT_KCONFS, ".kconf.yaml": ""})
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", "--format", "json", "b.cfg", "a.yaml")
    assert (result.exit_code, json.loads(result.stdout)) == (0, {"findings": [], "files": 0, "unrecognised": ["b.cfg", "a.yaml"]})
    sarif = json.loads(run_cli("lint", "--format", "sarif", "a.yaml").stdout)
    assert sarif["runs"][0]["results"] == []
    assert sarif["runs"][0]["invocations"] == [{
        "executionSuccessful": True,
        "toolExecutionNotifications": [{
            "level": "note",
            "message": {"text": "not recognised (not kconf's): not linted"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.yaml", "uriBaseId": "%SRCROOT%"}}}],
        }],
    }]


def test_a_walked_folder_lists_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook points lint at every YAML file of a repository: what it finds
    by walking is skipped without a word."""
    lay_out(tmp_path, {**NOT_KCONFS, ".kconf.yaml": ""})
    monkeypatch.chdir(tmp_path)
    assert (run_cli("lint", ".").stdout, run_cli("lint").stdout) == ("", "")
    assert run_cli("lint", "--format", "sarif", ".").stdout.count("invocations") == 0


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        pytest.param("replicaCount: 1\n# the chart's kind: Cluster and its nodes: are templates\n", False, id="comment"),
        pytest.param("image: x  # nodes: 3\n", False, id="trailing-comment"),
        pytest.param('a: "x #"\nb: {c: 1, nodes: [1]}\n', True, id="hash-in-quotes-then-a-key"),
        pytest.param('{"a": "x # y", "nodes": []}\n', True, id="json"),
        pytest.param("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: worker\n", True, id="a-key"),
    ],
)
def test_a_description_key_only_in_a_comment_does_not_parse_the_file(
    monkeypatch: pytest.MonkeyPatch, text: str, parsed: bool
) -> None:
    """The misnamed-description check parses a file only when `kind: Cluster`
    or `nodes:` may be a key (a pre-commit hook sees every YAML file)."""
    import kconf.lint.sources as sources

    calls: list[str] = []
    real = sources._documents
    monkeypatch.setattr(sources, "_documents", lambda t, p: calls.append(p) or real(t, p))
    assert sources.recognise("values.yaml", text.encode()) is None
    assert bool(calls) is parsed
