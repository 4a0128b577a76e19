"""Calico: the autodetection method syntax, the manifest patch and the operator Installation."""
