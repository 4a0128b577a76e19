"""Calico's IP autodetection methods (env IP_AUTODETECTION_METHOD).

Syntax, from calico node/pkg/lifecycle/startup/autodetection: ``first-found``,
``can-reach=DEST``, ``interface=REGEX[,REGEX]``, ``skip-interface=REGEX[,REGEX]``,
``cidr=CIDR[,CIDR]``, ``kubernetes-internal-ip`` (Calico 3.22 and later).
Lists split on commas with optional white space around them.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from typing import Any, NamedTuple

from kconf.addresses import AddressError, parse_address, parse_network
from kconf.lazyre import lazy

FIRST_FOUND = "first-found"
CAN_REACH = "can-reach"
INTERFACE = "interface"
SKIP_INTERFACE = "skip-interface"
CIDR = "cidr"
KUBERNETES_INTERNAL_IP = "kubernetes-internal-ip"

METHODS = (FIRST_FOUND, CAN_REACH, INTERFACE, SKIP_INTERFACE, CIDR, KUBERNETES_INTERNAL_IP)
# The first Calico release that understands each method (older ones terminate
# calico-node with "Invalid IP autodetection method").
MINIMUM_CALICO = {KUBERNETES_INTERNAL_IP: (3, 22)}

_LIST_SPLIT = lazy(r"\s*,\s*")
_HOSTNAME = lazy(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


class MethodError(ValueError):
    """An autodetection method Calico would reject; the message says why."""


class AutodetectMethod(NamedTuple):
    kind: str
    args: tuple[str, ...] = ()

    def __str__(self) -> str:
        """The env form, normalised (no white space around commas)."""
        if not self.args:
            return self.kind
        return f"{self.kind}={','.join(self.args)}"


def _check_regex(kind: str, pattern: str) -> None:
    try:
        # Go's regexp is the real judge; Python's FutureWarnings about
        # possible future syntax ("[[") are noise here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            re.compile(pattern)
    except re.error as exc:
        raise MethodError(f"{kind}={pattern}: not a valid regular expression ({exc})") from None


def parse(text: object) -> AutodetectMethod:
    """Parse and check a method; raises MethodError with the reason."""
    if not isinstance(text, str) or not text.strip():
        raise MethodError(f"{text!r} is not an autodetection method (one of: {', '.join(METHODS)})")
    text = text.strip()
    kind, has_value, value = text.partition("=")
    if kind in (FIRST_FOUND, KUBERNETES_INTERNAL_IP):
        if has_value:
            raise MethodError(f"{kind} takes no value: write {kind!r}")
        return AutodetectMethod(kind)
    if kind not in METHODS:
        raise MethodError(f"unknown autodetection method {kind!r} (one of: {', '.join(METHODS)})")
    if not has_value or not value.strip():
        raise MethodError(f"{kind} needs a value: {kind}=...")
    args = tuple(_LIST_SPLIT.split(value.strip()))
    if any(not arg for arg in args):
        raise MethodError(f"{text}: empty item in the comma-separated list")
    if kind == CAN_REACH:
        if len(args) != 1:
            raise MethodError(f"{text}: can-reach takes one destination (an IP address or hostname)")
        try:
            parse_address(args[0])
        except AddressError:
            if not _HOSTNAME.match(args[0]):
                raise MethodError(f"{text}: {args[0]!r} is neither an IP address nor a hostname") from None
    elif kind == CIDR:
        for arg in args:
            try:
                parse_network(arg)
            except AddressError as exc:
                raise MethodError(f"{text}: {exc}") from None
    else:
        for arg in args:
            _check_regex(kind, arg)
    return AutodetectMethod(kind, args)


def to_operator(method: AutodetectMethod) -> dict[str, Any]:
    """The Installation's nodeAddressAutodetectionV4/V6 object for a method."""
    if method.kind == FIRST_FOUND:
        return {"firstFound": True}
    if method.kind == KUBERNETES_INTERNAL_IP:
        return {"kubernetes": "NodeInternalIP"}
    if method.kind == CAN_REACH:
        return {"canReach": method.args[0]}
    if method.kind == CIDR:
        return {"cidrs": list(method.args)}
    key = "interface" if method.kind == INTERFACE else "skipInterface"
    return {key: ",".join(method.args)}


def for_ipv6(method: AutodetectMethod, ipv6_networks: Sequence[str]) -> AutodetectMethod | None:
    """The IPv6 autodetection of a dual-stack cluster (IP6_AUTODETECTION_METHOD,
    nodeAddressAutodetectionV6): the description's method where it speaks of
    IPv6 (cidr= with IPv6 networks, can-reach= an IPv6 address or a host name)
    or of both families (interface names, first-found, kubernetes-internal-ip),
    else cidr= of the nodes' IPv6 networks; None when the nodes have none
    (Calico then autodetects first-found)."""
    if method.kind == CIDR:
        cidrs = tuple(c for c in method.args if parse_network(c).version == 6)
        if cidrs:
            return AutodetectMethod(CIDR, cidrs)
    elif method.kind == CAN_REACH:
        try:
            if parse_address(method.args[0]).version == 6:
                return method
        except AddressError:
            return method  # a host name: Calico resolves it for each family
    else:
        return method
    return AutodetectMethod(CIDR, tuple(ipv6_networks)) if ipv6_networks else None
