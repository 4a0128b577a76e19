"""Calico: the autodetection method syntax, the manifest patch and the operator Installation."""

from __future__ import annotations

import re

# The calico-node env items kconf sets (names shared by the patch and lint).
CIDR_NAME = "CALICO_IPV4POOL_CIDR"
AUTODETECT_NAME = "IP_AUTODETECTION_METHOD"
# What `kconf calico patch --encapsulation` takes (its option's choices, and the patch's own check).
ENCAPSULATIONS = ("IPIP", "IPIPCrossSubnet", "VXLAN", "VXLANCrossSubnet", "None")


# Here, not in kconf.calico.patch (which re-exports it): lint's version rules
# need only this, and importing the patch module costs ~2 ms more.
def calico_version(image: str | None) -> tuple[int, int] | None:
    """(major, minor) from a calico/node image tag, e.g. ``docker.io/calico/node:v3.20.1``."""
    if not image:
        return None
    name = image.rsplit("/", 1)[-1].split("@", 1)[0]
    match = re.match(r"^v?(\d+)\.(\d+)", name.partition(":")[2])
    return (int(match.group(1)), int(match.group(2))) if match else None
