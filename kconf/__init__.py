"""kconf: one cluster description -> kubeadm, Calico and HAProxy files, and a linter for their seams."""

__version__ = "0.1.0"
