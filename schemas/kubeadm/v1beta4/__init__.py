"""JSON Schemas of the kubeadm.k8s.io/v1beta4 configuration kinds."""
