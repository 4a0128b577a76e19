"""kubeadm.k8s.io JSON Schemas, one folder per API version."""
