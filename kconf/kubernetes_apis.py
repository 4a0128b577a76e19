"""Kubernetes APIs that a release no longer serves: (group/version, kind) ->
the first minor that refuses it. From the Kubernetes deprecated API
migration guide (kubernetes.io/docs/reference/using-api/deprecation-guide);
tests/test_kubernetes_apis.py holds the table to the OpenAPI schemas of each
release that kubernetes-validate ships."""

from __future__ import annotations

REMOVED: dict[tuple[str, str], tuple[int, int]] = {}


def _removed(minor: tuple[int, int], api_version: str, *kinds: str) -> None:
    for kind in kinds:
        REMOVED[(api_version, kind)] = minor


_WORKLOADS = ("DaemonSet", "Deployment", "ReplicaSet")
_removed((1, 16), "extensions/v1beta1", *_WORKLOADS, "NetworkPolicy", "PodSecurityPolicy")
_removed((1, 16), "apps/v1beta1", "Deployment", "StatefulSet")
_removed((1, 16), "apps/v1beta2", *_WORKLOADS, "StatefulSet")
_removed((1, 22), "extensions/v1beta1", "Ingress")
_removed((1, 22), "apiextensions.k8s.io/v1beta1", "CustomResourceDefinition")
_removed((1, 22), "admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")
_removed((1, 22), "apiregistration.k8s.io/v1beta1", "APIService")
_removed((1, 22), "authentication.k8s.io/v1beta1", "TokenReview")
_removed((1, 22), "authorization.k8s.io/v1beta1", "SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview")
_removed((1, 22), "certificates.k8s.io/v1beta1", "CertificateSigningRequest")
_removed((1, 22), "coordination.k8s.io/v1beta1", "Lease")
_removed((1, 22), "networking.k8s.io/v1beta1", "Ingress", "IngressClass")
_removed((1, 22), "rbac.authorization.k8s.io/v1beta1", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
_removed((1, 22), "scheduling.k8s.io/v1beta1", "PriorityClass")
_removed((1, 22), "storage.k8s.io/v1beta1", "CSIDriver", "CSINode", "StorageClass", "VolumeAttachment")
_removed((1, 25), "batch/v1beta1", "CronJob")
_removed((1, 25), "discovery.k8s.io/v1beta1", "EndpointSlice")
_removed((1, 25), "events.k8s.io/v1beta1", "Event")
_removed((1, 25), "autoscaling/v2beta1", "HorizontalPodAutoscaler")
_removed((1, 25), "policy/v1beta1", "PodDisruptionBudget", "PodSecurityPolicy")
_removed((1, 25), "node.k8s.io/v1beta1", "RuntimeClass")
_removed((1, 26), "flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "PriorityLevelConfiguration")
_removed((1, 26), "autoscaling/v2beta2", "HorizontalPodAutoscaler")
_removed((1, 27), "storage.k8s.io/v1beta1", "CSIStorageCapacity")
_removed((1, 29), "flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", "PriorityLevelConfiguration")
_removed((1, 32), "flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "PriorityLevelConfiguration")


def removed_in(api_version: str, kind: str) -> tuple[int, int] | None:
    return REMOVED.get((api_version, kind))
