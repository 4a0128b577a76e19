"""The kubeadm.k8s.io JSON Schemas (schemas/kubeadm/) and kconf.kubeadm.schema.

Valid documents are upstream's own: the examples in the doc comments of kubeadm's
v1beta3/v1beta4 doc.go, and `kubeadm config print {init,join,reset,upgrade}-defaults` of
kubeadm 1.30 (v1beta3) and 1.31 (v1beta4). Invalid ones must fail at the expected field path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kconf.kubeadm.schema import (
    KUBEADM_GROUP,
    SUPPORTED,
    check_document,
    is_kubeadm_document,
    schema_name,
)
from kconf.resources import schema
from kconf.schemacheck import check
from kconf.yamlio import load_documents

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas" / "kubeadm"
SCHEMA_FILES = sorted(SCHEMA_DIR.glob("*/*.json"))


def docs(text: str) -> list[Any]:
    return [d.data for d in load_documents(text, "x.yaml") if d.data is not None]


# ----------------------------------------------------------------------------- valid documents

# cmd/kubeadm/app/apis/kubeadm/v1beta3/doc.go, "a fully populated example". Upstream writes
# `v: 4` unquoted under kubeletExtraArgs, which kubeadm itself rejects (a number is not a
# string in a map[string]string; kubernetes/website#46756 quoted it): quoted here.
V1BETA3_DOCGO_INIT = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
bootstrapTokens:
- token: "9a08jv.c0izixklcxtmnze7"
  description: "kubeadm bootstrap token"
  ttl: "24h"
- token: "783bde.3f89s0fje9f38fhf"
  description: "another bootstrap token"
  usages:
  - authentication
  - signing
  groups:
  - system:bootstrappers:kubeadm:default-node-token
nodeRegistration:
  name: "ec2-10-100-0-1"
  criSocket: "unix:///var/run/containerd/containerd.sock"
  taints:
  - key: "kubeadmNode"
    value: "someValue"
    effect: "NoSchedule"
  kubeletExtraArgs:
    v: "4"
  ignorePreflightErrors:
  - IsPrivilegedUser
  imagePullPolicy: "IfNotPresent"
localAPIEndpoint:
  advertiseAddress: "10.100.0.1"
  bindPort: 6443
certificateKey: "e6a2eb8581237ab72a4f494f30285ec12a9694d750b9785706a83bfcbbbd2204"
skipPhases:
- addon/kube-proxy
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
etcd:
  # one of local or external
  local:
    imageRepository: "registry.k8s.io"
    imageTag: "3.2.24"
    dataDir: "/var/lib/etcd"
    extraArgs:
      listen-client-urls: "http://10.100.0.1:2379"
    serverCertSANs:
    -  "ec2-10-100-0-1.compute-1.amazonaws.com"
    peerCertSANs:
    - "10.100.0.1"
networking:
  serviceSubnet: "10.96.0.0/16"
  podSubnet: "10.244.0.0/24"
  dnsDomain: "cluster.local"
kubernetesVersion: "v1.21.0"
controlPlaneEndpoint: "10.100.0.1:6443"
apiServer:
  extraArgs:
    authorization-mode: "Node,RBAC"
  extraVolumes:
  - name: "some-volume"
    hostPath: "/etc/some-path"
    mountPath: "/etc/some-pod-path"
    readOnly: false
    pathType: File
  certSANs:
  - "10.100.1.1"
  - "ec2-10-100-0-1.compute-1.amazonaws.com"
  timeoutForControlPlane: 4m0s
controllerManager:
  extraArgs:
    "node-cidr-mask-size": "20"
  extraVolumes:
  - name: "some-volume"
    hostPath: "/etc/some-path"
    mountPath: "/etc/some-pod-path"
    readOnly: false
    pathType: File
scheduler:
  extraArgs:
    address: "10.100.0.1"
  extraVolumes:
  - name: "some-volume"
    hostPath: "/etc/some-path"
    mountPath: "/etc/some-pod-path"
    readOnly: false
    pathType: File
certificatesDir: "/etc/kubernetes/pki"
imageRepository: "registry.k8s.io"
clusterName: "example-cluster"
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# kubelet specific options here
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
# kube-proxy specific options here
"""

# The same doc.go example with its commented-out external etcd block.
V1BETA3_DOCGO_EXTERNAL_ETCD = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
etcd:
  external:
    endpoints:
    - "10.100.0.1:2379"
    - "10.100.0.2:2379"
    caFile: "/etcd/kubernetes/pki/etcd/etcd-ca.crt"
    certFile: "/etcd/kubernetes/pki/etcd/etcd.crt"
    keyFile: "/etcd/kubernetes/pki/etcd/etcd.key"
"""

# kubeadm 1.30: kubeadm config print init-defaults
V1BETA3_INIT_DEFAULTS_1_30 = """\
apiVersion: kubeadm.k8s.io/v1beta3
bootstrapTokens:
- groups:
  - system:bootstrappers:kubeadm:default-node-token
  token: abcdef.0123456789abcdef
  ttl: 24h0m0s
  usages:
  - signing
  - authentication
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 1.2.3.4
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  name: node
  taints: null
---
apiServer:
  timeoutForControlPlane: 4m0s
apiVersion: kubeadm.k8s.io/v1beta3
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controllerManager: {}
dns: {}
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: 1.30.0
networking:
  dnsDomain: cluster.local
  serviceSubnet: 10.96.0.0/12
scheduler: {}
"""

# kubeadm 1.30: kubeadm config print join-defaults
V1BETA3_JOIN_DEFAULTS_1_30 = """\
apiVersion: kubeadm.k8s.io/v1beta3
caCertPath: /etc/kubernetes/pki/ca.crt
discovery:
  bootstrapToken:
    apiServerEndpoint: kube-apiserver:6443
    token: abcdef.0123456789abcdef
    unsafeSkipCAVerification: true
  timeout: 5m0s
  tlsBootstrapToken: abcdef.0123456789abcdef
kind: JoinConfiguration
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  name: node
  taints: null
"""

# cmd/kubeadm/app/apis/kubeadm/v1beta4/doc.go, "a fully populated example" (1.31).
V1BETA4_DOCGO_INIT = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
- token: "9a08jv.c0izixklcxtmnze7"
  description: "kubeadm bootstrap token"
  ttl: "24h"
- token: "783bde.3f89s0fje9f38fhf"
  description: "another bootstrap token"
  usages:
  - authentication
  - signing
  groups:
  - system:bootstrappers:kubeadm:default-node-token
nodeRegistration:
  name: "ec2-10-100-0-1"
  criSocket: "unix:///var/run/containerd/containerd.sock"
  taints:
  - key: "kubeadmNode"
    value: "someValue"
    effect: "NoSchedule"
  kubeletExtraArgs:
  - name: "v"
    value: "5"
  ignorePreflightErrors:
  - IsPrivilegedUser
  imagePullPolicy: "IfNotPresent"
  imagePullSerial: true
localAPIEndpoint:
  advertiseAddress: "10.100.0.1"
  bindPort: 6443
certificateKey: "e6a2eb8581237ab72a4f494f30285ec12a9694d750b9785706a83bfcbbbd2204"
skipPhases:
- preflight
timeouts:
  controlPlaneComponentHealthCheck: "60s"
  kubernetesAPICall: "40s"
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
etcd:
  # one of local or external
  local:
    imageRepository: "registry.k8s.io"
    imageTag: "3.2.24"
    dataDir: "/var/lib/etcd"
    extraArgs:
    - name: "listen-client-urls"
      value: "http://10.100.0.1:2379"
    extraEnvs:
    - name: "SOME_VAR"
      value: "SOME_VALUE"
    serverCertSANs:
    - "ec2-10-100-0-1.compute-1.amazonaws.com"
    peerCertSANs:
    - "10.100.0.1"
networking:
  serviceSubnet: "10.96.0.0/16"
  podSubnet: "10.244.0.0/24"
  dnsDomain: "cluster.local"
kubernetesVersion: "v1.21.0"
controlPlaneEndpoint: "10.100.0.1:6443"
apiServer:
  extraArgs:
  - name: "authorization-mode"
    value: "Node,RBAC"
  extraEnvs:
  - name: "SOME_VAR"
    value: "SOME_VALUE"
  extraVolumes:
  - name: "some-volume"
    hostPath: "/etc/some-path"
    mountPath: "/etc/some-pod-path"
    readOnly: false
    pathType: File
  certSANs:
  - "10.100.1.1"
  - "ec2-10-100-0-1.compute-1.amazonaws.com"
controllerManager:
  extraArgs:
  - name: "node-cidr-mask-size"
    value: "20"
  extraVolumes:
  - name: "some-volume"
    hostPath: "/etc/some-path"
    mountPath: "/etc/some-pod-path"
    readOnly: false
    pathType: File
scheduler:
  extraArgs:
  - name: "address"
    value: "10.100.0.1"
  extraVolumes:
  - name: "some-volume"
    hostPath: "/etc/some-path"
    mountPath: "/etc/some-pod-path"
    readOnly: false
    pathType: File
certificatesDir: "/etc/kubernetes/pki"
imageRepository: "registry.k8s.io"
clusterName: "example-cluster"
encryptionAlgorithm: "ECDSA-P256"
dns:
  disabled: true # disable CoreDNS
proxy:
  disabled: true # disable kube-proxy
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# kubelet specific options here
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
# kube-proxy specific options here
"""

# v1beta4/doc.go, the JoinConfiguration example.
V1BETA4_DOCGO_JOIN = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: some-address:6443
    token: abcdef.0123456789abcdef
    unsafeSkipCAVerification: true
  tlsBootstrapToken: abcdef.0123456789abcdef
"""

_TIMEOUT_DEFAULTS = """\
timeouts:
  controlPlaneComponentHealthCheck: 4m0s
  discovery: 5m0s
  etcdAPICall: 2m0s
  kubeletHealthCheck: 4m0s
  kubernetesAPICall: 1m0s
  tlsBootstrap: 5m0s
  upgradeManifests: 5m0s
"""

# kubeadm 1.31: kubeadm config print init-defaults
V1BETA4_INIT_DEFAULTS_1_31 = (
    """\
apiVersion: kubeadm.k8s.io/v1beta4
bootstrapTokens:
- groups:
  - system:bootstrappers:kubeadm:default-node-token
  token: abcdef.0123456789abcdef
  ttl: 24h0m0s
  usages:
  - signing
  - authentication
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 1.2.3.4
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  imagePullSerial: true
  name: node
  taints: null
"""
    + _TIMEOUT_DEFAULTS
    + """\
---
apiServer: {}
apiVersion: kubeadm.k8s.io/v1beta4
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controllerManager: {}
dns: {}
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: 1.31.0
networking:
  dnsDomain: cluster.local
  serviceSubnet: 10.96.0.0/12
proxy: {}
scheduler: {}
"""
)

# kubeadm 1.31: kubeadm config print join-defaults
V1BETA4_JOIN_DEFAULTS_1_31 = """\
apiVersion: kubeadm.k8s.io/v1beta4
caCertPath: /etc/kubernetes/pki/ca.crt
discovery:
  bootstrapToken:
    apiServerEndpoint: kube-apiserver:6443
    token: abcdef.0123456789abcdef
    unsafeSkipCAVerification: true
  tlsBootstrapToken: abcdef.0123456789abcdef
kind: JoinConfiguration
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  imagePullSerial: true
  name: node
  taints: null
""" + _TIMEOUT_DEFAULTS

# kubeadm 1.31: kubeadm config print reset-defaults
V1BETA4_RESET_DEFAULTS_1_31 = """\
apiVersion: kubeadm.k8s.io/v1beta4
certificatesDir: /etc/kubernetes/pki
criSocket: unix:///var/run/containerd/containerd.sock
kind: ResetConfiguration
""" + _TIMEOUT_DEFAULTS

# kubeadm 1.31: kubeadm config print upgrade-defaults
V1BETA4_UPGRADE_DEFAULTS_1_31 = """\
apiVersion: kubeadm.k8s.io/v1beta4
apply:
  certificateRenewal: true
  etcdUpgrade: true
  imagePullPolicy: IfNotPresent
  imagePullSerial: true
diff: {}
kind: UpgradeConfiguration
node:
  certificateRenewal: true
  etcdUpgrade: true
  imagePullPolicy: IfNotPresent
  imagePullSerial: true
plan: {}
""" + _TIMEOUT_DEFAULTS

# Every v1beta4 UpgradeConfiguration field, plan.etcdUpgrade included (kubeadm 1.33+).
V1BETA4_UPGRADE_FULL = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: UpgradeConfiguration
apply:
  kubernetesVersion: v1.33.1
  allowExperimentalUpgrades: false
  allowRCUpgrades: false
  certificateRenewal: true
  dryRun: false
  etcdUpgrade: true
  forceUpgrade: true
  ignorePreflightErrors: [CoreDNSUnsupportedPlugins]
  patches:
    directory: /etc/kubernetes/patches
  printConfig: false
  skipPhases: []
  imagePullPolicy: Always
  imagePullSerial: false
diff:
  kubernetesVersion: v1.33.1
  contextLines: 3
node:
  certificateRenewal: true
  dryRun: false
  etcdUpgrade: true
  ignorePreflightErrors: []
  skipPhases: [addon/kube-proxy]
  patches: null
  imagePullPolicy: Never
  imagePullSerial: null
plan:
  kubernetesVersion: v1.33.1
  allowExperimentalUpgrades: true
  allowRCUpgrades: true
  dryRun: true
  etcdUpgrade: false
  ignorePreflightErrors: [all]
  printConfig: true
timeouts:
  upgradeManifests: 10m
"""

# What kconf writes for a joining control plane: secrets as ${...} placeholders, filled in at
# deploy time. Their format is a lint rule's business, not the schema's.
KCONF_JOIN_V1BETA4 = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
nodeRegistration:
  name: cp-2
  criSocket: unix:///run/containerd/containerd.sock
  taints: []
  kubeletExtraArgs:
  - name: node-ip
    value: 10.0.0.12
discovery:
  bootstrapToken:
    apiServerEndpoint: api.example.internal:6443
    token: ${KCONF_TOKEN}
    caCertHashes:
    - ${KCONF_CA_CERT_HASH}
  tlsBootstrapToken: ${KCONF_TOKEN}
controlPlane:
  localAPIEndpoint:
    advertiseAddress: 10.0.0.12
    bindPort: 6443
  certificateKey: ${KCONF_CERTIFICATE_KEY}
timeouts:
  discovery: 10m0s
"""

KCONF_JOIN_V1BETA3 = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
nodeRegistration:
  name: worker-1
  kubeletExtraArgs:
    node-ip: 10.0.0.21
discovery:
  bootstrapToken:
    apiServerEndpoint: api.example.internal:6443
    token: ${KCONF_TOKEN}
    caCertHashes:
    - sha256:${KCONF_CA_CERT_HASH}
  timeout: 10m0s
controlPlane:
  certificateKey: ${KCONF_CERTIFICATE_KEY}
patches:
  directory: /etc/kubernetes/patches
skipPhases: [preflight]
"""

# Less common but valid shapes: file discovery, env vars from the downward API and Secrets,
# a NoExecute taint with timeAdded, nulls where Go has pointers, slices and maps.
V1BETA4_CORNERS = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
dryRun: true
caCertPath: /etc/kubernetes/pki/ca.crt
discovery:
  file:
    kubeConfigPath: https://example.com/cluster-info.yaml
  tlsBootstrapToken: abcdef.0123456789abcdef
nodeRegistration:
  taints:
  - key: example.com/drain
    effect: NoExecute
    timeAdded: "2024-08-13T10:00:00Z"
  kubeletExtraArgs:
  - name: v
  ignorePreflightErrors: null
  imagePullSerial: null
controlPlane: null
patches: null
timeouts: null
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
etcd:
  local: null
  external:
    endpoints: [https://10.0.0.5:2379]
apiServer:
  extraArgs: null
  extraEnvs:
  - name: POD_IP
    valueFrom:
      fieldRef:
        fieldPath: status.podIP
  - name: TOKEN
    valueFrom:
      secretKeyRef:
        name: some-secret
        key: token
        optional: true
  - name: LIMIT
    valueFrom:
      resourceFieldRef:
        resource: limits.memory
        divisor: 1Mi
  - name: FROM_CM
    valueFrom:
      configMapKeyRef: {name: cm, key: k}
featureGates:
  ControlPlaneKubeletLocalMode: true
certificateValidityPeriod: null
"""

VALID = [
    pytest.param(V1BETA3_DOCGO_INIT, 4, id="v1beta3-docgo-init-cluster"),
    pytest.param(V1BETA3_DOCGO_EXTERNAL_ETCD, 1, id="v1beta3-docgo-external-etcd"),
    pytest.param(V1BETA3_INIT_DEFAULTS_1_30, 2, id="v1beta3-init-defaults-1.30"),
    pytest.param(V1BETA3_JOIN_DEFAULTS_1_30, 1, id="v1beta3-join-defaults-1.30"),
    pytest.param(V1BETA4_DOCGO_INIT, 4, id="v1beta4-docgo-init-cluster"),
    pytest.param(V1BETA4_DOCGO_JOIN, 1, id="v1beta4-docgo-join"),
    pytest.param(V1BETA4_INIT_DEFAULTS_1_31, 2, id="v1beta4-init-defaults-1.31"),
    pytest.param(V1BETA4_JOIN_DEFAULTS_1_31, 1, id="v1beta4-join-defaults-1.31"),
    pytest.param(V1BETA4_RESET_DEFAULTS_1_31, 1, id="v1beta4-reset-defaults-1.31"),
    pytest.param(V1BETA4_UPGRADE_DEFAULTS_1_31, 1, id="v1beta4-upgrade-defaults-1.31"),
    pytest.param(V1BETA4_UPGRADE_FULL, 1, id="v1beta4-upgrade-every-field"),
    pytest.param(KCONF_JOIN_V1BETA4, 1, id="kconf-join-placeholders-v1beta4"),
    pytest.param(KCONF_JOIN_V1BETA3, 1, id="kconf-join-placeholders-v1beta3"),
    pytest.param(V1BETA4_CORNERS, 2, id="v1beta4-corners"),
]


@pytest.mark.parametrize(("text", "count"), VALID)
def test_valid_documents(text: str, count: int) -> None:
    documents = docs(text)
    assert len(documents) == count
    for data in documents:
        assert check_document(data) == [], data.get("kind")


# ----------------------------------------------------------------------------- invalid documents

V4 = "apiVersion: kubeadm.k8s.io/v1beta4\n"
V3 = "apiVersion: kubeadm.k8s.io/v1beta3\n"
V4_CLUSTER = V4 + "kind: ClusterConfiguration\n"
V3_CLUSTER = V3 + "kind: ClusterConfiguration\n"
V4_INIT = V4 + "kind: InitConfiguration\n"
V3_INIT = V3 + "kind: InitConfiguration\n"
V4_JOIN = V4 + "kind: JoinConfiguration\n"
V3_JOIN = V3 + "kind: JoinConfiguration\n"
DISCOVERY = "discovery:\n  bootstrapToken:\n    token: abcdef.0123456789abcdef\n"

INVALID = [
    # strictness: unknown fields, as kubeadm's strict decoder
    pytest.param(
        V4_CLUSTER + "foo: bar\n", ("foo",), "unknown field 'foo'", id="unknown-top-level"
    ),
    pytest.param(
        V4_CLUSTER + "networking:\n  podCIDR: 10.244.0.0/16\n",
        ("networking", "podCIDR"),
        "unknown field 'podCIDR'",
        id="unknown-nested-networking-podCIDR",
    ),
    pytest.param(
        V4_CLUSTER + "etcd:\n  local:\n    dataDirectory: /var/lib/etcd\n",
        ("etcd", "local", "dataDirectory"),
        "unknown field",
        id="unknown-nested-etcd-local",
    ),
    pytest.param(
        V4_CLUSTER + "PodSubnet: 10.0.0.0/8\n",
        ("PodSubnet",),
        "unknown field",
        id="field-names-are-case-sensitive",
    ),
    pytest.param(
        V4_CLUSTER + "dryRun: true\n", ("dryRun",), "unknown field", id="dryRun-is-not-cluster-wide"
    ),
    pytest.param(
        V4_INIT + "timeouts:\n  controlPlane: 4m0s\n",
        ("timeouts", "controlPlane"),
        "unknown field",
        id="unknown-timeout",
    ),
    pytest.param(
        V4 + "kind: UpgradeConfiguration\napply:\n  SkipPhases: [preflight]\n",
        ("apply", "SkipPhases"),
        "unknown field",
        id="upgrade-apply-SkipPhases-capitalised",
    ),
    pytest.param(
        V4 + "kind: ResetConfiguration\nunmountFlag: [MNT_FORCE]\n",
        ("unmountFlag",),
        "unknown field",
        id="reset-unknown-field",
    ),
    pytest.param(
        V4_CLUSTER
        + "apiServer:\n  extraEnvs:\n  - name: A\n    valueFrom:\n      fileKeyRef: {}\n",
        ("apiServer", "extraEnvs", 0, "valueFrom", "fileKeyRef"),
        "unknown field",
        id="extraEnvs-valueFrom-unknown-source",
    ),
    # wrong types
    pytest.param(
        V4_INIT + "localAPIEndpoint:\n  bindPort: '6443'\n",
        ("localAPIEndpoint", "bindPort"),
        "'6443'",  # the message wording is schemacheck's
        id="bindPort-string",
    ),
    pytest.param(
        V4_INIT + "localAPIEndpoint:\n  bindPort: 4294967296\n",
        ("localAPIEndpoint", "bindPort"),
        "maximum",
        id="bindPort-overflows-int32",
    ),
    pytest.param(
        V4_CLUSTER + "kubernetesVersion: 1.30\n",
        ("kubernetesVersion",),
        "1.3",
        id="kubernetesVersion-float",
    ),
    pytest.param(
        V4_CLUSTER + "featureGates:\n  EtcdLearnerMode: 'true'\n",
        ("featureGates", "EtcdLearnerMode"),
        "boolean",
        id="featureGate-string",
    ),
    pytest.param(V4_CLUSTER + "etcd: []\n", ("etcd",), "object", id="etcd-list"),
    pytest.param(
        V3_INIT + "nodeRegistration:\n  kubeletExtraArgs:\n    v: 4\n",
        ("nodeRegistration", "kubeletExtraArgs", "v"),
        "4",
        id="v1beta3-unquoted-number-in-extraArgs",
    ),
    pytest.param(
        V4_CLUSTER + "apiServer:\n  extraArgs:\n  - name: v\n    value: 4\n",
        ("apiServer", "extraArgs", 0, "value"),
        "4",
        id="v1beta4-arg-value-number",
    ),
    pytest.param(
        V4_INIT + "nodeRegistration:\n  taints: {}\n",
        ("nodeRegistration", "taints"),
        "array",
        id="taints-mapping",
    ),
    # extraArgs: v1beta3 map under v1beta4, and the reverse
    pytest.param(
        V4_CLUSTER + "apiServer:\n  extraArgs:\n    authorization-mode: Node,RBAC\n",
        ("apiServer", "extraArgs"),
        "list of {name, value} entries, not the v1beta3 map",
        id="v1beta3-map-extraArgs-under-v1beta4",
    ),
    pytest.param(
        V4_CLUSTER
        + "etcd:\n  local:\n    extraArgs:\n      listen-client-urls: http://10.0.0.1:2379\n",
        ("etcd", "local", "extraArgs"),
        "'- name: listen-client-urls'",
        id="v1beta3-map-etcd-extraArgs-under-v1beta4",
    ),
    pytest.param(
        V4_INIT + "nodeRegistration:\n  kubeletExtraArgs:\n    node-ip: 10.0.0.1\n",
        ("nodeRegistration", "kubeletExtraArgs"),
        "kubeletExtraArgs is a list of {name, value}",
        id="v1beta3-map-kubeletExtraArgs-under-v1beta4",
    ),
    pytest.param(
        V3_CLUSTER
        + "controllerManager:\n  extraArgs:\n  - name: node-cidr-mask-size\n    value: '20'\n",
        ("controllerManager", "extraArgs"),
        "map of flag: value, not the v1beta4 list",
        id="v1beta4-list-extraArgs-under-v1beta3",
    ),
    pytest.param(
        V3_JOIN
        + DISCOVERY
        + "nodeRegistration:\n  kubeletExtraArgs:\n  - name: node-ip\n    value: 10.0.0.1\n",
        ("nodeRegistration", "kubeletExtraArgs"),
        "write 'node-ip: \"10.0.0.1\"'",
        id="v1beta4-list-kubeletExtraArgs-under-v1beta3",
    ),
    # fields that moved or only exist in one version
    pytest.param(
        V4_CLUSTER + "apiServer:\n  timeoutForControlPlane: 4m0s\n",
        ("apiServer", "timeoutForControlPlane"),
        "timeouts.controlPlaneComponentHealthCheck in the InitConfiguration",
        id="timeoutForControlPlane-under-v1beta4",
    ),
    pytest.param(
        V4_JOIN + DISCOVERY + "  timeout: 5m0s\n",
        ("discovery", "timeout"),
        "timeouts.discovery",
        id="discovery-timeout-under-v1beta4",
    ),
    pytest.param(
        V3_INIT + "timeouts:\n  kubeletHealthCheck: 4m0s\n",
        ("timeouts",),
        "exists only in kubeadm.k8s.io/v1beta4",
        id="timeouts-under-v1beta3",
    ),
    pytest.param(
        V3_CLUSTER + "apiServer:\n  extraEnvs:\n  - name: A\n",
        ("apiServer", "extraEnvs"),
        "exists only in kubeadm.k8s.io/v1beta4",
        id="extraEnvs-under-v1beta3",
    ),
    # enums, required fields, formats upstream enforces
    pytest.param(
        V4_INIT + "nodeRegistration:\n  taints:\n  - key: a\n    effect: NoScheduled\n",
        ("nodeRegistration", "taints", 0, "effect"),
        "'NoScheduled' is not one of NoSchedule | PreferNoSchedule | NoExecute",
        id="bad-taint-effect",
    ),
    pytest.param(
        V3_INIT + "nodeRegistration:\n  taints:\n  - effect: NoSchedule\n",
        ("nodeRegistration", "taints", 0),
        "'key' is required",
        id="taint-without-key",
    ),
    pytest.param(
        V4_JOIN + DISCOVERY + "nodeRegistration:\n  imagePullPolicy: always\n",
        ("nodeRegistration", "imagePullPolicy"),
        "is not one of Always | IfNotPresent | Never",
        id="bad-imagePullPolicy",
    ),
    pytest.param(
        V4_CLUSTER + "scheduler:\n  extraArgs:\n  - value: '1'\n",
        ("scheduler", "extraArgs", 0),
        "'name' is required",
        id="arg-without-name",
    ),
    pytest.param(
        V4_CLUSTER + "apiServer:\n  extraVolumes:\n  - name: v\n    hostPath: /a\n",
        ("apiServer", "extraVolumes", 0),
        "'mountPath' is required",
        id="extraVolume-without-mountPath",
    ),
    pytest.param(V4_JOIN, (), "'discovery' is required", id="join-without-discovery"),
    pytest.param(
        V4_JOIN + "discovery:\n  bootstrapToken:\n    apiServerEndpoint: a:6443\n",
        ("discovery", "bootstrapToken"),
        "'token' is required",
        id="discovery-token-missing",
    ),
    pytest.param(
        V4_INIT + "bootstrapTokens:\n- token: ABCDEF.0123456789abcdef\n",
        ("bootstrapTokens", 0, "token"),
        "'ABCDEF.0123456789abcdef'",
        id="malformed-bootstrap-token",
    ),
    # apiVersion / kind
    pytest.param(
        "apiVersion: kubeadm.k8s.io/v1beta5\nkind: ClusterConfiguration\n",
        ("apiVersion",),
        "unknown kubeadm API version 'kubeadm.k8s.io/v1beta5'",
        id="unknown-version",
    ),
    pytest.param(
        "apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\n",
        ("apiVersion",),
        "removed in Kubernetes 1.27",
        id="v1beta2-removed",
    ),
    pytest.param(
        "apiVersion: kubeadm.k8s.io/v1beta1\nkind: InitConfiguration\n",
        ("apiVersion",),
        "removed in Kubernetes 1.22",
        id="v1beta1-removed",
    ),
    pytest.param(
        V3 + "kind: ResetConfiguration\n",
        ("kind",),
        "(ResetConfiguration is in kubeadm.k8s.io/v1beta4)",
        id="reset-is-v1beta4-only",
    ),
    pytest.param(
        V4 + "kind: ClusterStatus\n", ("kind",), "unknown kind 'ClusterStatus'", id="unknown-kind"
    ),
    pytest.param(V4 + "clusterName: x\n", (), "'kind' is required", id="kind-missing"),
    pytest.param(
        "kind: ClusterConfiguration\n", (), "'apiVersion' is required", id="apiVersion-missing"
    ),
]


@pytest.mark.parametrize(("text", "path", "message"), INVALID)
def test_invalid_documents(text: str, path: tuple[str | int, ...], message: str) -> None:
    (data,) = docs(text)
    issues = check_document(data)
    assert [i.path for i in issues] == [path], [str(i) for i in issues]
    assert message in issues[0].message, str(issues[0])


def test_apiversion_const_in_every_schema() -> None:
    for path in SCHEMA_FILES:
        version, kind = path.parent.name, path.stem
        other = "v1beta3" if version == "v1beta4" else "v1beta4"
        data = {"apiVersion": f"{KUBEADM_GROUP}/{other}", "kind": kind}
        if kind == "JoinConfiguration":
            data["discovery"] = {"file": {"kubeConfigPath": "/k"}}
        issues = check(f"kubeadm/{version}/{kind}.json", data)
        assert [(i.path, i.message) for i in issues] == [
            (("apiVersion",), f"'{KUBEADM_GROUP}/{version}' was expected")
        ]
        data.update(apiVersion=f"{KUBEADM_GROUP}/{version}", kind="Other")
        assert [i.path for i in check(f"kubeadm/{version}/{kind}.json", data)] == [("kind",)]


def test_hint_keeps_other_issues() -> None:
    (data,) = docs(
        V4_CLUSTER
        + "apiServer:\n  extraArgs: {a: b}\n  timeoutForControlPlane: 4m0s\nnetworking:\n  podCIDR: x\n"
    )
    paths = [i.path for i in check_document(data)]
    assert paths == [
        ("apiServer", "extraArgs"),
        ("apiServer", "timeoutForControlPlane"),
        ("networking", "podCIDR"),
    ]


def test_other_api_groups_are_not_kubeadm_documents() -> None:
    for data in docs(V1BETA3_DOCGO_INIT)[2:]:
        assert not is_kubeadm_document(data)
        assert check_document(data) == []
    assert check_document(None)[0].message.startswith(
        "a kubeadm configuration document must be a mapping"
    )
    assert check_document({"apiVersion": 1, "kind": "X"})[0].path == ("apiVersion",)


# ----------------------------------------------------------------------------- schema_name, SUPPORTED


@pytest.mark.parametrize(
    ("api_version", "kind", "expected"),
    [
        pytest.param(
            "kubeadm.k8s.io/v1beta4",
            "ClusterConfiguration",
            "kubeadm/v1beta4/ClusterConfiguration.json",
            id="v4",
        ),
        pytest.param(
            "kubeadm.k8s.io/v1beta3",
            "JoinConfiguration",
            "kubeadm/v1beta3/JoinConfiguration.json",
            id="v3",
        ),
        pytest.param(
            "kubeadm.k8s.io/v1beta4",
            "UpgradeConfiguration",
            "kubeadm/v1beta4/UpgradeConfiguration.json",
            id="upgrade",
        ),
        pytest.param("kubeadm.k8s.io/v1beta3", "ResetConfiguration", None, id="reset-not-in-v3"),
        pytest.param("kubeadm.k8s.io/v1beta2", "ClusterConfiguration", None, id="removed"),
        pytest.param(
            "kubelet.config.k8s.io/v1beta1", "KubeletConfiguration", None, id="other-group"
        ),
        pytest.param("kubeadm.k8s.io/v1beta4", "clusterconfiguration", None, id="case-sensitive"),
    ],
)
def test_schema_name(api_version: str, kind: str, expected: str | None) -> None:
    assert schema_name(api_version, kind) == expected


def test_supported_matches_the_schema_files() -> None:
    on_disk = {(p.parent.name, p.stem) for p in SCHEMA_FILES}
    declared = {(v, k) for v, kinds in SUPPORTED.items() for k in kinds}
    assert on_disk == declared
    for version, kind in declared:
        name = schema_name(f"{KUBEADM_GROUP}/{version}", kind)
        assert name is not None
        assert schema(name)["title"] == f"{KUBEADM_GROUP}/{version} {kind}"  # loads as package data


# ----------------------------------------------------------------------------- the schema files


def _walk(node: Any, where: str = "#") -> Any:
    yield where, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def _is_object_schema(node: dict[str, Any]) -> bool:
    types = node.get("type")
    return (
        "properties" in node or types == "object" or (isinstance(types, list) and "object" in types)
    )


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_schema_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    # valid against its metaschema (draft 2020-12)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.validators.validator_for(document).check_schema(document)
    assert jsonschema.validators.validator_for(document) is jsonschema.Draft202012Validator
    # identity, provenance, layout (2-space indent, stable key order, trailing newline)
    version, kind = path.parent.name, path.stem
    assert document["$id"] == f"https://kconf.dev/schemas/kubeadm/{version}/{kind}.json"
    assert f"cmd/kubeadm/app/apis/kubeadm/{version}/types.go" in document["description"]
    assert text == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    for where, node in _walk(document):
        if isinstance(node, dict) and isinstance(node.get("properties"), dict):
            assert list(node["properties"]) == sorted(node["properties"]), where
    # apiVersion and kind: required constants
    assert {"apiVersion", "kind"} <= set(document["required"])
    assert document["properties"]["apiVersion"]["const"] == f"{KUBEADM_GROUP}/{version}"
    assert document["properties"]["kind"]["const"] == kind
    # self-contained: every $ref points into this file's $defs, and every def is used
    refs = {n["$ref"] for _, n in _walk(document) if isinstance(n, dict) and "$ref" in n}
    assert all(r.startswith("#/$defs/") for r in refs), refs
    assert {r.removeprefix("#/$defs/") for r in refs} == set(document.get("$defs", {}))


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_object_schema_is_closed(path: Path) -> None:
    """Structs: additionalProperties false. The only open objects are Go maps (featureGates,
    v1beta3 extraArgs), whose additionalProperties is the schema of the map's values."""
    for where, node in _walk(json.loads(path.read_text(encoding="utf-8"))):
        if not isinstance(node, dict) or where.endswith("/properties") or where.endswith("/$defs"):
            continue
        if not _is_object_schema(node):
            continue
        if "properties" in node:
            assert node.get("additionalProperties") is False, where
        else:
            value_schema = node.get("additionalProperties")
            assert isinstance(value_schema, dict) and value_schema.get("type") in (
                "string",
                "boolean",
            ), where
