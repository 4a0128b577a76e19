"""Strict address and CIDR parsing (ipaddress only), with messages that say what to write."""

from __future__ import annotations

import ipaddress
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface, IPv6Network

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address
Interface = IPv4Interface | IPv6Interface

# Private space for pod and service CIDRs: RFC 1918, shared address space
# (RFC 6598) and IPv6 unique local addresses.
PRIVATE_NETWORKS: tuple[Network, ...] = (
    IPv4Network("10.0.0.0/8"),
    IPv4Network("172.16.0.0/12"),
    IPv4Network("192.168.0.0/16"),
    IPv4Network("100.64.0.0/10"),
    IPv6Network("fc00::/7"),
)


class AddressError(ValueError):
    """A malformed address or CIDR; the message says what is wrong."""


def parse_network(text: object) -> Network:
    """A CIDR such as ``10.244.0.0/16``; host bits set is an error."""
    if not isinstance(text, str) or "/" not in text:
        raise AddressError(f"{text!r} is not a CIDR (address/prefix length, e.g. 10.244.0.0/16)")
    _refuse_zone_id(text)
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise AddressError(f"{text!r} is not a valid CIDR") from None
    raise AddressError(
        f"{text!r} has host bits set: the network is {loose} (write that, or fix the prefix length)"
    )


def parse_networks(text: object) -> list[Network]:
    """A comma-separated list of CIDRs (kubeadm's podSubnet/serviceSubnet form)."""
    if not isinstance(text, str) or not text.strip():
        raise AddressError(f"{text!r} is not a CIDR list")
    return [parse_network(part.strip()) for part in text.split(",")]


def _refuse_zone_id(text: str) -> None:
    """Python's ipaddress takes an IPv6 scope (``fe80::1%eth0``) with
    anything after the ``%``, spaces included. A zone id names an interface
    of one host: it has no place in a hosts file, a certificate's SANs or an
    address other hosts connect to, so kconf takes none."""
    if "%" in text:
        raise AddressError(
            f"{text!r} has a zone id (the part from '%'): a zone id names an interface of one host and "
            "has no place in a cluster address, a hosts file or a certificate; write the address without it"
        )


def parse_address(text: object) -> Address:
    if not isinstance(text, str):
        raise AddressError(f"{text!r} is not an IP address")
    _refuse_zone_id(text)
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        raise AddressError(f"{text!r} is not a valid IP address") from None


# Parsed interfaces by their text: a description names each node's address
# twice (address, interfaces) and the rules read them again; ipaddress parses
# one in ~10 us, and its objects are immutable, so one parse serves all.
_INTERFACES: dict[str, Interface] = {}


def parse_interface(text: object) -> Interface:
    """An address with its prefix length, e.g. ``192.168.51.81/24``."""
    if isinstance(text, str):
        known = _INTERFACES.get(text)
        if known is not None:
            return known
    if not isinstance(text, str) or "/" not in text:
        raise AddressError(
            f"{text!r} needs its prefix length (address/prefix, e.g. 192.168.51.81/24)"
        )
    _refuse_zone_id(text)
    try:
        iface = ipaddress.ip_interface(text.strip())
    except ValueError:
        raise AddressError(f"{text!r} is not a valid address/prefix") from None
    if iface.network.num_addresses > 2 and iface.ip in (
        iface.network.network_address,
        iface.network.broadcast_address,
    ):
        kind = "network" if iface.ip == iface.network.network_address else "broadcast"
        raise AddressError(f"{text!r} is the {kind} address of {iface.network}, not a host address")
    _INTERFACES[text] = iface
    return iface


DUAL_STACK = "at most two, one IPv4 and one IPv6, the primary family first (dual stack)"


def family(version: int) -> str:
    return f"IPv{version}"


def _one_per_family(text: str, parts: list[Interface] | list[Address]) -> None:
    versions = [p.version for p in parts]
    if len(parts) > 2 or len(set(versions)) != len(versions):
        raise AddressError(f"{text!r}: {DUAL_STACK}")


def parse_interfaces(text: object) -> list[Interface]:
    """An address with its prefix length, or two comma-separated, one of
    each family (``192.168.51.81/24,fd00:51::81/64``): as kubelet's
    ``--node-ip``, the first is the primary."""
    if not isinstance(text, str) or "," not in text:
        return [parse_interface(text)]
    parts = [parse_interface(part.strip()) for part in text.split(",")]
    _one_per_family(text, parts)
    return parts


def parse_addresses(text: object) -> list[Address]:
    """An IP address, or two comma-separated, one of each family (the primary first)."""
    if not isinstance(text, str) or "," not in text:
        return [parse_address(text)]
    parts = [parse_address(part.strip()) for part in text.split(",")]
    _one_per_family(text, parts)
    return parts


def is_private(network: Network) -> bool:
    return any(
        network.version == space.version and network.subnet_of(space)  # type: ignore[arg-type]
        for space in PRIVATE_NETWORKS
    )


def overlaps(a: Network, b: Network) -> bool:
    return a.version == b.version and a.overlaps(b)


def contains(network: Network, address: Address) -> bool:
    return network.version == address.version and address in network


def split_host_port(text: str, default_port: int | None = None) -> tuple[str, int | None]:
    """``host[:port]`` with IPv6 in brackets; the port is checked."""
    host, port_text = text, ""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise AddressError(f"{text!r}: unclosed '[' around an IPv6 address")
        host, rest = text[1:end], text[end + 1 :]
        if rest and not rest.startswith(":"):
            raise AddressError(f"{text!r} is not host[:port]")
        port_text = rest[1:]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    if not host:
        raise AddressError(f"{text!r} has no host")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise AddressError(f"{text!r}: port {port_text!r} is not a number from 1 to 65535")
    return host, int(port_text)
