"""Calico: the autodetection method syntax, the manifest patch and the operator Installation."""

# The calico-node env items kconf sets (names shared by the patch and lint).
CIDR_NAME = "CALICO_IPV4POOL_CIDR"
AUTODETECT_NAME = "IP_AUTODETECTION_METHOD"
