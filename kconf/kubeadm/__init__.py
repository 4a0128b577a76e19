"""Everything kubeadm: the documents kconf writes (documents.py), their
schemas (schema.py), CRI sockets (sockets.py). ``from kconf import kubeadm``
gives the document functions, as before the package existed."""

from __future__ import annotations

from kconf.kubeadm.documents import (
    CA_CERT_HASH_PLACEHOLDER,
    CERTIFICATE_KEY_PLACEHOLDER,
    GROUP,
    PLACEHOLDERS,
    TOKEN_PLACEHOLDER,
    api_server_endpoint,
    cluster_configuration,
    extra_args,
    init_configuration,
    has_upgrade_configuration,
    init_documents,
    join_configuration,
    joining_nodes,
    kube_proxy_configuration,
    kubelet_configuration,
    node_registration,
    upgrade_configuration,
)

__all__ = [
    "CA_CERT_HASH_PLACEHOLDER", "CERTIFICATE_KEY_PLACEHOLDER", "GROUP", "PLACEHOLDERS", "TOKEN_PLACEHOLDER",
    "api_server_endpoint", "cluster_configuration", "extra_args", "init_configuration", "init_documents",
    "join_configuration", "joining_nodes", "node_registration", "has_upgrade_configuration", "kubelet_configuration",
    "kube_proxy_configuration", "upgrade_configuration",
]
