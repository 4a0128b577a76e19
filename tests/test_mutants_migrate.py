"""kconf/kubeadm/convert.py (and kconf/kubeadm/migrate.py): the plan, the
plain-data conversion and the helpers called directly, with what they give
written down.

Written for the mutants of kconf/kubeadm/convert.py and migrate.py that
survived the rest of the suite (see tools/mutation/run; the mutation runs
leave the kubeadm differential of test_migrate.py out, see the README).
"""

from __future__ import annotations

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
from kconf.kubeadm.migrate import migrate_text

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
