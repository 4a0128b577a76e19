"""kconf lint --cluster CLUSTER FILE...: files fetched from the hosts checked
against the description (cross-file rules) and against the file render
writes for each (rendered-drift)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_cli
from lintkit import render_into

TOKEN = "7h3k9x.q7w2e9r4t6y1u3i8"
CERTIFICATE_KEY = "e6a2eb8581237ab72a4f494f30285ec12a9694d750b9785706a83bfcbbbd2204"
CA_HASH = "sha256:" + "c" * 64


def configmap(cluster_configuration: str) -> str:
    """kubectl get cm -n kube-system kubeadm-config -o yaml (inner line n is outer line 3 + n)."""
    inner = "".join(f"    {line}\n" for line in cluster_configuration.splitlines())
    return (
        "apiVersion: v1\ndata:\n  ClusterConfiguration: |\n" + inner
        + "kind: ConfigMap\nmetadata:\n  creationTimestamp: \"2024-05-01T10:00:00Z\"\n  name: kubeadm-config\n"
        "  namespace: kube-system\n  resourceVersion: \"231\"\n"
    )


def stored_cluster_configuration(out: Path) -> str:
    text = (out / "kubeadm-init.yaml").read_text()
    return text[text.index("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration"):].split("\n---\n")[0]


# kubeadm stores its defaults in the ConfigMap: not drift
KUBEADM_DEFAULTS = "certificatesDir: /etc/kubernetes/pki\netcd:\n  local:\n    dataDir: /var/lib/etcd\n"


def fill_secrets(text: str) -> str:
    return (text.replace('"${KCONF_TOKEN}"', TOKEN).replace('"${KCONF_CA_CERT_HASH}"', CA_HASH)
            .replace('"${KCONF_CERTIFICATE_KEY}"', CERTIFICATE_KEY))


def as_json(path: Path) -> str:
    import yaml

    return json.dumps(yaml.safe_load(path.read_text()), sort_keys=True, indent=4) + "\n"


Fetch = Callable[[Path], dict[str, str]]  # output folder -> {fetched name: text}

CLEAN: list[object] = [
    pytest.param(lambda out: {"haproxy.cfg": (out / "haproxy.cfg").read_text()}, id="haproxy-as-rendered"),
    pytest.param(
        lambda out: {"etc-haproxy.cfg": "\n".join(
            "  " + line.strip() if line.startswith(" ") else line
            for line in (out / "haproxy.cfg").read_text().splitlines() if not line.lstrip().startswith("#")
        ) + "\n"},
        id="haproxy-comments-removed-indent-changed",
    ),
    pytest.param(lambda out: {"cp-2.yaml": fill_secrets((out / "kubeadm-join-cp-2.yaml").read_text())}, id="join-with-real-secrets"),
    pytest.param(lambda out: {"w.yaml": (out / "kubeadm-join-worker-1.yaml").read_text()}, id="join-as-rendered"),
    pytest.param(lambda out: {"init.yaml": (out / "kubeadm-init.yaml").read_text()}, id="init-as-rendered"),
    pytest.param(
        lambda out: {"cm.yaml": configmap(stored_cluster_configuration(out) + "\n" + KUBEADM_DEFAULTS)}, id="configmap-with-kubeadm-defaults",
    ),
    pytest.param(lambda out: {"node.yaml": "# fetched\n" + (out / "kubeadm-join-worker-1.yaml").read_text().replace("\n", "\n\n")}, id="join-blank-lines"),
    pytest.param(lambda out: {"node.json": as_json(out / "kubeadm-join-cp-3.yaml")}, id="join-as-json-keys-sorted"),
    pytest.param(lambda out: {"upgrade.yaml": (out / "kubeadm-upgrade.yaml").read_text()}, id="upgrade-as-rendered"),
]


def setup(tmp_path: Path, fetch: Fetch) -> list[str]:
    out = render_into(tmp_path)
    fetched = tmp_path / "fetched"
    fetched.mkdir()
    for name, text in fetch(out).items():
        (fetched / name).write_text(text)
    return sorted(str(p) for p in fetched.iterdir())


@pytest.mark.parametrize("fetch", CLEAN)
def test_fetched_files_that_match_the_description(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fetch: Fetch) -> None:
    monkeypatch.chdir(tmp_path)
    files = setup(tmp_path, fetch)
    result = run_cli("lint", "--format", "json", "--ignore", "secret-committed", "--cluster", "cluster.yaml", *files)
    assert (result.exit_code, json.loads(result.stdout)["findings"], result.stderr) == (0, [], "")
    assert TOKEN not in result.stdout and CERTIFICATE_KEY not in result.stdout


def edit(name: str, old: str, new: str, source: str | None = None) -> Fetch:
    def fetch(out: Path) -> dict[str, str]:
        text = (out / (source or name)).read_text()
        assert old in text, old
        return {name: text.replace(old, new, 1)}
    return fetch


def edit_configmap(old: str, new: str) -> Fetch:
    def fetch(out: Path) -> dict[str, str]:
        text = stored_cluster_configuration(out)
        assert old in text, old
        return {"cm.yaml": configmap(text.replace(old, new, 1))}
    return fetch


# (fetched file, what is wrong) -> [(rule, fetched file name, line)], written down
TRIGGER = [
    pytest.param(
        edit("haproxy.cfg", "192.168.51.83:6443", "192.168.51.89:6443"),
        [("haproxy-backends", "haproxy.cfg", 40), ("rendered-drift", "haproxy.cfg", 28), ("rendered-drift", "haproxy.cfg", 40)],
        id="haproxy-backend-address",
    ),
    pytest.param(
        edit("haproxy.cfg", "    server cp-3 192.168.51.83:6443 check check-ssl verify none\n", ""),
        [("haproxy-backends", "haproxy.cfg", 28), ("rendered-drift", "haproxy.cfg", 28)],
        id="haproxy-backend-missing",
    ),
    pytest.param(edit("haproxy.cfg", "    retries 3\n", "    retries 3\n    option redispatch\n"), [("rendered-drift", "haproxy.cfg", 16)], id="haproxy-line-added"),
    pytest.param(
        edit("node.yaml", "value: 192.168.51.91", "value: 10.0.2.15", source="kubeadm-join-worker-1.yaml"),
        [("kubelet-node-ip", "node.yaml", 15), ("nat-address", "node.yaml", 15), ("rendered-drift", "node.yaml", 15)],
        id="join-node-ip-nat",
    ),
    pytest.param(
        edit("node.yaml", "unix:///var/run/containerd/containerd.sock", "unix:///var/run/crio/crio.sock", source="kubeadm-join-worker-1.yaml"),
        [("rendered-drift", "node.yaml", 12)],
        id="join-cri-socket",
    ),
    pytest.param(
        edit("node.yaml", "apiServerEndpoint: k8s-vip:6443", "apiServerEndpoint: 192.168.51.81:6443", source="kubeadm-join-worker-1.yaml"),
        [("control-plane-endpoint-target", "node.yaml", 6), ("rendered-drift", "node.yaml", 6)],
        id="join-endpoint",
    ),
    pytest.param(
        edit("node.yaml", "name: worker-1", "name: worker-9", source="kubeadm-join-worker-1.yaml"),
        [("rendered-drift", "node.yaml", 11)],
        id="join-of-a-node-not-in-the-description",
    ),
    pytest.param(
        edit_configmap("podSubnet: 172.16.0.0/16", "podSubnet: 10.244.0.0/16"),
        # and the live range cannot be changed by a render: calico-pool-live says so
        [("calico-pool-live", "cm.yaml", 10), ("rendered-drift", "cm.yaml", 10)],
        id="configmap-pod-subnet",
    ),
    pytest.param(
        edit("init.yaml", "advertiseAddress: 192.168.51.81", "advertiseAddress: 192.168.51.99", source="kubeadm-init.yaml"),
        [("advertise-address-not-on-node", "init.yaml", 5), ("rendered-drift", "init.yaml", 5)],
        id="init-advertise-address",
    ),
    pytest.param(
        edit("upgrade.yaml", "apply:\n  kubernetesVersion: v1.31.2", "apply:\n  kubernetesVersion: v1.32.0", source="kubeadm-upgrade.yaml"),
        [("rendered-drift", "upgrade.yaml", 5)],
        id="upgrade-other-version",
    ),
]


def test_fetched_component_configs_are_compared_with_kubeadm_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lintkit import BASE_CLUSTER

    monkeypatch.chdir(tmp_path)
    out = render_into(tmp_path, BASE_CLUSTER + "  kubelet:\n    cgroupDriver: systemd\n    maxPods: 110\n")
    text = (out / "kubeadm-init.yaml").read_text()
    assert "maxPods: 110" in text
    (tmp_path / "init.yaml").write_text(text)
    assert json.loads(run_cli("lint", "--format", "json", "--cluster", "cluster.yaml", "init.yaml").stdout)["findings"] == []
    (tmp_path / "init.yaml").write_text(text.replace("maxPods: 110", "maxPods: 250"))
    result = run_cli("lint", "--format", "json", "--cluster", "cluster.yaml", "init.yaml")
    found = [(f["rule"], f["line"], f["message"]) for f in json.loads(result.stdout)["findings"]]
    line = text.splitlines().index("maxPods: 110") + 1
    assert found == [("rendered-drift", line, "maxPods is 250, kconf render writes 110 in kubeadm-init.yaml (KubeletConfiguration); "
                      "copy what kconf render writes to the host, or change the description to what the host runs")]


@pytest.mark.parametrize(("fetch", "expected"), TRIGGER)
def test_fetched_files_that_drift_from_the_description(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fetch: Fetch, expected: list[tuple[str, str, int]]
) -> None:
    monkeypatch.chdir(tmp_path)
    files = setup(tmp_path, fetch)
    result = run_cli("lint", "--format", "json", "--cluster", "cluster.yaml", *files)
    found = json.loads(result.stdout)["findings"]
    assert sorted((f["rule"], Path(f["path"]).name, f["line"]) for f in found) == expected, found
    assert result.exit_code == 1


def test_a_secret_the_description_does_not_render_is_never_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    fetch = edit("init.yaml", "kind: InitConfiguration\n", f"kind: InitConfiguration\nbootstrapTokens:\n  - token: {TOKEN}\n", source="kubeadm-init.yaml")
    files = setup(tmp_path, fetch)
    result = run_cli("lint", "--cluster", "cluster.yaml", "--select", "rendered-drift", *files)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{files[0]}:4:1: error: bootstrapTokens ((a secret, not shown)) is not in kubeadm-init.yaml"), result.stdout
    assert TOKEN not in result.stdout and TOKEN[7:] not in result.stdout


def test_the_messages_say_what_render_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    files = setup(tmp_path, edit("node.yaml", "unix:///var/run/containerd/containerd.sock", "unix:///var/run/crio/crio.sock", source="kubeadm-join-worker-1.yaml"))
    result = run_cli("lint", "--cluster", "cluster.yaml", *files)
    assert result.stdout == (
        f"{files[0]}:12:14: error: nodeRegistration.criSocket is 'unix:///var/run/crio/crio.sock', kconf render writes "
        "'unix:///var/run/containerd/containerd.sock' in kubeadm-join-worker-1.yaml (JoinConfiguration); copy what kconf "
        "render writes to the host, or change the description to what the host runs [rendered-drift]\n"
    )


def test_the_output_folder_is_not_pulled_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the files named are compared: a hand edit in the output folder is
    plain lint's business."""
    monkeypatch.chdir(tmp_path)
    files = setup(tmp_path, lambda out: {"haproxy.cfg": (out / "haproxy.cfg").read_text()})
    (tmp_path / "lab" / "hosts").write_text("edited\n")
    result = run_cli("lint", "--format", "json", "--cluster", "cluster.yaml", *files)
    assert (result.exit_code, json.loads(result.stdout)) == (0, {"findings": [], "files": 2, "unrecognised": []})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("--cluster", "cluster.yaml"), "--cluster cluster.yaml: name the files to check against it (kconf lint --cluster CLUSTER FILE...)", id="no-files"),
        pytest.param(("--cluster", "nope.yaml", "fetched"), "--cluster nope.yaml: no such file", id="missing"),
        pytest.param(("--cluster", "lab", "fetched"), "--cluster lab: is a folder; give the cluster description (cluster.yaml)", id="a-folder"),
        pytest.param(
            ("--cluster", "lab/kubeadm-init.yaml", "fetched"),
            "--cluster lab/kubeadm-init.yaml: not a cluster description (apiVersion: kconf/v1alpha1, kind: Cluster)", id="not-a-description",
        ),
    ],
)
def test_cluster_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    setup(tmp_path, lambda out: {"haproxy.cfg": (out / "haproxy.cfg").read_text()})
    result = run_cli("lint", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"kconf: error: {message}\n")


def test_help_documents_cluster() -> None:
    result = run_cli("lint", "--help")
    assert result.exit_code == 0
    assert "--cluster CLUSTER.yaml" in result.stdout and "drift from what render writes" in " ".join(result.stdout.split())

