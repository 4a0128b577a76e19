"""The calico rules: exact findings (file, line, column, rule, message).

Written for the mutants of kconf/lint/rules/calico.py that survived the rest of
the suite (see tools/mutation/run): each row is a small tree of files and every
finding the calico rules give on it (the tree's folder written ROOT).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lintkit import lay_out, lint
from test_lint_calico import VBOX, manifest, env
from test_lint_control_plane import SIX
RULES = "calico-pool-mismatch,calico-pool-unset,calico-autodetect-first-found,calico-autodetect-mismatch,calico-manifest"
THREE = VBOX + """    - name: worker-2
      role: worker
      address: 192.168.56.22/24
      interfaces:
        - {name: enp0s3, address: 10.0.2.15/24, nat: true}
        - {name: enp0s8, address: 192.168.56.22/24}
"""
def cl(method): return THREE.replace("cidr=192.168.56.0/24", method)
INST = "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\nspec:\n  calicoNetwork:\n"
CASES = {
 "can-reach-name": {"cluster.yaml": cl("can-reach=example.com")},
 "can-reach-ip": {"cluster.yaml": cl("can-reach=8.8.8.8")},
 "interface-none": {"cluster.yaml": cl("interface=eth.*")},
 "interface-nat": {"cluster.yaml": cl("interface=enp0s3")},
 "skip-all": {"cluster.yaml": cl("skip-interface=enp.*")},
 "skip-nat": {"cluster.yaml": cl("skip-interface=enp0s8")},
 "cidr-left-out": {"cluster.yaml": cl("cidr=10.0.0.0/8")},
 "first-found": {"cluster.yaml": cl("first-found")},
 "manifest-old": {"calico.yaml": manifest(env(("IP", "autodetect"), ("CALICO_IPV4POOL_CIDR", '"10.0.0.0/16"'), ("IP_AUTODETECTION_METHOD", "kubernetes-internal-ip"), ("IP6_AUTODETECTION_METHOD", "bogus")), image="docker.io/calico/node:v3.20.0")},
 "manifest-unset": {"calico.yaml": manifest()},
 "manifest-unset-env": {"calico.yaml": manifest(env(("DATASTORE_TYPE", "kubernetes")))},
 "manifest-empty": {"calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", '""')))},
 "inst-bad": {"i.yaml": INST + "    nodeAddressAutodetectionV4: {}\n    nodeAddressAutodetectionV6: {firstFound: true, canReach: 1.2.3.4}\n"},
 "inst-kinds": {"i.yaml": INST + "    nodeAddressAutodetectionV4: {kubernetes: Other}\n    nodeAddressAutodetectionV6: {cidrs: []}\n"},
 "inst-unknown": {"i.yaml": INST + "    nodeAddressAutodetectionV4: {bogus: 1}\n    nodeAddressAutodetectionV6: 3\n"},
}

ONE = VBOX.split("    - name: worker-1")[0]
CASES.update({
 "one-node-interface-none": {"cluster.yaml": ONE.replace("cidr=192.168.56.0/24", "interface=eth0")},
 "one-node-unset-manifest": {"cluster.yaml": ONE.replace("    ipAutodetection: cidr=192.168.56.0/24\n", "").replace("mode: operator", "mode: manifest\n    manifest: up.yaml"), "up.yaml": manifest(),
     "lab/calico.yaml": manifest(env(("IP", "autodetect"), ("CALICO_IPV4POOL_CIDR", '"10.9.0.0/16"'), ("CALICO_IPV6POOL_CIDR", "fd00::/64"), ("IP_AUTODETECTION_METHOD", "first-found"), ("IP6_AUTODETECTION_METHOD", "first-found")))},
 "manifest-folder": {"cluster.yaml": ONE.replace("mode: operator", "mode: manifest\n    manifest: up"), "up/x": ""},
 "manifest-missing": {"cluster.yaml": ONE.replace("mode: operator", "mode: manifest\n    manifest: nothere.yaml")},
 "ipv6-only": {"calico.yaml": manifest(env(("IP", "none"), ("CALICO_IPV6POOL_CIDR", "fd00::/64"), ("IP6_AUTODETECTION_METHOD", "can-reach=fd00::1")))},
 "ipv6-only-empty-pool": {"calico.yaml": manifest(env(("IP", "none"), ("CALICO_IPV6POOL_CIDR", '""')))},
 "ip-literal": {"calico.yaml": manifest(env(("IP", "10.0.0.1"), ("CALICO_IPV4POOL_CIDR", "10.0.0.0/16"), ("IP_AUTODETECTION_METHOD", "bogus")))},
 "ip-empty": {"calico.yaml": manifest(env(("IP", '""'), ("CALICO_IPV4POOL_CIDR", "10.0.0.0/16"), ("IP_AUTODETECTION_METHOD", "bogus"), ("IP6_AUTODETECTION_METHOD", '""')))},
 "inst-pools": {"cluster.yaml": ONE, "lab/i.yaml": INST + "    ipPools:\n      - cidr: bogus\n      - cidr: fd00::/64\n      - cidr: 10.244.0.0/16\n"},
 "inst-pools-v6": {"cluster.yaml": ONE, "lab/i.yaml": INST + "    ipPools:\n      - cidr: bogus\n      - cidr: fd00::/64\n"},
 "inst-no-network": {"cluster.yaml": ONE, "lab/i.yaml": INST.replace("  calicoNetwork:\n", "  x: 1\n")},
})

REACH = ONE.replace("  hosts:\n    k8s-api: 192.168.56.11\n", "  hosts:\n    k8s-api: 192.168.56.11\n    ext: 10.1.1.1\n").replace(
    "  nodes:\n", "  loadBalancer:\n    hostname: lb\n    address: 10.2.2.2\n    port: 6443\n  nodes:\n").replace(
    "        - {name: enp0s8, address: 192.168.56.11/24}\n", "        - {name: enp0s8, address: 192.168.56.11/24}\n        - {name: enp0s9, address: 10.3.3.3/24}\n")
CASES.update({
 "reach-host": {"cluster.yaml": REACH.replace("cidr=192.168.56.0/24", "can-reach=10.1.1.1")},
 "reach-host-name": {"cluster.yaml": REACH.replace("cidr=192.168.56.0/24", "can-reach=ext")},
 "reach-lb": {"cluster.yaml": REACH.replace("cidr=192.168.56.0/24", "can-reach=10.2.2.2")},
 "reach-interface": {"cluster.yaml": REACH.replace("cidr=192.168.56.0/24", "can-reach=10.3.3.3")},
 "reach-nat": {"cluster.yaml": REACH.replace("cidr=192.168.56.0/24", "can-reach=10.0.2.15")},
 "v3-22": {"calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.0.0.0/16"), ("IP_AUTODETECTION_METHOD", "kubernetes-internal-ip")), image="docker.io/calico/node:v3.22.0")},
 "unset-then-v6-bad": {"calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.0.0.0/16"), ("IP6_AUTODETECTION_METHOD", "bogus")))},
 "two-manifests": {"a/calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.0.0.0/16"))), "b/calico.yaml": manifest(env(("IP", "autodetect"))),
     "c/calico.yaml": manifest(env(("IP", "none"), ("CALICO_IPV6POOL_CIDR", "fd00::/64"))), "d/calico.yaml": manifest(env(("IP", "x")))},
 "pool-skips": {"cluster.yaml": ONE, "lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", '""'), ("CALICO_IPV6POOL_CIDR", "fd00::/64"))),
     "lab/i.yaml": INST + "    ipPools:\n      - blockSize: 26\n      - 7\n      - cidr: 10.9.0.0/16\n"},
 "pool-value-from": {"cluster.yaml": ONE, "lab/calico.yaml": manifest("            - name: CALICO_IPV4POOL_CIDR\n              valueFrom: {configMapKeyRef: {name: x, key: y}}\n" + env(("CALICO_IPV6POOL_CIDR", "fd00::/64")))},
 "first-found-v6-then-v4": {"cluster.yaml": ONE, "lab/i.yaml": INST + "    nodeAddressAutodetectionV6: {firstFound: true}\n"},
 "manifest-empty-name": {"cluster.yaml": ONE.replace("mode: operator", "mode: manifest\n    manifest: ''")},
 "manifest-operator": {"cluster.yaml": ONE.replace("    mode: operator\n", "    mode: operator\n    manifest: nothere.yaml\n")},
})

PRE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n# - name: CALICO_IPV4POOL_CIDR\ndata: {}\n---\n"
CASES.update({
 "comment-before-container": {"calico.yaml": PRE + manifest(env(("IP", "autodetect")))},
 "second-document": {"calico.yaml": PRE + manifest(env(("CALICO_IPV4POOL_CIDR", '""'), ("IP_AUTODETECTION_METHOD", "bogus")))},
})

CASES.update({
 "cidrs-kinds": {"i.yaml": INST + "    nodeAddressAutodetectionV4: {cidrs: [1]}\n    nodeAddressAutodetectionV6: {cidrs: fd00::/64}\n"},
})


@pytest.mark.parametrize(("files", "expected"), [
    pytest.param(CASES['can-reach-name'], [
        ('cluster.yaml', 13, 22, 'calico-autodetect-mismatch', "spec.calico.ipAutodetection: can-reach target 'example.com' is no node, endpoint or load-balancer name of the description: Calico takes the interface of the route to it, for an outside name the default (often NAT) route"),
    ], id='can-reach-name'),
    pytest.param(CASES['can-reach-ip'], [
        ('cluster.yaml', 13, 22, 'calico-autodetect-mismatch', "spec.calico.ipAutodetection: can-reach target 8.8.8.8 (8.8.8.8) is neither a node, endpoint or load-balancer address nor inside the nodes' networks: the route to it may leave through another (NAT) interface"),
    ], id='can-reach-ip'),
    pytest.param(CASES['interface-none'], [
        ('cluster.yaml', 13, 22, 'calico-autodetect-mismatch', 'spec.calico.ipAutodetection: interface=eth.* matches no interface of node cp-1 and 2 more (enp0s3, enp0s8)'),
    ], id='interface-none'),
    pytest.param(CASES['interface-nat'], [
        ('cluster.yaml', 13, 22, 'calico-autodetect-mismatch', 'spec.calico.ipAutodetection: interface=enp0s3 matches only the NAT interface of node cp-1 and 2 more: every node would announce the shared NAT address'),
    ], id='interface-nat'),
    pytest.param(CASES['skip-all'], [
        ('cluster.yaml', 13, 22, 'calico-autodetect-mismatch', 'spec.calico.ipAutodetection: skip-interface=enp.* skips every interface of node cp-1 and 2 more (enp0s3, enp0s8)'),
    ], id='skip-all'),
    pytest.param(CASES['skip-nat'], [
        ('cluster.yaml', 13, 22, 'calico-autodetect-mismatch', 'spec.calico.ipAutodetection: skip-interface=enp0s8 leaves only the NAT interface of node cp-1 and 2 more: every node would announce the shared NAT address'),
    ], id='skip-nat'),
    pytest.param(CASES['cidr-left-out'], [
        ('cluster.yaml', 13, 22, 'calico-autodetect-mismatch', 'spec.calico.ipAutodetection: cidr=10.0.0.0/8 leaves out node cp-1 and 2 more (192.168.56.11): Calico finds no address there and calico-node does not start'),
    ], id='cidr-left-out'),
    pytest.param(CASES['first-found'], [
        ('cluster.yaml', 13, 22, 'calico-autodetect-first-found', 'ipAutodetection first-found: node cp-1 has enp0s3 10.0.2.15 (NAT), enp0s8 192.168.56.11 (2 more multi-homed nodes); first-found may take the NAT or wrong interface; pin it with cidr= or interface='),
    ], id='first-found'),
    pytest.param(CASES['manifest-old'], [
        ('calico.yaml', 18, 22, 'calico-autodetect-mismatch', "IP_AUTODETECTION_METHOD: kubernetes-internal-ip needs Calico v3.22 or later, but the calico-node image is docker.io/calico/node:v3.20.0: calico-node terminates with 'Invalid IP autodetection method'"),
        ('calico.yaml', 20, 22, 'calico-autodetect-mismatch', "IP6_AUTODETECTION_METHOD: unknown autodetection method 'bogus' (one of: first-found, can-reach, interface, skip-interface, cidr, kubernetes-internal-ip)"),
    ], id='manifest-old'),
    pytest.param(CASES['manifest-unset'], [
        ('calico.yaml', 17, 1, 'calico-pool-unset', 'CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls back to 192.168.0.0/16; set it to podSubnet'),
    ], id='manifest-unset'),
    pytest.param(CASES['manifest-unset-env'], [
        ('calico.yaml', 12, 1, 'calico-pool-unset', 'CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls back to 192.168.0.0/16; set it to podSubnet'),
    ], id='manifest-unset-env'),
    pytest.param(CASES['manifest-empty'], [
        ('calico.yaml', 14, 22, 'calico-pool-unset', 'CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls back to 192.168.0.0/16; set it to podSubnet'),
    ], id='manifest-empty'),
    pytest.param(CASES['inst-bad'], [
        ('i.yaml', 7, 5, 'calico-autodetect-mismatch', 'spec.calicoNetwork.nodeAddressAutodetectionV4: exactly one method may be set (found: none)'),
        ('i.yaml', 8, 5, 'calico-autodetect-mismatch', 'spec.calicoNetwork.nodeAddressAutodetectionV6: exactly one method may be set (found: canReach, firstFound)'),
    ], id='inst-bad'),
    pytest.param(CASES['inst-kinds'], [
        ('i.yaml', 7, 46, 'calico-autodetect-mismatch', "spec.calicoNetwork.nodeAddressAutodetectionV4: kubernetes: 'Other' (the only value is NodeInternalIP)"),
        ('i.yaml', 8, 41, 'calico-autodetect-mismatch', 'spec.calicoNetwork.nodeAddressAutodetectionV6: cidrs must be a non-empty list of CIDRs'),
    ], id='inst-kinds'),
    pytest.param(CASES['inst-unknown'], [
        ('i.yaml', 7, 41, 'calico-autodetect-mismatch', "spec.calicoNetwork.nodeAddressAutodetectionV4: unknown method 'bogus' (one of: firstFound, canReach, interface, skipInterface, cidrs, kubernetes)"),
        ('i.yaml', 8, 5, 'calico-autodetect-mismatch', 'spec.calicoNetwork.nodeAddressAutodetectionV6: must be a mapping with one method (firstFound, canReach, interface, skipInterface, cidrs, kubernetes)'),
    ], id='inst-unknown'),
    pytest.param(CASES['one-node-interface-none'], [
        ('cluster.yaml', 13, 22, 'calico-autodetect-mismatch', 'spec.calico.ipAutodetection: interface=eth0 matches no interface of node cp-1 (enp0s3, enp0s8)'),
    ], id='one-node-interface-none'),
    pytest.param(CASES['one-node-unset-manifest'], [
        ('lab/calico.yaml', 16, 22, 'calico-pool-mismatch', "CALICO_IPV4POOL_CIDR: pool 10.9.0.0/16 is not inside the description's podSubnet 10.244.0.0/16: pods would get addresses kube-proxy and the kube-controller-manager do not treat as pod addresses"),
        ('lab/calico.yaml', 18, 22, 'calico-pool-mismatch', "CALICO_IPV6POOL_CIDR: pool fd00::/64 is IPv6, but the description's podSubnet (10.244.0.0/16) has no IPv6 CIDR"),
        ('lab/calico.yaml', 20, 22, 'calico-autodetect-first-found', 'IP_AUTODETECTION_METHOD is first-found: node cp-1 has enp0s3 10.0.2.15 (NAT), enp0s8 192.168.56.11; first-found may take the NAT or wrong interface; pin it with cidr= or interface='),
        ('up.yaml', 17, 1, 'calico-pool-unset', 'CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls back to 192.168.0.0/16; set it to podSubnet'),
    ], id='one-node-unset-manifest'),
    pytest.param(CASES['manifest-folder'], [
        ('cluster.yaml', 13, 15, 'calico-manifest', "spec.calico.manifest 'up': ROOT/up is a folder; kconf render patches the upstream calico.yaml there: download it or correct the path"),
    ], id='manifest-folder'),
    pytest.param(CASES['manifest-missing'], [
        ('cluster.yaml', 13, 15, 'calico-manifest', "spec.calico.manifest 'nothere.yaml': ROOT/nothere.yaml does not exist; kconf render patches the upstream calico.yaml there: download it or correct the path"),
    ], id='manifest-missing'),
    pytest.param(CASES['ipv6-only'], [
    ], id='ipv6-only'),
    pytest.param(CASES['ipv6-only-empty-pool'], [
        ('calico.yaml', 12, 1, 'calico-pool-unset', 'CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls back to 192.168.0.0/16; set it to podSubnet'),
    ], id='ipv6-only-empty-pool'),
    pytest.param(CASES['ip-literal'], [
    ], id='ip-literal'),
    pytest.param(CASES['ip-empty'], [
        ('calico.yaml', 18, 22, 'calico-autodetect-mismatch', "IP_AUTODETECTION_METHOD: unknown autodetection method 'bogus' (one of: first-found, can-reach, interface, skip-interface, cidr, kubernetes-internal-ip)"),
    ], id='ip-empty'),
    pytest.param(CASES['inst-pools'], [
        ('lab/i.yaml', 6, 3, 'calico-autodetect-first-found', 'spec.calicoNetwork.nodeAddressAutodetectionV4 is not set, so Calico uses first-found: node cp-1 has enp0s3 10.0.2.15 (NAT), enp0s8 192.168.56.11; first-found may take the NAT or wrong interface; pin it with cidr= or interface='),
        ('lab/i.yaml', 8, 15, 'calico-pool-mismatch', "ipPools[0].cidr: 'bogus' is not a pool CIDR: 'bogus' is not a CIDR (address/prefix length, e.g. 10.244.0.0/16)"),
        ('lab/i.yaml', 9, 15, 'calico-pool-mismatch', "ipPools[1].cidr: pool fd00::/64 is IPv6, but the description's podSubnet (10.244.0.0/16) has no IPv6 CIDR"),
    ], id='inst-pools'),
    pytest.param(CASES['inst-pools-v6'], [
        ('lab/i.yaml', 8, 15, 'calico-pool-mismatch', "ipPools[0].cidr: 'bogus' is not a pool CIDR: 'bogus' is not a CIDR (address/prefix length, e.g. 10.244.0.0/16)"),
        ('lab/i.yaml', 9, 15, 'calico-pool-mismatch', "ipPools[1].cidr: pool fd00::/64 is IPv6, but the description's podSubnet (10.244.0.0/16) has no IPv6 CIDR"),
    ], id='inst-pools-v6'),
    pytest.param(CASES['inst-no-network'], [
        ('lab/i.yaml', 5, 1, 'calico-autodetect-first-found', 'spec.calicoNetwork.nodeAddressAutodetectionV4 is not set, so Calico uses first-found: node cp-1 has enp0s3 10.0.2.15 (NAT), enp0s8 192.168.56.11; first-found may take the NAT or wrong interface; pin it with cidr= or interface='),
    ], id='inst-no-network'),
    pytest.param(CASES['reach-host'], [
    ], id='reach-host'),
    pytest.param(CASES['reach-host-name'], [
    ], id='reach-host-name'),
    pytest.param(CASES['reach-lb'], [
    ], id='reach-lb'),
    pytest.param(CASES['reach-interface'], [
    ], id='reach-interface'),
    pytest.param(CASES['reach-nat'], [
        ('cluster.yaml', 13, 22, 'calico-autodetect-mismatch', "spec.calico.ipAutodetection: can-reach target 10.0.2.15 (10.0.2.15) is neither a node, endpoint or load-balancer address nor inside the nodes' networks: the route to it may leave through another (NAT) interface"),
    ], id='reach-nat'),
    pytest.param(CASES['v3-22'], [
    ], id='v3-22'),
    pytest.param(CASES['unset-then-v6-bad'], [
        ('calico.yaml', 16, 22, 'calico-autodetect-mismatch', "IP6_AUTODETECTION_METHOD: unknown autodetection method 'bogus' (one of: first-found, can-reach, interface, skip-interface, cidr, kubernetes-internal-ip)"),
    ], id='unset-then-v6-bad'),
    pytest.param(CASES['two-manifests'], [
        ('b/calico.yaml', 12, 1, 'calico-pool-unset', 'CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls back to 192.168.0.0/16; set it to podSubnet'),
        ('d/calico.yaml', 12, 1, 'calico-pool-unset', 'CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls back to 192.168.0.0/16; set it to podSubnet'),
    ], id='two-manifests'),
    pytest.param(CASES['pool-skips'], [
        ('lab/calico.yaml', 12, 1, 'calico-autodetect-first-found', 'IP_AUTODETECTION_METHOD of the calico-node container is not set, so Calico uses first-found: node cp-1 has enp0s3 10.0.2.15 (NAT), enp0s8 192.168.56.11; first-found may take the NAT or wrong interface; pin it with cidr= or interface='),
        ('lab/calico.yaml', 14, 22, 'calico-pool-unset', 'CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls back to 192.168.0.0/16; set it to podSubnet'),
        ('lab/calico.yaml', 16, 22, 'calico-pool-mismatch', "CALICO_IPV6POOL_CIDR: pool fd00::/64 is IPv6, but the description's podSubnet (10.244.0.0/16) has no IPv6 CIDR"),
        ('lab/i.yaml', 6, 3, 'calico-autodetect-first-found', 'spec.calicoNetwork.nodeAddressAutodetectionV4 is not set, so Calico uses first-found: node cp-1 has enp0s3 10.0.2.15 (NAT), enp0s8 192.168.56.11; first-found may take the NAT or wrong interface; pin it with cidr= or interface='),
        ('lab/i.yaml', 10, 15, 'calico-pool-mismatch', "ipPools[2].cidr: pool 10.9.0.0/16 is not inside the description's podSubnet 10.244.0.0/16: pods would get addresses kube-proxy and the kube-controller-manager do not treat as pod addresses"),
    ], id='pool-skips'),
    pytest.param(CASES['pool-value-from'], [
        ('lab/calico.yaml', 12, 1, 'calico-autodetect-first-found', 'IP_AUTODETECTION_METHOD of the calico-node container is not set, so Calico uses first-found: node cp-1 has enp0s3 10.0.2.15 (NAT), enp0s8 192.168.56.11; first-found may take the NAT or wrong interface; pin it with cidr= or interface='),
        ('lab/calico.yaml', 16, 22, 'calico-pool-mismatch', "CALICO_IPV6POOL_CIDR: pool fd00::/64 is IPv6, but the description's podSubnet (10.244.0.0/16) has no IPv6 CIDR"),
    ], id='pool-value-from'),
    pytest.param(CASES['first-found-v6-then-v4'], [
        ('lab/i.yaml', 6, 3, 'calico-autodetect-first-found', 'spec.calicoNetwork.nodeAddressAutodetectionV4 is not set, so Calico uses first-found: node cp-1 has enp0s3 10.0.2.15 (NAT), enp0s8 192.168.56.11; first-found may take the NAT or wrong interface; pin it with cidr= or interface='),
    ], id='first-found-v6-then-v4'),
    pytest.param(CASES['manifest-empty-name'], [
    ], id='manifest-empty-name'),
    pytest.param(CASES['manifest-operator'], [
    ], id='manifest-operator'),
    pytest.param(CASES['comment-before-container'], [
        ('calico.yaml', 19, 1, 'calico-pool-unset', 'CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls back to 192.168.0.0/16; set it to podSubnet'),
    ], id='comment-before-container'),
    pytest.param(CASES['second-document'], [
        ('calico.yaml', 21, 22, 'calico-pool-unset', 'CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls back to 192.168.0.0/16; set it to podSubnet'),
        ('calico.yaml', 23, 22, 'calico-autodetect-mismatch', "IP_AUTODETECTION_METHOD: unknown autodetection method 'bogus' (one of: first-found, can-reach, interface, skip-interface, cidr, kubernetes-internal-ip)"),
    ], id='second-document'),
    pytest.param(CASES['cidrs-kinds'], [
        ('i.yaml', 7, 41, 'calico-autodetect-mismatch', 'spec.calicoNetwork.nodeAddressAutodetectionV4: cidrs must be a non-empty list of CIDRs'),
        ('i.yaml', 8, 41, 'calico-autodetect-mismatch', 'spec.calicoNetwork.nodeAddressAutodetectionV6: cidrs must be a non-empty list of CIDRs'),
    ], id='cidrs-kinds'),
])
def test_exact_findings(tmp_path: Path, files: dict[str, str], expected: list[tuple[str, int, int, str, str]]) -> None:
    lay_out(tmp_path, files)
    assert [
        (os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.message.replace(str(tmp_path), "ROOT"))
        for f in lint(tmp_path, select=RULES)
    ] == expected


# --- the pod subnet of a kubeadm file, several manifests in one output folder -----------------
# A description whose spec is no mapping gives no model: the pool is then compared with the
# podSubnet of a kubeadm ClusterConfiguration of its output folder.

NO_SPEC = "apiVersion: kconf/v1alpha1\nkind: Cluster\nmetadata:\n  name: lab\nspec: 5\n"
POD_SUBNET = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: {}\nnetworking:\n  podSubnet: {}\n"
POOL = INST + "    ipPools:\n      - cidr: 10.9.0.0/16\n"
OUTSIDE = "pods would get addresses kube-proxy and the kube-controller-manager do not treat as pod addresses"
UNSET = "CALICO_IPV4POOL_CIDR is not set: calico-node guesses the pool from the kubeadm-config ConfigMap or falls back to 192.168.0.0/16; set it to podSubnet"
CP1 = "node cp-1 has enp0s3 10.0.2.15 (NAT), enp0s8 192.168.56.11; first-found may take the NAT or wrong interface; pin it with cidr= or interface="
BOGUS = "unknown autodetection method 'bogus' (one of: first-found, can-reach, interface, skip-interface, cidr, kubernetes-internal-ip)"
NO_ENV = manifest("").replace("          env:\n", "")  # the calico-node container (line 10) has no env at all
CP1_BARE = VBOX.replace("      address: 192.168.56.11/24\n      interfaces:\n        - {name: enp0s3, address: 10.0.2.15/24, nat: true}\n"
                        "        - {name: enp0s8, address: 192.168.56.11/24}\n", "      address: 192.168.56.11/24\n")


@pytest.mark.parametrize(("files", "expected"), [
    # two ClusterConfigurations (kubeadm-schema reports the second): the first one's podSubnet does not
    # parse, so the second one's is the pod subnet
    pytest.param({"cluster.yaml": NO_SPEC, "lab/kubeadm.yaml": POD_SUBNET.format("ClusterConfiguration", "bogus") + "---\n"
                  + POD_SUBNET.format("ClusterConfiguration", "10.244.0.0/16"), "lab/i.yaml": POOL}, [
        ("lab/i.yaml", 8, 15, "calico-pool-mismatch", f"ipPools[0].cidr: pool 10.9.0.0/16 is not inside podSubnet of ROOT/lab/kubeadm.yaml 10.244.0.0/16: {OUTSIDE}"),
    ], id="second-cluster-configuration"),
    # an InitConfiguration has no networking kubeadm reads; the subnets are listed as written
    pytest.param({"cluster.yaml": NO_SPEC, "lab/kubeadm.yaml": POD_SUBNET.format("InitConfiguration", "10.9.0.0/16") + "---\n"
                  + POD_SUBNET.format("ClusterConfiguration", "10.244.0.0/16,fd00:10:244::/56"), "lab/i.yaml": POOL}, [
        # dual stack: the IPv6 half has no pool either
        ("lab/i.yaml", 7, 5, "calico-pool-mismatch", "ipPools have no IPv6 pool, but podSubnet of ROOT/lab/kubeadm.yaml has the "
         "IPv6 CIDR fd00:10:244::/56: pods get no IPv6 address; add a pool with cidr fd00:10:244::/56 (blockSize 122)"),
        ("lab/i.yaml", 8, 15, "calico-pool-mismatch",
         f"ipPools[0].cidr: pool 10.9.0.0/16 is not inside podSubnet of ROOT/lab/kubeadm.yaml 10.244.0.0/16,fd00:10:244::/56: {OUTSIDE}"),
    ], id="init-configuration-first"),
    # without a description each file is a group of its own: nothing to compare the pool with
    pytest.param({"kubeadm.yaml": POD_SUBNET.format("ClusterConfiguration", "10.244.0.0/16"), "i.yaml": POOL}, [], id="standalone-files-side-by-side"),
    pytest.param({"calico.yaml": NO_ENV}, [("calico.yaml", 10, 1, "calico-pool-unset", UNSET)], id="container-without-env"),
    # calicoNetwork is no mapping: the finding is at spec
    pytest.param({"cluster.yaml": ONE, "lab/i.yaml": INST.replace("  calicoNetwork:\n", "  calicoNetwork: 5\n")}, [
        ("lab/i.yaml", 5, 1, "calico-autodetect-first-found", f"spec.calicoNetwork.nodeAddressAutodetectionV4 is not set, so Calico uses first-found: {CP1}"),
    ], id="calico-network-not-a-map"),
    # a node without described interfaces is passed over, not the end of the check
    pytest.param({"cluster.yaml": CP1_BARE.replace("cidr=192.168.56.0/24", "interface=eth.*")}, [
        ("cluster.yaml", 13, 22, "calico-autodetect-mismatch", "spec.calico.ipAutodetection: interface=eth.* matches no interface of node worker-1 (enp0s3, enp0s8)"),
    ], id="first-node-without-interfaces"),
    # a manifest with a literal IP is passed over, not the end of the manifests
    pytest.param({"cluster.yaml": ONE, "lab/a.yaml": manifest(env(("IP", "10.0.0.1"), ("CALICO_IPV4POOL_CIDR", "10.244.0.0/16"))),
                  "lab/b.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.244.0.0/16"), ("IP_AUTODETECTION_METHOD", "bogus")))}, [
        ("lab/b.yaml", 16, 22, "calico-autodetect-mismatch", f"IP_AUTODETECTION_METHOD: {BOGUS}"),
    ], id="literal-ip-then-another-manifest"),
    # IP6_AUTODETECTION_METHOD is an IPv6 method: cidr= is compared with the IPv6 node addresses
    pytest.param({"cluster.yaml": SIX, "lab/calico.yaml": manifest(env(("CALICO_IPV6POOL_CIDR", "fd00:10:244::/64"), ("IP6_AUTODETECTION_METHOD", "cidr=fd00:ffff::/64")))}, [
        ("lab/calico.yaml", 12, 1, "calico-pool-unset", UNSET),
        ("lab/calico.yaml", 16, 22, "calico-autodetect-mismatch", "IP6_AUTODETECTION_METHOD: cidr=fd00:ffff::/64 leaves out node cp-1 and 2 more "
         "(2001:db8:51::81): Calico finds no address there and calico-node does not start"),
    ], id="ipv6-cidr-method"),
    pytest.param({"calico.yaml": manifest("            - name: IP_AUTODETECTION_METHOD\n              valueFrom: {configMapKeyRef: {name: x, key: y}}\n"
                                          + env(("CALICO_IPV4POOL_CIDR", "10.0.0.0/16"), ("IP6_AUTODETECTION_METHOD", "bogus")))}, [
        ("calico.yaml", 18, 22, "calico-autodetect-mismatch", f"IP6_AUTODETECTION_METHOD: {BOGUS}"),
    ], id="v4-value-from-then-v6"),
    # an IPv6 method of the manifest before the Installation's unset V4
    pytest.param({"cluster.yaml": ONE, "lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.244.0.0/16"), ("IP_AUTODETECTION_METHOD", "cidr=192.168.56.0/24"),
                                                                        ("IP6_AUTODETECTION_METHOD", "can-reach=fd00::1"))),
                  "lab/i.yaml": INST + "    ipPools:\n      - cidr: 10.244.0.0/16\n"}, [
        ("lab/calico.yaml", 18, 22, "calico-autodetect-mismatch", "IP6_AUTODETECTION_METHOD: can-reach target fd00::1 (fd00::1) is neither a node, endpoint "
         "or load-balancer address nor inside the nodes' networks: the route to it may leave through another (NAT) interface"),
        ("lab/i.yaml", 6, 3, "calico-autodetect-first-found", f"spec.calicoNetwork.nodeAddressAutodetectionV4 is not set, so Calico uses first-found: {CP1}"),
    ], id="v6-method-then-installation"),
    pytest.param({"calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.0.0.0/16"), ("IP_AUTODETECTION_METHOD", "bogus"), ("IP6_AUTODETECTION_METHOD", "interface=(")))}, [
        ("calico.yaml", 16, 22, "calico-autodetect-mismatch", f"IP_AUTODETECTION_METHOD: {BOGUS}"),
        ("calico.yaml", 18, 22, "calico-autodetect-mismatch", "IP6_AUTODETECTION_METHOD: interface=(: not a valid regular expression (missing ), "
         "unterminated subpattern at position 0)"),
    ], id="two-invalid-methods"),
    # a manifest with the pool set, an IPv6-only one, then one without the pool: the last one is reported
    pytest.param({"cluster.yaml": ONE, "lab/a.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.244.0.0/16"), ("IP_AUTODETECTION_METHOD", "cidr=192.168.56.0/24"))),
                  "lab/b.yaml": manifest(env(("IP", "none"), ("CALICO_IPV6POOL_CIDR", "fd00::/64"))),
                  "lab/c.yaml": manifest(env(("IP_AUTODETECTION_METHOD", "cidr=192.168.56.0/24")))}, [
        ("lab/b.yaml", 16, 22, "calico-pool-mismatch", "CALICO_IPV6POOL_CIDR: pool fd00::/64 is IPv6, but the description's podSubnet (10.244.0.0/16) has no IPv6 CIDR"),
        ("lab/c.yaml", 12, 1, "calico-pool-unset", UNSET),
    ], id="three-manifests-in-one-folder"),
])
def test_exact_findings_in_groups(tmp_path: Path, files: dict[str, str], expected: list[tuple[str, int, int, str, str]]) -> None:
    lay_out(tmp_path, files)
    assert [
        (os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.message.replace(str(tmp_path), "ROOT"))
        for f in lint(tmp_path, select=RULES)
    ] == expected


# --- a dual-stack podSubnet's IPv6 pool; an autodetection method that does not parse -------------

DUAL_ONE = ONE.replace("podSubnet: 10.244.0.0/16", "podSubnet: 10.244.0.0/16,fd00:10::/56")
NO_IPV6_POOL = ("CALICO_IPV6POOL_CIDR is not set, but the description's podSubnet has the IPv6 CIDR fd00:10::/56: pods get no IPv6 "
                "address; set it with `kconf calico patch --ipv6-pod-cidr fd00:10::/56` (which also sets IP6, FELIX_IPV6SUPPORT and "
                "the CNI's assign_ipv6), or re-render")


@pytest.mark.parametrize(("files", "rule", "expected"), [
    # _missing_ipv6_pools 17, 19, 28: an empty CALICO_IPV6POOL_CIDR is not set, reported at its value
    pytest.param({"cluster.yaml": DUAL_ONE, "lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "10.244.0.0/16"), ("CALICO_IPV6POOL_CIDR", '""')))},
                 "calico-pool-mismatch", [("lab/calico.yaml", 16, 22, "calico-pool-mismatch", NO_IPV6_POOL)], id="empty-ipv6-pool"),
    # _missing_ipv6_pools 4: an IPv6-only podSubnet is not dual stack (pool-unset's concern)
    pytest.param({"cluster.yaml": ONE.replace("podSubnet: 10.244.0.0/16", "podSubnet: fd00:10::/56"),
                  "lab/calico.yaml": manifest(env(("CALICO_IPV4POOL_CIDR", "fd00:10::/56")))}, "calico-pool-mismatch", [], id="ipv6-only"),
    # _missing_ipv6_pools 53 (ipPools no list, an empty list), 56 (the next Installation still read), _pool_version 2 (a pool no mapping)
    pytest.param({"cluster.yaml": DUAL_ONE, "lab/a.yaml": INST + "    ipPools: 5\n", "lab/b.yaml": INST + "    ipPools: []\n",
                  "lab/c.yaml": INST + "    ipPools:\n      - just-a-word\n      - cidr: 10.244.0.0/16\n"}, "calico-pool-mismatch", [
        ("lab/c.yaml", 7, 5, "calico-pool-mismatch", "ipPools have no IPv6 pool, but the description's podSubnet has the IPv6 CIDR "
         "fd00:10::/56: pods get no IPv6 address; add a pool with cidr fd00:10::/56 (blockSize 122)"),
    ], id="installations-without-an-ipv6-pool"),
])  # fmt: skip
def test_missing_ipv6_pools(tmp_path: Path, files: dict[str, str], rule: str, expected: list[tuple[str, int, int, str, str]]) -> None:
    lay_out(tmp_path, files)
    assert [(os.path.relpath(f.path, tmp_path), f.line, f.column, f.rule, f.message) for f in lint(tmp_path, select=rule)] == expected


def test_an_unparsable_described_method_is_yielded_once(tmp_path: Path) -> None:
    # _lists_ipv6 3: the rule itself yields it once (lint's set of findings would merge a second, identical one)
    from kconf.lint.model import Group, Loc, RawFinding, cluster_source
    from kconf.lint.rules.calico import calico_autodetect_mismatch
    from kconf.yamlio import load_one

    path = str(tmp_path / "cluster.yaml")
    text = ONE.replace("cidr=192.168.56.0/24", "bogus=1")
    source = cluster_source(path, text, load_one(text, path))
    assert list(calico_autodetect_mismatch(Group(files=[source], cluster_file=source))) == [
        RawFinding("calico-autodetect-mismatch", Loc(path, 13, 22), "spec.calico.ipAutodetection: unknown autodetection method 'bogus' "
                   "(one of: first-found, can-reach, interface, skip-interface, cidr, kubernetes-internal-ip)"),
    ]
