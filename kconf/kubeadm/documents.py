"""kubeadm documents for a cluster: InitConfiguration + ClusterConfiguration for
the first control-plane node (and the KubeletConfiguration and
KubeProxyConfiguration of spec.kubelet / spec.kubeProxy), a JoinConfiguration
for every other node, and from Kubernetes 1.31 an UpgradeConfiguration.

Secrets are never written: the join documents hold the placeholders below,
which join-<node>.sh fills in from the environment on the node.
"""

from __future__ import annotations

from typing import Any

from kconf.description import Cluster, Node
from kconf.outputs import bracketed
from kconf.yamlio import Quoted

GROUP = "kubeadm.k8s.io"
KUBELET_API_VERSION = "kubelet.config.k8s.io/v1beta1"
KUBE_PROXY_API_VERSION = "kubeproxy.config.k8s.io/v1alpha1"
# UpgradeConfiguration exists in kubeadm.k8s.io/v1beta4 only (Kubernetes 1.31+);
# from 1.30 on `kubeadm upgrade apply --config` refuses Init/ClusterConfiguration.
UPGRADE_FROM = (1, 31)
TOKEN_PLACEHOLDER = "${KCONF_TOKEN}"
CA_CERT_HASH_PLACEHOLDER = "${KCONF_CA_CERT_HASH}"
CERTIFICATE_KEY_PLACEHOLDER = "${KCONF_CERTIFICATE_KEY}"
PLACEHOLDERS = {
    "KCONF_TOKEN": TOKEN_PLACEHOLDER,
    "KCONF_CA_CERT_HASH": CA_CERT_HASH_PLACEHOLDER,
    "KCONF_CERTIFICATE_KEY": CERTIFICATE_KEY_PLACEHOLDER,
}


def extra_args(args: dict[str, str], api: str) -> Any:
    """Component flags: a map in v1beta3, a list of {name, value} sorted by
    name in v1beta4."""
    if api == "v1beta3":
        return dict(sorted(args.items()))
    return [{"name": name, "value": value} for name, value in sorted(args.items())]


def _kubelet_args(cluster: Cluster, node: Node) -> dict[str, str]:
    # Multi-NIC VMs otherwise report the default-route (NAT) address. Dual
    # stack: "v4,v6" (the primary first), or the node stays single-stack.
    args = {"node-ip": ",".join(str(ip) for ip in cluster.node_ips(node))}
    if cluster.cloud_provider in ("aws", "external"):
        args["cloud-provider"] = "external"
    if node.labels:
        args["node-labels"] = ",".join(f"{k}={v}" for k, v in node.labels)
    return args


def node_registration(cluster: Cluster, node: Node) -> dict[str, Any]:
    registration: dict[str, Any] = {"name": node.name}
    socket = cluster.node_cri_socket(node)
    if socket:
        registration["criSocket"] = socket
    registration["kubeletExtraArgs"] = extra_args(_kubelet_args(cluster, node), cluster.kubeadm_api_version)
    if node.taints is not None:
        registration["taints"] = [dict(t) for t in node.taints]
    return registration


def _api_version(cluster: Cluster) -> str:
    return f"{GROUP}/{cluster.kubeadm_api_version}"


def cluster_configuration(cluster: Cluster) -> dict[str, Any]:
    api = cluster.kubeadm_api_version
    doc: dict[str, Any] = {
        "apiVersion": _api_version(cluster),
        "kind": "ClusterConfiguration",
        "clusterName": cluster.name,
        "kubernetesVersion": cluster.kubernetes_version,
    }
    if cluster.control_plane_endpoint:
        # Always with its port: kubeadm would add the bindPort to a bare host,
        # while the joins use the load balancer's port.
        doc["controlPlaneEndpoint"] = api_server_endpoint(cluster)
    if cluster.image_repository:
        doc["imageRepository"] = cluster.image_repository
    net = cluster.networking
    doc["networking"] = {
        "podSubnet": net.pod_subnet,
        "serviceSubnet": net.service_subnet,
        "dnsDomain": net.dns_domain,
    }
    components = cluster.components
    sans = list(dict.fromkeys([*_cert_sans(cluster), *components.cert_sans]))
    api_server: dict[str, Any] = {}
    if sans:
        api_server["certSANs"] = sans
    if components.args("apiServer"):
        api_server["extraArgs"] = extra_args(components.args("apiServer"), api)
    if api_server:
        doc["apiServer"] = api_server
    manager_args = {"node-cidr-mask-size": str(net.node_cidr_mask_size)}
    if len(net.pod_subnets) == 2:
        # kube-controller-manager refuses node-cidr-mask-size with dual stack;
        # nodeCIDRMaskSize is the first family's, the other keeps its default
        manager_args = {f"node-cidr-mask-size-ipv{v}": str(net.node_mask(v)) for v in (4, 6)}
    if cluster.cloud_provider in ("aws", "external"):
        manager_args["cloud-provider"] = "external"
    # spec.controllerManager.extraArgs wins over kconf's own flags; the
    # extra-args-conflict rule makes such an override an error to be silenced
    manager_args.update(components.args("controllerManager"))
    doc["controllerManager"] = {"extraArgs": extra_args(manager_args, api)}
    if components.args("scheduler"):
        doc["scheduler"] = {"extraArgs": extra_args(components.args("scheduler"), api)}
    if components.args("etcd"):
        doc["etcd"] = {"local": {"extraArgs": extra_args(components.args("etcd"), api)}}
    return doc


def _cert_sans(cluster: Cluster) -> list[str]:
    """Names and addresses clients may use for the API server: the endpoint
    host, the load balancer (its name and address: the HAProxy host or the
    VIP; each keepalived LB host's name and address) and every spec.hosts
    name that points at one of those. kubeadm adds each node's own name and
    address itself; a client that reaches the API servers through another
    name gets an x509 error."""
    sans: dict[str, None] = {}
    endpoint = cluster.endpoint()
    if endpoint is not None:
        sans[endpoint[0]] = None
    lb = cluster.load_balancer
    if lb is not None:
        if lb.hostname:
            sans[lb.hostname] = None
        for address in lb.addresses:
            sans[str(address)] = None
        for host in lb.hosts:
            sans[host.name] = None
            sans[str(host.address.ip)] = None
        reached = set(cluster.lb_host_addresses())
        for name, address in cluster.hosts:
            if address in reached:
                sans[name] = None
    return list(sans)


def init_configuration(cluster: Cluster) -> dict[str, Any]:
    node = cluster.first_control_plane
    return {
        "apiVersion": _api_version(cluster),
        "kind": "InitConfiguration",
        "localAPIEndpoint": {"advertiseAddress": str(node.ip), "bindPort": node.bind_port},
        "nodeRegistration": node_registration(cluster, node),
    }


def api_server_endpoint(cluster: Cluster) -> str:
    """Where joining nodes reach the API: the endpoint, else the first
    control plane."""
    endpoint = cluster.endpoint()
    if endpoint is not None:
        return bracketed(*endpoint)
    node = cluster.first_control_plane
    return bracketed(node.ip, node.bind_port)


def join_configuration(cluster: Cluster, node: Node) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "apiVersion": _api_version(cluster),
        "kind": "JoinConfiguration",
        "discovery": {
            "bootstrapToken": {
                "apiServerEndpoint": api_server_endpoint(cluster),
                "token": Quoted(TOKEN_PLACEHOLDER),
                "caCertHashes": [Quoted(CA_CERT_HASH_PLACEHOLDER)],
            }
        },
        "nodeRegistration": node_registration(cluster, node),
    }
    if node.is_control_plane:
        doc["controlPlane"] = {
            "localAPIEndpoint": {"advertiseAddress": str(node.ip), "bindPort": node.bind_port},
            "certificateKey": Quoted(CERTIFICATE_KEY_PLACEHOLDER),
        }
    return doc


def kubelet_configuration(cluster: Cluster) -> dict[str, Any] | None:
    """spec.kubelet as a KubeletConfiguration; kubeadm stores it in the
    kubelet-config ConfigMap, for every node's kubelet."""
    if cluster.kubelet is None:
        return None
    return {"apiVersion": KUBELET_API_VERSION, "kind": "KubeletConfiguration", **cluster.kubelet}


def kube_proxy_configuration(cluster: Cluster) -> dict[str, Any] | None:
    """spec.kubeProxy as a KubeProxyConfiguration (kubeadm fills in
    clusterCIDR from the podSubnet and the bind address itself)."""
    if cluster.kube_proxy is None:
        return None
    return {"apiVersion": KUBE_PROXY_API_VERSION, "kind": "KubeProxyConfiguration", **cluster.kube_proxy}


def init_documents(cluster: Cluster) -> list[dict[str, Any]]:
    documents = [init_configuration(cluster), cluster_configuration(cluster)]
    for component in (kubelet_configuration(cluster), kube_proxy_configuration(cluster)):
        if component is not None:
            documents.append(component)
    return documents


def has_upgrade_configuration(cluster: Cluster) -> bool:
    return cluster.version[:2] >= UPGRADE_FROM


def upgrade_configuration(cluster: Cluster) -> dict[str, Any]:
    """The UpgradeConfiguration (kubeadm.k8s.io/v1beta4, whatever API the
    other files use) for `kubeadm upgrade plan` and `kubeadm upgrade apply
    --config` on the first control plane: the target version is the
    description's kubernetesVersion, so an upgrade is a change of that field
    and a render."""
    version = cluster.kubernetes_version
    return {
        "apiVersion": f"{GROUP}/v1beta4",
        "kind": "UpgradeConfiguration",
        "apply": {"kubernetesVersion": version},
        "plan": {"kubernetesVersion": version},
    }


def joining_nodes(cluster: Cluster) -> tuple[Node, ...]:
    first = cluster.first_control_plane
    return tuple(n for n in cluster.nodes if n is not first)
