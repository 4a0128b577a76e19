"""kconf/kubeadm/convert.py (and kconf/kubeadm/migrate.py): the plan, the
plain-data conversion and the helpers called directly, with what they give
written down.

Written for the mutants of kconf/kubeadm/convert.py and migrate.py that
survived the rest of the suite (see tools/mutation/run; the mutation runs
leave the kubeadm differential of test_migrate.py out, see the README).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from kconf.errors import KconfError
from kconf.kubeadm.convert import (
    V1BETA3,
    Plan,
    Timeout,
    apply_plan,
    is_zero_duration,
    kubernetes_minor,
    plan_v1beta4,
    type_name,
)
from kconf.kubeadm.convert import Path as FieldPath
from kconf.kubeadm.migrate import Migration, migrate_text, run_migrate, summary

INIT = {"apiVersion": V1BETA3, "kind": "InitConfiguration"}
JOIN = {"apiVersion": V1BETA3, "kind": "JoinConfiguration", "discovery": {"timeout": "5m0s"}}
KUBELET = {"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}
TIMEOUT = ("apiServer", "timeoutForControlPlane")


def error(index: int, path: FieldPath, message: str) -> KconfError:
    return KconfError(f"document {index} at {path}: {message}")


def cluster(timeout: str) -> dict[str, Any]:
    return {"apiVersion": V1BETA3, "kind": "ClusterConfiguration", "apiServer": {"timeoutForControlPlane": timeout}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", True), ("0s", True), ("0m0.0s", True), ("1s", False), ("0m1s", False), ("4m0s", False)],
)
def test_is_zero_duration(text: str, expected: bool) -> None:
    assert is_zero_duration(text) is expected


def test_a_non_zero_control_plane_timeout_goes_into_init_and_join() -> None:
    plan = plan_v1beta4([INIT, cluster("4m0s"), JOIN, KUBELET], error)
    control_plane = Timeout("controlPlaneComponentHealthCheck", "4m0s", (1, TIMEOUT))
    assert plan == Plan(
        converted=(0, 1, 2),
        args=(),
        removed=((1, TIMEOUT), (2, ("discovery", "timeout"))),
        timeouts=((0, (control_plane,)), (2, (control_plane, Timeout("discovery", "5m0s", (2, ("discovery", "timeout")))))),
    )


def test_a_zero_control_plane_timeout_stays_out_of_join() -> None:
    plan = plan_v1beta4([cluster("0s"), JOIN], error)
    assert plan == Plan(
        converted=(0, 1),
        args=(),
        removed=((0, TIMEOUT), (1, ("discovery", "timeout"))),
        timeouts=((1, (Timeout("discovery", "5m0s", (1, ("discovery", "timeout"))),)),),
        new_init=(Timeout("controlPlaneComponentHealthCheck", "0s", (0, TIMEOUT)),),
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param({"apiVersion": V1BETA3, "kind": ["x"]}, "document 0 at ('kind',): ['x'] is not of type string", id="kind-a-list"),
        pytest.param({"apiVersion": V1BETA3, "kind": "ClusterConfiguration", "etcd": {"local": {"extraArgs": ["a"]}}},
                     "document 0 at ('etcd', 'local', 'extraArgs'): is a list; v1beta3 extraArgs is a mapping of flag names to values",
                     id="etcd-extraArgs-a-list"),
        pytest.param({"apiVersion": V1BETA3, "kind": "ClusterConfiguration", "etcd": {"local": {"extraArgs": {"a": None}}}},
                     "document 0 at ('etcd', 'local', 'extraArgs', 'a'): is null; extraArgs values are strings: quote it",
                     id="etcd-extraArgs-value-null"),
    ],
)
def test_plan_refuses(document: dict[str, Any], message: str) -> None:
    with pytest.raises(KconfError) as caught:
        plan_v1beta4([document], error)
    assert str(caught.value) == message


def test_apply_plan_leaves_other_documents_as_they_are() -> None:
    documents = [cluster("4m0s"), KUBELET]
    result = apply_plan(plan_v1beta4(documents, error), documents)
    assert result[1] is KUBELET  # not converted: the same object, not a copy
    assert result[0] == {"apiVersion": "kubeadm.k8s.io/v1beta4", "kind": "ClusterConfiguration", "apiServer": {}}
    assert documents[0] == cluster("4m0s")  # the converted one is a copy


@pytest.mark.parametrize(
    ("documents", "expected"),
    [
        pytest.param([{"kind": "InitConfiguration"}, {"kind": "ClusterConfiguration", "kubernetesVersion": "v1.30.2"}], (1, 30),
                     id="after-another-kind"),
        pytest.param([None, "text", {"kind": "ClusterConfiguration", "kubernetesVersion": "1.29.0"}], (1, 29), id="after-non-mappings"),
        pytest.param([{"kind": "ClusterConfiguration", "kubernetesVersion": "latest"}], None, id="no-version"),
    ],
)
def test_kubernetes_minor(documents: list[Any], expected: tuple[int, int] | None) -> None:
    assert kubernetes_minor(documents) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [({}, "a mapping"), ([], "a list"), (None, "null"), (True, "a boolean"), (3, "a number"), (1.5, "a number"), ("x", "a string")],
)
def test_type_name(value: object, expected: str) -> None:
    assert type_name(value) == expected


# --- migrate_text: the edited text ------------------------------------------------------------

FOUR_SPACES = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
nodeRegistration:
    name: cp-1
    taints:
    -   key: a
        effect: NoSchedule
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
    # health check
    timeoutForControlPlane: 4m0s   # four
    certSANs: [a]
"""
FOUR_SPACES_MIGRATED = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
nodeRegistration:
    name: cp-1
    taints:
    -   key: a
        effect: NoSchedule
timeouts:
    # health check
    controlPlaneComponentHealthCheck: 4m0s   # four
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
    certSANs: [a]
"""
CLUSTER_AND_JOIN = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  timeoutForControlPlane: 4m0s
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  bootstrapToken:
    token: abcdef.0123456789abcdef
    apiServerEndpoint: 10.0.0.1:6443
    unsafeSkipCAVerification: true
  # comment
  timeout: 5m0s
"""
CLUSTER_AND_JOIN_MIGRATED = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer: {}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    token: abcdef.0123456789abcdef
    apiServerEndpoint: 10.0.0.1:6443
    unsafeSkipCAVerification: true
timeouts:
  controlPlaneComponentHealthCheck: 4m0s
  # comment
  discovery: 5m0s
---
# Added by kconf migrate: kubeadm.k8s.io/v1beta4 keeps the ClusterConfiguration's apiServer.timeoutForControlPlane here, as timeouts.controlPlaneComponentHealthCheck.
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
timeouts:
  controlPlaneComponentHealthCheck: 4m0s
"""


@pytest.mark.parametrize(
    ("text", "expected", "converted", "added"),
    [
        # four-space indentation, a block sequence below the last mapping, a comment above and after the moved field
        pytest.param(FOUR_SPACES, FOUR_SPACES_MIGRATED, ("InitConfiguration", "ClusterConfiguration"), (), id="four-spaces"),
        # the Join gets the control-plane timeout, the discovery one with its comment; an InitConfiguration is added
        pytest.param(CLUSTER_AND_JOIN, CLUSTER_AND_JOIN_MIGRATED, ("ClusterConfiguration", "JoinConfiguration"), ("InitConfiguration",),
                     id="cluster-and-join"),
    ],
)
def test_migrate_text(text: str, expected: str, converted: tuple[str, ...], added: tuple[str, ...]) -> None:
    migration = migrate_text(text, "in.yaml")
    assert (migration.text, migration.converted, migration.kept, migration.added, migration.warnings, migration.already) == (
        expected, converted, (), added, (), False)


CL = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n"
MOVED = CL + "apiServer:\n  timeoutForControlPlane: 4m0s\n---\n"
CL4 = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
EMPTIED = CL4 + "apiServer: {}\n---\n"
INIT3 = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n"
INIT4 = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
TIMEOUTS = "timeouts:\n  controlPlaneComponentHealthCheck: 4m0s\n"
ADDED = ("---\n# Added by kconf migrate: kubeadm.k8s.io/v1beta4 keeps the ClusterConfiguration's apiServer.timeoutForControlPlane "
         "here, as timeouts.controlPlaneComponentHealthCheck.\n" + INIT4 + TIMEOUTS)


@pytest.mark.parametrize(
    ("text", "expected", "warnings"),
    [
        # two comment lines above the moved field go along, in their order
        pytest.param(CL + "apiServer:\n  # one\n  # two\n  timeoutForControlPlane: 4m0s\n  certSANs: [a]\n---\n" + INIT3 + "nodeRegistration:\n  name: a\n",
                     CL4 + "apiServer:\n  certSANs: [a]\n---\n" + INIT4 + "nodeRegistration:\n  name: a\ntimeouts:\n  # one\n  # two\n"
                     "  controlPlaneComponentHealthCheck: 4m0s\n", (), id="two-comment-lines"),
        # a colon in the comment after the emptied parent: " {}" goes after the key's own colon
        pytest.param(CL + "apiServer:   # was: 4m0s\n  timeoutForControlPlane: 4m0s\n---\n" + INIT3 + "nodeRegistration:\n  name: a\n",
                     CL4 + "apiServer: {}   # was: 4m0s\n---\n" + INIT4 + "nodeRegistration:\n  name: a\n" + TIMEOUTS, (), id="colon-in-a-comment"),
        # a flow-style InitConfiguration is written anew, and its comment is lost (said so)
        pytest.param(MOVED + "{apiVersion: kubeadm.k8s.io/v1beta3, kind: InitConfiguration,  # init\n nodeRegistration: {name: a}}\n",
                     EMPTIED + INIT4 + "nodeRegistration:\n  name: a\n" + TIMEOUTS,
                     ("in.yaml:6: InitConfiguration: written anew from its data (the document is in flow style), so its comments are lost; "
                      "compare it with the original",), id="flow-style-document"),
        # a document indented as a whole: timeouts at its indentation
        pytest.param(MOVED + "  apiVersion: kubeadm.k8s.io/v1beta3\n  kind: InitConfiguration\n  nodeRegistration:\n    name: a\n",
                     EMPTIED + "  apiVersion: kubeadm.k8s.io/v1beta4\n  kind: InitConfiguration\n  nodeRegistration:\n    name: a\n"
                     "  timeouts:\n    controlPlaneComponentHealthCheck: 4m0s\n", (), id="indented-document"),
        # no line break at the end of the file: one is put before the timeouts, or the added document
        pytest.param(MOVED + INIT3 + "nodeRegistration:\n  name: a", EMPTIED + INIT4 + "nodeRegistration:\n  name: a\n" + TIMEOUTS, (),
                     id="no-final-line-break-before-timeouts"),
        pytest.param(CL + "apiServer:\n  timeoutForControlPlane: 4m0s\n  certSANs: [a]", CL4 + "apiServer:\n  certSANs: [a]\n" + ADDED, (),
                     id="no-final-line-break-before-the-added-document"),
        # the last value of the document over two lines, a block scalar, a sequence at the key's indentation
        pytest.param(MOVED + INIT3 + "skipPhases: [preflight,\n  addon/kube-proxy]\n",
                     EMPTIED + INIT4 + "skipPhases: [preflight,\n  addon/kube-proxy]\n" + TIMEOUTS, (), id="flow-sequence-over-two-lines-last"),
        pytest.param(MOVED + INIT3 + "nodeRegistration:\n  name: |-\n    a\n",
                     EMPTIED + INIT4 + "nodeRegistration:\n  name: |-\n    a\n" + TIMEOUTS, (), id="block-scalar-last"),
        pytest.param(MOVED + INIT3 + "skipPhases:\n- preflight\n", EMPTIED + INIT4 + "skipPhases:\n- preflight\n" + TIMEOUTS, (), id="compact-sequence-last"),
        # the first nested mapping is a flow one: the indentation step is the block mapping's after it
        pytest.param(MOVED + INIT3 + "localAPIEndpoint: {advertiseAddress: 10.0.0.1}\nnodeRegistration:\n    name: a\n",
                     EMPTIED + INIT4 + "localAPIEndpoint: {advertiseAddress: 10.0.0.1}\nnodeRegistration:\n    name: a\n"
                     "timeouts:\n    controlPlaneComponentHealthCheck: 4m0s\n", (), id="flow-mapping-first"),
    ],
)
def test_migrate_text_edits(text: str, expected: str, warnings: tuple[str, ...]) -> None:
    migration = migrate_text(text, "in.yaml")
    assert (migration.text, migration.warnings) == (expected, warnings)


def test_summary_names_every_kept_document() -> None:
    migration = Migration("x", converted=("ClusterConfiguration",), kept=("KubeletConfiguration", "KubeProxyConfiguration"))
    assert summary(migration, "in.yaml", None, False) == (
        "kconf: in.yaml: migrated ClusterConfiguration to kubeadm.k8s.io/v1beta4; kept as they are: KubeletConfiguration, KubeProxyConfiguration")


def test_run_migrate_passes_the_target_version_and_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(CL)
    with pytest.raises(KconfError) as caught:
        run_migrate(str(tmp_path / "ok.yaml"), to_version="v1beta3", output=None, in_place=False, echo=print)
    assert str(caught.value) == "--to v1beta3: kconf migrates only to v1beta4"
    (tmp_path / "bad.yaml").write_bytes(b"apiVersion: \xff\n")
    with pytest.raises(KconfError) as caught:
        run_migrate(str(tmp_path / "bad.yaml"), to_version="v1beta4", output=None, in_place=False, echo=print)
    assert str(caught.value) == f"{tmp_path / 'bad.yaml'}:1: not UTF-8 text (byte 0xff at offset 12)"


def anew(line: int, kind: str, why: str) -> str:
    return f"in.yaml:{line}: {kind}: written anew from its data ({why}), so its comments are lost; compare it with the original"


CERT_SANS_ADDED = CL4 + "apiServer:\n  certSANs:\n    - a\n" + ADDED


@pytest.mark.parametrize(
    ("text", "expected", "warnings"),
    [
        # why a document is written anew, said in the warning (each has a comment to lose)
        pytest.param(MOVED + 'apiVersion: "kubeadm.k8s.io/v1beta\\x33"\nkind: InitConfiguration\n# init\nnodeRegistration:\n  name: a\n',
                     EMPTIED + INIT4 + "nodeRegistration:\n  name: a\n" + TIMEOUTS,
                     (anew(6, "InitConfiguration", "the apiVersion is written with escapes"),), id="apiVersion-with-an-escape"),
        pytest.param(INIT3 + "nodeRegistration:\n  kubeletExtraArgs: {node-ip: 10.0.0.1,  # ip\n    v: '2'}\n",
                     INIT4 + 'nodeRegistration:\n  kubeletExtraArgs:\n    - name: node-ip\n      value: 10.0.0.1\n    - name: v\n      value: "2"\n',
                     (anew(1, "InitConfiguration", "nodeRegistration.kubeletExtraArgs is a flow mapping with comments inside"),),
                     id="flow-flags-with-a-comment"),
        pytest.param(CL + "# cluster\napiServer:\n  timeoutForControlPlane: >-\n    4m0s\n  certSANs: [a]\n", CERT_SANS_ADDED,
                     (anew(1, "ClusterConfiguration", "apiServer.timeoutForControlPlane is not a plain key: value"),), id="moved-block-scalar"),
        pytest.param(CL + "# cluster\napiServer:\n  timeoutForControlPlane:\n    4m0s\n  certSANs: [a]\n", CERT_SANS_ADDED,
                     (anew(1, "ClusterConfiguration", "apiServer.timeoutForControlPlane is written over several lines"),), id="moved-over-two-lines"),
        pytest.param(CL + "# cluster\napiServer: {timeoutForControlPlane: 4m0s, certSANs: [a]}\n", CERT_SANS_ADDED,
                     (anew(1, "ClusterConfiguration", "apiServer is in flow style"),), id="flow-parent"),
        pytest.param(INIT3 + "# init\nnodeRegistration:\n  name: &n a\n  criSocket: *n\n", INIT4 + "nodeRegistration:\n  name: a\n  criSocket: a\n",
                     (anew(1, "InitConfiguration", "it uses anchors, aliases or merge keys"),), id="anchor"),
        pytest.param(INIT3 + "# init\u2028# more\nnodeRegistration:\n  kubeletExtraArgs:\n    v: '2'\n",
                     INIT4 + 'nodeRegistration:\n  kubeletExtraArgs:\n    - name: v\n      value: "2"\n',
                     (anew(1, "InitConfiguration", "the file has line breaks other than LF and CRLF"),), id="odd-line-break"),
        # the version warning points at the ClusterConfiguration's kubernetesVersion, not at the first document
        pytest.param(INIT3 + "nodeRegistration:\n  name: a\n---\n" + CL + "kubernetesVersion: v1.30.4\n",
                     INIT4 + "nodeRegistration:\n  name: a\n---\n" + CL4 + "kubernetesVersion: v1.30.4\n",
                     ("in.yaml:8: kubernetesVersion: Kubernetes 1.30 with kubeadm.k8s.io/v1beta4: kubeadm 1.30 does not read v1beta4: "
                      "use this file with kubeadm 1.31 (it deploys 1.30), or keep the v1beta3 file",), id="version-warning-after-an-init"),
        # flag names as written (quoted) or as they need to be (block, flow)
        pytest.param(INIT3 + "nodeRegistration:\n  kubeletExtraArgs:\n    'node-ip': 10.0.0.1\n    x[1]: y\n---\n"
                     + CL + "apiServer:\n  extraArgs: {\"v\": '2', authorization-mode: Node}\n",
                     INIT4 + "nodeRegistration:\n  kubeletExtraArgs:\n    - name: 'node-ip'\n      value: 10.0.0.1\n    - name: x[1]\n      value: y\n---\n"
                     + CL4 + "apiServer:\n  extraArgs: [{name: authorization-mode, value: Node}, {name: \"v\", value: '2'}]\n", (),
                     id="flag-names"),
        # written anew at the end of a file without a final line break: still without one
        pytest.param(INIT3 + "# init\nnodeRegistration:\n  name: &n a\n  criSocket: *n", INIT4 + "nodeRegistration:\n  name: a\n  criSocket: a",
                     (anew(1, "InitConfiguration", "it uses anchors, aliases or merge keys"),), id="written-anew-without-a-final-line-break"),
        # the emptied parent is an explicit key ("? apiServer"): no ':' on its line to put {} after
        pytest.param(CL + "# cluster\n? apiServer\n:\n  timeoutForControlPlane: 4m0s\n", CL4 + "apiServer: {}\n" + ADDED,
                     (anew(1, "ClusterConfiguration", "no ':' after apiServer"),), id="explicit-key-parent"),
        # CRLF line breaks: a document written anew has them too
        pytest.param((INIT3 + "# init\nnodeRegistration:\n  name: &n a\n  criSocket: *n\n").replace("\n", "\r\n"),
                     (INIT4 + "nodeRegistration:\n  name: a\n  criSocket: a\n").replace("\n", "\r\n"),
                     (anew(1, "InitConfiguration", "it uses anchors, aliases or merge keys"),), id="written-anew-with-crlf"),
        # the first document cannot be edited: the next one still is
        pytest.param("{apiVersion: kubeadm.k8s.io/v1beta3, kind: InitConfiguration,  # init\n nodeRegistration: {name: a}}\n---\n"
                     + CL + "# cluster\napiServer:\n  timeoutForControlPlane: 4m0s\n  certSANs: [a]\n",
                     INIT4 + "nodeRegistration:\n  name: a\n" + TIMEOUTS + "---\n" + CL4 + "# cluster\napiServer:\n  certSANs: [a]\n",
                     (anew(1, "InitConfiguration", "the document is in flow style"),), id="an-unedited-document-then-an-edited-one"),
        # a one-line document after the last "---" is a chunk of its own
        pytest.param(MOVED + "{apiVersion: kubeadm.k8s.io/v1beta3, kind: InitConfiguration}\n", EMPTIED + INIT4 + TIMEOUTS, (),
                     id="one-line-document-last"),
    ],
)
def test_migrate_text_written_anew_and_warnings(text: str, expected: str, warnings: tuple[str, ...]) -> None:
    migration = migrate_text(text, "in.yaml")
    assert (migration.text, migration.warnings) == (expected, warnings)


def test_a_position_the_loader_did_not_record_writes_the_document_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    # No input found reaches the KeyError branch of _plan_edits (the loader records every key and value
    # of a document without aliases), so the fault is put in: that document is written from its data, the
    # warning says why, and the next document is still edited in place (_plan_edits mutants 60 and 61
    # dropped the reason, or stopped at the first such document).
    from kconf.kubeadm import migrate

    flags = migrate._Editor.flags

    def no_position(self: Any, path: FieldPath, value: Any) -> None:
        if path == ("nodeRegistration", "kubeletExtraArgs"):
            raise KeyError(path)
        flags(self, path, value)

    monkeypatch.setattr(migrate._Editor, "flags", no_position)
    text = INIT3 + "# init\nnodeRegistration:\n  kubeletExtraArgs:\n    v: '2'\n---\n" + CL + "# cluster\napiServer:\n  extraArgs:\n    v: '3'\n"
    migration = migrate_text(text, "in.yaml")
    assert migration.text == (
        INIT4 + 'nodeRegistration:\n  kubeletExtraArgs:\n    - name: v\n      value: "2"\n---\n'
        + CL4 + "# cluster\napiServer:\n  extraArgs:\n    - name: v\n      value: '3'\n"
    )
    assert migration.warnings == (anew(1, "InitConfiguration", "no position for ('nodeRegistration', 'kubeletExtraArgs')"),)


NOT_OURS = ("apiVersion 'apps/v1' kind 'Deployment' is neither a kubeadm configuration (kubeadm.k8s.io/v1beta3) nor a component config "
            "kubeadm reads (kubelet.config.k8s.io/v1beta1 KubeletConfiguration; kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration); "
            "kubeadm config migrate refuses the file too")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # the lines named: the v1beta3 and v1beta4 apiVersions (after a comment each), the first document's start
        pytest.param("# c\nkind: InitConfiguration\napiVersion: kubeadm.k8s.io/v1beta3\n---\n# cluster\nkind: ClusterConfiguration\n"
                     "apiVersion: kubeadm.k8s.io/v1beta4\n",
                     "in.yaml:7: apiVersion: mixes kubeadm.k8s.io/v1beta3 (line 3) and kubeadm.k8s.io/v1beta4 (line 7): kconf migrate converts "
                     "a v1beta3 file; make every kubeadm document of this file v1beta3 (or split it)", id="mixed-versions"),
        pytest.param("# kubelet\n\napiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
                     "in.yaml:3: holds no kubeadm configuration (kubeadm.k8s.io/v1beta3 InitConfiguration, ClusterConfiguration or "
                     "JoinConfiguration): nothing to migrate", id="no-kubeadm-configuration"),
        # a document that is not kubeadm's, its apiVersion below its kind
        pytest.param(INIT3 + "---\n# d\nkind: Deployment\napiVersion: apps/v1\nmetadata:\n  name: x\n", f"in.yaml:6: apiVersion: {NOT_OURS}",
                     id="not-kubeadms"),
        # an old kubeadm apiVersion whose value is on the next line: the key's line
        pytest.param("kind: InitConfiguration\napiVersion:\n  kubeadm.k8s.io/v1beta2\n",
                     "in.yaml:2: apiVersion: kubeadm.k8s.io/v1beta2 was removed in Kubernetes 1.27; kconf writes and checks "
                     "kubeadm.k8s.io/v1beta3 and kubeadm.k8s.io/v1beta4 (migrate old files with 'kubeadm config migrate' of a kubeadm "
                     "release that still reads them)", id="old-apiVersion-value-on-the-next-line"),
        # a field the conversion does not know, its value a mapping on the lines below: the key's line
        pytest.param(INIT3 + "nodeRegistration:\n  bogus:\n    x: 1\n",
                     "in.yaml:4: nodeRegistration.bogus: unknown field 'bogus': v1beta3 has no such field, so kconf does not know where it "
                     "goes in v1beta4; remove it or convert the file by hand", id="unknown-field-with-a-mapping"),
    ],
)
def test_migrate_text_refuses(text: str, message: str) -> None:
    with pytest.raises(KconfError) as caught:
        migrate_text(text, "in.yaml")
    assert str(caught.value) == message


def test_a_v1beta4_file_is_kept_with_its_component_configs_named() -> None:
    text = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n---\napiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
    assert migrate_text(text, "in.yaml") == Migration(text, kept=("KubeletConfiguration",), already=True)


TAINTS_AND_FLAGS = "nodeRegistration:\n  taints:\n  - key: a\n    effect: NoSchedule\n  kubeletExtraArgs:\n    node-ip: 10.0.0.1\n"
TAINTS4 = "nodeRegistration:\n  taints:\n  - key: a\n    effect: NoSchedule\n"
SANS3, SANS4 = "---\n" + CL + "apiServer:\n  certSANs:\n    - a\n", "---\n" + CL4 + "apiServer:\n  certSANs:\n    - a\n"
VOLUMES = "controllerManager:\n  extraVolumes:\n    - name: x\n      hostPath: /x\n      mountPath: /x\n"
COMPACT_FLAGS = "  kubeletExtraArgs:\n  - name: node-ip\n    value: 10.0.0.1\n"
INDENTED_FLAGS = "  kubeletExtraArgs:\n    - name: node-ip\n      value: 10.0.0.1\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the flags list takes the style most of the file's sequences have: 2 compact against 1 indented, 1 against 1, 2 against 2
        pytest.param(INIT3 + "skipPhases:\n- preflight\n" + TAINTS_AND_FLAGS + SANS3,
                     INIT4 + "skipPhases:\n- preflight\n" + TAINTS4 + COMPACT_FLAGS + SANS4, id="mostly-compact-sequences"),
        pytest.param(INIT3 + TAINTS_AND_FLAGS + SANS3, INIT4 + TAINTS4 + INDENTED_FLAGS + SANS4, id="as-many-compact-as-indented"),
        pytest.param(INIT3 + "skipPhases:\n- preflight\n" + TAINTS_AND_FLAGS + SANS3 + VOLUMES,
                     INIT4 + "skipPhases:\n- preflight\n" + TAINTS4 + INDENTED_FLAGS + SANS4 + VOLUMES, id="two-compact-two-indented"),
        # a flow mapping of flags over two lines (no comment): edited in place; a value over two lines is written anew
        pytest.param(INIT3 + "nodeRegistration:\n  kubeletExtraArgs: {v: two\n    words, a: b}\n",
                     INIT4 + 'nodeRegistration:\n  kubeletExtraArgs: [{name: a, value: b}, {name: v, value: "two words"}]\n',
                     id="flow-flags-over-two-lines"),
        # the indentation step: one space; the first nested mapping in the file, not by name
        pytest.param(MOVED + INIT3 + "nodeRegistration:\n name: a\n",
                     EMPTIED + INIT4 + "nodeRegistration:\n name: a\ntimeouts:\n controlPlaneComponentHealthCheck: 4m0s\n", id="one-space-step"),
        pytest.param(MOVED + INIT3 + "nodeRegistration:\n    name: a\nlocalAPIEndpoint:\n  advertiseAddress: 10.0.0.1\n",
                     EMPTIED + INIT4 + "nodeRegistration:\n    name: a\nlocalAPIEndpoint:\n  advertiseAddress: 10.0.0.1\n"
                     "timeouts:\n    controlPlaneComponentHealthCheck: 4m0s\n", id="step-of-the-first-nested-mapping"),
        # the line after the removed discovery.timeout is the document's last: the timeouts go after it
        pytest.param("apiVersion: kubeadm.k8s.io/v1beta3\nkind: JoinConfiguration\n# join\ndiscovery:\n  file:\n    kubeConfigPath: /k\n"
                     "  timeout: 5m0s\n  tlsBootstrapToken: abcdef.0123456789abcdef\n",
                     "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n# join\ndiscovery:\n  file:\n    kubeConfigPath: /k\n"
                     "  tlsBootstrapToken: abcdef.0123456789abcdef\ntimeouts:\n  discovery: 5m0s\n", id="removed-line-before-the-last"),
        # a flag name written plain that a YAML 1.1 reader would take for a boolean is quoted
        pytest.param(INIT3 + "nodeRegistration:\n  kubeletExtraArgs:\n    yes: '1'\n",
                     INIT4 + "nodeRegistration:\n  kubeletExtraArgs:\n    - name: \"yes\"\n      value: '1'\n", id="flag-name-yes"),
    ],
)
def test_migrate_text_styles(text: str, expected: str) -> None:
    migration = migrate_text(text, "in.yaml")
    assert (migration.text, migration.warnings) == (expected, ())


CLUSTER_MOVED_LAST = "---\n" + CL + "apiServer:\n  timeoutForControlPlane: 4m0s\n"
CLUSTER_EMPTIED_LAST = "---\n" + CL4 + "apiServer: {}\n"


@pytest.mark.parametrize(
    "body",
    [
        # the InitConfiguration comes first and ends in a value over several lines: the timeouts go after its last line
        pytest.param("nodeRegistration:\n  name: a\n    b\n", id="plain-scalar-over-two-lines"),
        pytest.param("nodeRegistration:\n  name: |-\n    a\n", id="block-scalar"),
        pytest.param('skipPhases: [preflight, "addon/\n  kube-proxy"]\n', id="quoted-scalar-over-two-lines-in-a-flow-sequence"),
        pytest.param("nodeRegistration: {name: a,\n  criSocket: b}\n", id="flow-mapping-over-two-lines"),
    ],
)
def test_timeouts_after_a_first_document_ending_over_several_lines(body: str) -> None:
    migration = migrate_text(INIT3 + "# init\n" + body + CLUSTER_MOVED_LAST, "in.yaml")
    assert (migration.text, migration.warnings) == (INIT4 + "# init\n" + body + TIMEOUTS + CLUSTER_EMPTIED_LAST, ())


@pytest.mark.parametrize(
    "body",
    [
        # a block scalar that keeps its final line break ends at the start of the next line
        pytest.param("nodeRegistration:\n  name: |\n    a\n", id="clipped-block-scalar"),
        # a flow sequence whose "]" stands on a line of its own
        pytest.param("skipPhases: [\n  preflight\n]\n", id="flow-sequence-closed-on-its-own-line"),
    ],
)
def test_timeouts_after_the_last_line_of_a_first_document(body: str) -> None:
    migration = migrate_text(INIT3 + "# init\n" + body + CLUSTER_MOVED_LAST, "in.yaml")
    assert (migration.text, migration.warnings) == (INIT4 + "# init\n" + body + TIMEOUTS + CLUSTER_EMPTIED_LAST, ())


@pytest.mark.parametrize(
    ("text", "expected", "warnings"),
    [
        # a comment after a document's last mapping is not its content: the timeouts go above it
        pytest.param(INIT3 + "nodeRegistration:\n  name: a\n# trailing\n" + CLUSTER_MOVED_LAST,
                     INIT4 + "nodeRegistration:\n  name: a\n" + TIMEOUTS + "# trailing\n" + CLUSTER_EMPTIED_LAST, (), id="trailing-comment"),
        # a block scalar that keeps its line break, then a blank line and a comment: it ends at the comment's line,
        # so its last line is the blank one before it
        pytest.param(INIT3 + "nodeRegistration:\n  name: |\n    a\n\n# c\n" + CLUSTER_MOVED_LAST,
                     INIT4 + "nodeRegistration:\n  name: |\n    a\n\n" + TIMEOUTS + "# c\n" + CLUSTER_EMPTIED_LAST, (),
                     id="block-scalar-then-a-blank-line-and-a-comment"),
        # the moved field's comment on the file's first line goes along
        pytest.param("# c\n{apiVersion: kubeadm.k8s.io/v1beta3, kind: ClusterConfiguration, apiServer: {timeoutForControlPlane: 4m0s\n}}\n---\n"
                     + INIT3 + "nodeRegistration:\n  name: a\n",
                     "# c\n" + EMPTIED + INIT4 + "nodeRegistration:\n  name: a\ntimeouts:\n  # c\n  controlPlaneComponentHealthCheck: 4m0s\n",
                     (), id="comment-on-the-first-line"),
        # a flow sequence over two lines is neither compact nor indented: the flags stay indented
        pytest.param(INIT3 + "skipPhases: [\n  preflight]\nnodeRegistration:\n  kubeletExtraArgs:\n    node-ip: 10.0.0.1\n",
                     INIT4 + "skipPhases: [\n  preflight]\nnodeRegistration:\n" + INDENTED_FLAGS, (), id="flow-sequence-over-two-lines"),
        # a quoted flag name over two lines is written anew on one: plain in a block sequence, quoted in a flow one
        pytest.param(INIT3 + 'nodeRegistration:\n  kubeletExtraArgs:\n    ? "node-\n      ip"\n    : 10.0.0.1\n',
                     INIT4 + "nodeRegistration:\n  kubeletExtraArgs:\n    - name: node- ip\n      value: 10.0.0.1\n", (),
                     id="quoted-flag-name-over-two-lines"),
        pytest.param(INIT3 + 'nodeRegistration:\n  kubeletExtraArgs: {? "a,\n    b" : x}\n',
                     INIT4 + 'nodeRegistration:\n  kubeletExtraArgs: [{name: "a, b", value: x}]\n', (), id="flow-flag-name-over-two-lines"),
        # an emptied parent whose line has something before its ':' (here a comment): written anew
        pytest.param(CL + "? apiServer #: x\n:\n  timeoutForControlPlane: 4m0s\n", CL4 + "apiServer: {}\n" + ADDED,
                     (anew(1, "ClusterConfiguration", "no ':' after apiServer"),), id="colon-in-a-comment-after-an-explicit-key"),
    ],
)  # fmt: skip
def test_migrate_text_layout_details(text: str, expected: str, warnings: tuple[str, ...]) -> None:
    migration = migrate_text(text, "in.yaml")
    assert (migration.text, migration.warnings) == (expected, warnings)


DOCKERSHIM = INIT3 + "nodeRegistration:\n  criSocket: /var/run/dockershim.sock\n"
DOCKERSHIM_ERROR = (
    ":4:14: error: nodeRegistration.criSocket: '/var/run/dockershim.sock' is dockershim's socket, and dockershim was removed "
    "in Kubernetes 1.24 (kubernetesVersion is 1.31): no kubelet serves it; use cri-dockerd's unix:///var/run/cri-dockerd.sock "
    "(Docker Engine) or containerd's unix:///var/run/containerd/containerd.sock [cri-socket]\n"
)


def test_run_migrate_writes_nothing_when_the_migration_brings_a_lint_error(tmp_path: Path) -> None:
    """v1beta4 is read from Kubernetes 1.31 on, where dockershim is gone: an error the v1beta3 file had not.
    The findings name the file (standard output is not a file name)."""
    source = tmp_path / "in.yaml"
    source.write_text(DOCKERSHIM)
    out: list[tuple[object, dict[str, Any]]] = []
    code = run_migrate(str(source), to_version="v1beta4", output=None, in_place=False, echo=lambda m, **kw: out.append((m, kw)))
    assert (code, out) == (1, [
        (f"{source}{DOCKERSHIM_ERROR}", {"nl": False, "err": True}),
        (f"kconf: {source}: 1 error found by the lint rules in what would be written; nothing written", {"err": True}),
    ])  # fmt: skip


def test_run_migrate_from_standard_input_lints_it_as_migrated_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(DOCKERSHIM.encode())))
    out: list[tuple[object, dict[str, Any]]] = []
    code = run_migrate("-", to_version="v1beta4", output=None, in_place=False, echo=lambda m, **kw: out.append((m, kw)))
    assert (code, out) == (1, [
        (f"migrated.yaml{DOCKERSHIM_ERROR}", {"nl": False, "err": True}),
        ("kconf: <stdin>: 1 error found by the lint rules in what would be written; nothing written", {"err": True}),
    ])  # fmt: skip
