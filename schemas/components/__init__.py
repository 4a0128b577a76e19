"""Schemas of the component configs kubeadm reads (written by tools/schemas/generate)."""
