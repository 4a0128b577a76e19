"""PLAN.md of every golden case: the steps in order, host by host, with the
commands and values each needs, the checks, and the failure each step avoids.

The lines below are written down from each golden cluster.yaml (not read back
from PLAN.md): every one must be a whole line of the plan, in this order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import golden_cases
from kconf.description import load_cluster
from kconf.render import render_files

INIT = "sudo kubeadm init --config kubeadm-init.yaml --upload-certs"
KUBECONFIG = "mkdir -p $HOME/.kube && sudo cp /etc/kubernetes/admin.conf $HOME/.kube/config && sudo chown $(id -u):$(id -g) $HOME/.kube/config"
KEEP_VALUES = "kubeadm prints `kubeadm join` commands: keep their token (`--token`, valid 24 h) and CA certificate hash"
NEW_TOKEN = "kubeadm token create --print-join-command"
NEW_CERTIFICATE_KEY = "sudo kubeadm init phase upload-certs --upload-certs --config kubeadm-init.yaml"
LATER_WITH_KEY = "Later (a token lasts 24 h, a certificate key 2 h), get new values on {}:"
INSTALL_HAPROXY = "sudo install -m 0644 haproxy.cfg /etc/haproxy/haproxy.cfg && sudo haproxy -c -f /etc/haproxy/haproxy.cfg"
NODES = "kubectl get nodes -o wide"
CALICO_PODS = "kubectl get pods -n calico-system -o wide"
STATS = (
    """echo "show stat" | sudo socat stdio /run/haproxy/admin.sock | """
    """awk -F, '$1 == "kube-apiserver" && $2 != "FRONTEND" && $2 != "BACKEND" {print $2, $18}'"""
)
APPLY = "   sudo kubeadm upgrade apply --config kubeadm-upgrade.yaml"


def cp_join(node: str) -> str:
    return f"- {node} (control-plane): `sudo KCONF_TOKEN=... KCONF_CA_CERT_HASH=sha256:... KCONF_CERTIFICATE_KEY=... ./join-{node}.sh`"


def worker_join(node: str) -> str:
    return f"- {node} (worker): `sudo KCONF_TOKEN=... KCONF_CA_CERT_HASH=sha256:... ./join-{node}.sh`"


AWS_CP, AWS_W1, AWS_W2 = (f"ip-10-0-{n}.eu-west-1.compute.internal" for n in ("1-10", "2-20", "3-30"))
CKA_CHECKS = [
    NODES,
    "| cka-cp-1 | `control-plane` | 192.168.51.81 |", "| cka-cp-2 | `control-plane` | 192.168.51.82 |",
    "| cka-cp-3 | `control-plane` | 192.168.51.83 |", "| cka-worker-1 | `<none>` | 192.168.51.84 |",
    "| cka-worker-2 | `<none>` | 192.168.51.85 |", "| cka-worker-3 | `<none>` | 192.168.51.86 |",
    CALICO_PODS, "curl -k https://k8s-vip:6443/readyz",
    STATS, "cka-cp-1 UP", "cka-cp-2 UP", "cka-cp-3 UP",
]
CKA_JOINS = [
    cp_join("cka-cp-2"), cp_join("cka-cp-3"),
    worker_join("cka-worker-1"), worker_join("cka-worker-2"), worker_join("cka-worker-3"),
    LATER_WITH_KEY.format("cka-cp-1"), NEW_TOKEN, NEW_CERTIFICATE_KEY,
]
OPERATOR_3_30 = [
    "kubectl create -f https://raw.githubusercontent.com/projectcalico/calico/v3.30.7/manifests/operator-crds.yaml",
    "kubectl create -f https://raw.githubusercontent.com/projectcalico/calico/v3.30.7/manifests/tigera-operator.yaml",
    "kubectl create -f calico-installation.yaml",
]

PLAN_LINES = {
    "aws": [
        "## 1. Every host: /etc/hosts",
        f"Append the lines of `hosts` to `/etc/hosts` on {AWS_CP}, {AWS_W1}, {AWS_W2}.",
        f"## 2. {AWS_CP}: kubeadm init", INIT, KUBECONFIG, KEEP_VALUES,
        f"## 3. {AWS_CP}: the pod network (Calico)", "kubectl create -f calico-installation.yaml",
        "## 4. The other nodes: kubeadm join", worker_join(AWS_W1), worker_join(AWS_W2),
        f"Later (a token lasts 24 h), get new values on {AWS_CP}:", NEW_TOKEN,
        "## 5. Checks", NODES,
        f"| {AWS_CP} | `control-plane` | 10.0.1.10 |", f"| {AWS_W1} | `<none>` | 10.0.2.20 |", f"| {AWS_W2} | `<none>` | 10.0.3.30 |",
        CALICO_PODS, "curl -k https://k8s-api.internal:6443/readyz",
        "## 6. Upgrade", APPLY,
    ],
    "dual-stack": [
        "## 1. Every host: /etc/hosts",
        "Append the lines of `hosts` to `/etc/hosts` on dual-cp-1, dual-cp-2, dual-cp-3, dual-worker-1, dual-worker-2, dual-lb.",
        "## 2. The load balancer dual-lb: HAProxy", INSTALL_HAPROXY, "sudo systemctl restart haproxy",
        "## 3. dual-cp-1: kubeadm init", INIT, KUBECONFIG, KEEP_VALUES,
        "## 4. dual-cp-1: the pod network (Calico)", "kubectl create -f calico-installation.yaml",
        "## 5. The other nodes: kubeadm join",
        cp_join("dual-cp-2"), cp_join("dual-cp-3"), worker_join("dual-worker-1"), worker_join("dual-worker-2"),
        LATER_WITH_KEY.format("dual-cp-1"), NEW_TOKEN, NEW_CERTIFICATE_KEY,
        "## 6. Checks", NODES,
        # kubectl shows the primary family's address
        "| dual-cp-1 | `control-plane` | 192.168.60.81 |", "| dual-cp-2 | `control-plane` | 192.168.60.82 |",
        "| dual-cp-3 | `control-plane` | 192.168.60.83 |", "| dual-worker-1 | `<none>` | 192.168.60.91 |",
        "| dual-worker-2 | `<none>` | 192.168.60.92 |",
        CALICO_PODS, "curl -k https://k8s-api:6443/readyz",
        STATS, "dual-cp-1 UP", "dual-cp-2 UP", "dual-cp-3 UP",
        "## 7. Upgrade", APPLY,
    ],
    "ha-haproxy": [
        "## 1. Every host: /etc/hosts",
        "Append the lines of `hosts` to `/etc/hosts` on cka-cp-1, cka-cp-2, cka-cp-3, cka-worker-1, cka-worker-2, cka-worker-3, cka-hap-1.",
        "## 2. The load balancer cka-hap-1: HAProxy", INSTALL_HAPROXY, "sudo systemctl restart haproxy",
        "## 3. cka-cp-1: kubeadm init", INIT, KUBECONFIG, KEEP_VALUES,
        "## 4. cka-cp-1: the pod network (Calico)", "kubectl create -f calico-installation.yaml",
        "## 5. The other nodes: kubeadm join", *CKA_JOINS,
        "## 6. Checks", *CKA_CHECKS,
        "## 7. Upgrade", APPLY,
    ],
    "ha-keepalived": [
        "## 1. Every host: /etc/hosts",
        "Append the lines of `hosts` to `/etc/hosts` on cka-cp-1, cka-cp-2, cka-cp-3, cka-worker-1, cka-worker-2, cka-worker-3, "
        "cka-hap-1, cka-hap-2.",
        "## 2. Every LB host: HAProxy and keepalived", INSTALL_HAPROXY,
        "sudo install -m 0755 check_apiserver.sh /etc/keepalived/check_apiserver.sh",
        "sudo install -m 0644 keepalived-$(hostname).conf /etc/keepalived/keepalived.conf",
        "sudo keepalived --config-test -f /etc/keepalived/keepalived.conf",
        "sudo systemctl restart haproxy keepalived",
        "cka-hap-1 starts as MASTER and takes the VIP 192.168.51.80 (`ip -o addr show to 192.168.51.80/32`).",
        "## 3. cka-cp-1: kubeadm init", INIT, KUBECONFIG, KEEP_VALUES,
        "## 4. cka-cp-1: the pod network (Calico)", *OPERATOR_3_30,
        "## 5. The other nodes: kubeadm join", *CKA_JOINS,
        "## 6. Checks", *CKA_CHECKS,
        "The VIP is on one LB host at a time, cka-hap-1 while it is healthy: `ip -o addr show to 192.168.51.80/32` prints a line there only.",
        "## 7. Upgrade", APPLY,
    ],
    "ha-kube-vip": [
        "## 1. Every host: /etc/hosts",
        "Append the lines of `hosts` to `/etc/hosts` on vip-cp-1, vip-cp-2, vip-cp-3, vip-worker-1, vip-worker-2.",
        "## 2. Every control plane: the kube-vip static Pod",
        "sudo install -m 0600 kube-vip-$(hostname).yaml /etc/kubernetes/manifests/kube-vip.yaml",
        "sudo sed -i 's#path: /etc/kubernetes/super-admin.conf$#path: /etc/kubernetes/admin.conf#' /etc/kubernetes/manifests/kube-vip.yaml",
        "## 3. vip-cp-1: kubeadm init", INIT, KUBECONFIG, KEEP_VALUES,
        "## 4. vip-cp-1: the pod network (Calico)", *OPERATOR_3_30,
        "## 5. The other nodes: kubeadm join",
        cp_join("vip-cp-2"), cp_join("vip-cp-3"), worker_join("vip-worker-1"), worker_join("vip-worker-2"),
        LATER_WITH_KEY.format("vip-cp-1"), NEW_TOKEN, NEW_CERTIFICATE_KEY,
        "## 6. Checks", NODES,
        "| vip-cp-1 | `control-plane` | 192.168.51.81 |", "| vip-cp-2 | `control-plane` | 192.168.51.82 |",
        "| vip-cp-3 | `control-plane` | 192.168.51.83 |", "| vip-worker-1 | `<none>` | 192.168.51.84 |",
        "| vip-worker-2 | `<none>` | 192.168.51.85 |",
        CALICO_PODS, "curl -k https://k8s-vip:6443/readyz",
        "kube-vip's leader holds the VIP: `kubectl -n kube-system get lease plndr-cp-lock` names it, and `ip -o addr show to 192.168.51.80/32`",
        "## 7. Upgrade", APPLY,
    ],
    "virtualbox-lab": [
        "## 1. Every host: /etc/hosts",
        "Append the lines of `hosts` to `/etc/hosts` on vbox-cp-1, vbox-worker-1, vbox-worker-2.",
        "## 2. vbox-cp-1: kubeadm init", INIT, KUBECONFIG, KEEP_VALUES,
        "## 3. vbox-cp-1: the pod network (Calico)", "kubectl create -f calico-installation.yaml",
        "## 4. The other nodes: kubeadm join", worker_join("vbox-worker-1"), worker_join("vbox-worker-2"),
        "Later (a token lasts 24 h), get new values on vbox-cp-1:", NEW_TOKEN,
        "## 5. Checks", NODES,
        "| vbox-cp-1 | `control-plane` | 192.168.56.11 |", "| vbox-worker-1 | `<none>` | 192.168.56.21 |",
        "| vbox-worker-2 | `<none>` | 192.168.56.22 |",
        CALICO_PODS, "curl -k https://k8s-api:6443/readyz",
        # Kubernetes 1.30: no UpgradeConfiguration yet
        "## 6. Upgrade", "   sudo kubeadm upgrade apply v1.30.6",
    ],
}

# What a case's plan must not hold: no certificate key without control planes
# to join, no HAProxy step or stats without HAProxy.
ABSENT = {
    "aws": [NEW_CERTIFICATE_KEY, "KCONF_CERTIFICATE_KEY", STATS, "HAProxy"],
    "virtualbox-lab": [NEW_CERTIFICATE_KEY, "KCONF_CERTIFICATE_KEY", STATS, "HAProxy", APPLY],
    "ha-kube-vip": [STATS, INSTALL_HAPROXY],
    "ha-haproxy": ["keepalived", "kube-vip"],
    "dual-stack": ["keepalived", "kube-vip", "fd00:60::81 |"],
    "ha-keepalived": ["kube-vip"],
}


def plan_of(case: Path) -> str:
    return render_files(load_cluster(str(case / "cluster.yaml")))["PLAN.md"].data.decode()


def test_tables_cover_every_golden_case() -> None:
    assert sorted(PLAN_LINES) == sorted(ABSENT) == [p.name for p in golden_cases()]


@pytest.mark.parametrize("case", golden_cases(), ids=lambda p: p.name)
def test_plan_steps_and_key_lines_in_order(case: Path) -> None:
    lines = plan_of(case).splitlines()
    expected = PLAN_LINES[case.name]
    missing = [line for line in expected if line not in lines]
    assert missing == []
    positions = [lines.index(line) for line in expected]
    assert positions == sorted(positions), "out of order: " + repr([e for e, p in sorted(zip(expected, positions), key=lambda x: x[1])])
    # the headings are exactly the steps listed: none added, none left out
    assert [line for line in lines if line.startswith("## ")] == [line for line in expected if line.startswith("## ")]


@pytest.mark.parametrize("case", golden_cases(), ids=lambda p: p.name)
def test_plan_leaves_out_what_the_cluster_does_not_have(case: Path) -> None:
    plan = plan_of(case)
    assert [text for text in ABSENT[case.name] if text in plan] == []


@pytest.mark.parametrize("case", golden_cases(), ids=lambda p: p.name)
def test_every_step_says_the_failure_it_avoids(case: Path) -> None:
    steps = plan_of(case).split("\n## ")[1:]
    assert len(steps) == sum(line.startswith("## ") for line in PLAN_LINES[case.name])
    assert [s.splitlines()[0] for s in steps if "\nAvoids: " not in s] == []


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        # where a host has several runtimes, the bare command stops: the plan says why it has --config
        pytest.param("ha-haproxy", "certificate key, valid 2 h. Its `--config kubeadm-init.yaml` names the CRI socket", id="upload-certs-config"),
        pytest.param("ha-keepalived", "and the certificate key (`--certificate-key`, valid 2 h: then kubeadm deletes the\nuploaded certificates)", id="init-key-2h"),
        pytest.param("ha-keepalived", "the CRI socket (unix:///var/run/cri-dockerd.sock)", id="init-socket"),
        pytest.param("ha-keepalived", "The pool is the podSubnet 172.16.0.0/16, not Calico's fallback 192.168.0.0/16", id="calico-pool"),
        pytest.param("ha-keepalived", "autodetection is `cidr=192.168.51.0/24`, not first-found", id="calico-autodetect"),
        pytest.param("ha-kube-vip", "autodetection is `kubernetes-internal-ip`, not first-found", id="calico-autodetect-vip"),
        pytest.param("virtualbox-lab", "instead of 192.168.56.11, and \"found multiple CRI endpoints on the host\"", id="advertise"),
        pytest.param("aws", "`k8s-api.internal` resolving nowhere", id="endpoint-name"),
        pytest.param("ha-haproxy", "backends that are not exactly the control planes\n(cka-cp-1, cka-cp-2, cka-cp-3)", id="backends"),
    ],
)
def test_plan_values_come_from_the_model(case: str, needle: str) -> None:
    assert needle in plan_of(next(p for p in golden_cases() if p.name == case))


# --- the HAProxy check of PLAN.md, against a real HAProxy ------------------------------------------


def _raw_show_stat(socket_path: Path) -> bytes:
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        sock.connect(str(socket_path))
        sock.sendall(b"show stat\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_plan_haproxy_check_prints_what_plan_expects_from_a_real_haproxy(tmp_path: Path) -> None:
    """PLAN.md's stats command (socat's part done here by a socket read) run on
    what HAProxy's stats socket answers, with every backend up: the lines the
    plan says to expect."""
    import os
    import subprocess
    import tempfile
    from contextlib import ExitStack

    import tlsservers
    from conftest import EXAMPLES, missing
    from netns_lab import wait_for
    from test_haproxy import alive_and, haproxy_binary, remap, rendered_haproxy, running_haproxy, show_stat

    haproxy = haproxy_binary()
    if haproxy is None:
        missing("haproxy is not installed")
    assert haproxy is not None
    cluster = load_cluster(str(EXAMPLES / "ha-haproxy" / "cluster.yaml"))
    lines = render_files(cluster)["PLAN.md"].data.decode().splitlines()
    assert STATS in lines
    awk = STATS.split(" | ", 2)[2]  # after: echo "show stat" | sudo socat stdio SOCKET
    expected_start = lines.index("prints every control plane UP:") + 3  # a blank line and the fence
    expected = lines[expected_start:lines.index("```", expected_start)]
    assert expected == ["cka-cp-1 UP", "cka-cp-2 UP", "cka-cp-3 UP"]
    names = [n.name for n in cluster.control_plane_nodes]
    try:
        cert, key = tlsservers.make_self_signed(tmp_path)
    except RuntimeError as exc:
        missing(str(exc))
    with ExitStack() as stack:
        backends = tlsservers.start_tls_servers(names, cert, key)
        stack.callback(tlsservers.stop_all, backends)
        socket_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kconf-plan-")))  # sun_path is short
        remapped = remap(rendered_haproxy(cluster), cluster, backends, socket_dir, as_root=os.geteuid() == 0)
        config, log = tmp_path / "haproxy.cfg", tmp_path / "haproxy.log"
        config.write_text(remapped.text)
        process = stack.enter_context(running_haproxy(haproxy, config, log))
        wait_for(
            "every backend UP",
            lambda: alive_and(process, log, remapped.stats_socket.is_socket()
                              and all(s.status == "UP" for s in show_stat(remapped.stats_socket, remapped.backend).values())
                              and len(show_stat(remapped.stats_socket, remapped.backend)) == 3),
            10,
            describe=lambda: log.read_text(errors="replace"),
        )
        result = subprocess.run(["sh", "-c", awk], input=_raw_show_stat(remapped.stats_socket), capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines() == expected
