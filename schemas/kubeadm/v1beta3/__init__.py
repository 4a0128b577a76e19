"""JSON Schemas of the kubeadm.k8s.io/v1beta3 configuration kinds."""
