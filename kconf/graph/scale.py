"""A piecewise logarithmic scale of one address family's space.

A /32 VIP, a /24 node network, a /16 pod CIDR and a /12 service CIDR differ
by a factor of a million in size; on a linear axis all but the largest
vanish, and a log axis of the address value puts 10.0.0.0/8 and
192.168.0.0/16 a hair apart. So the axis is cut at every network's first and
one-past-last address: each stretch between two cuts gets a width that grows
with the log of its size, in address order. Whatever overlaps in the address
space overlaps on the axis, a network inside another sits inside its bar, and
address space no network of the cluster touches is squeezed to a short break.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kconf.addresses import Address, Network

ITEM = "item"  # a stretch some network of the cluster covers
BAND = "band"  # only a private range (RFC 1918, ULA) around them
GAP = "gap"  # address space nothing of the cluster touches: drawn as a break

# Widths in units before the scale is fitted to the axis: an item stretch
# of 2**k addresses is 1 + k units; a band stretch a third of that, a gap fixed.
BAND_SHARE = 0.35
GAP_UNITS = 3.0


@dataclass(frozen=True)
class Stretch:
    first: int  # first address, as an integer
    end: int  # one past the last
    kind: str
    x0: float
    x1: float

    def x(self, address: int) -> float:
        return self.x0 + (address - self.first) / (self.end - self.first) * (self.x1 - self.x0)


def _units(size: int, kind: str) -> float:
    if kind == GAP:
        return GAP_UNITS
    units = 1 + math.log2(size)
    return units * BAND_SHARE if kind == BAND else units


def _kind(first: int, end: int, items: Sequence[Network], bands: Sequence[Network]) -> str:
    def covers(network: Network) -> bool:
        return int(network.network_address) <= first and end - 1 <= int(network.broadcast_address)

    if any(covers(n) for n in items):
        return ITEM
    return BAND if any(covers(n) for n in bands) else GAP


class AddressScale:
    """Address -> x between ``left`` and ``right``."""

    def __init__(self, items: Sequence[Network], bands: Sequence[Network], left: float, right: float) -> None:
        cuts = sorted({c for n in (*items, *bands) for c in (int(n.network_address), int(n.broadcast_address) + 1)})
        pieces = [(a, b, _kind(a, b, items, bands)) for a, b in zip(cuts, cuts[1:])]
        total = sum(_units(b - a, kind) for a, b, kind in pieces) or 1.0
        per_unit = (right - left) / total
        self.stretches: list[Stretch] = []
        x = left
        for a, b, kind in pieces:
            width = _units(b - a, kind) * per_unit
            self.stretches.append(Stretch(a, b, kind, x, x + width))
            x += width
        self.left, self.right = left, right

    def x(self, address: int) -> float:
        """Where an address (or a cut: one past a network) stands."""
        for stretch in self.stretches:
            if stretch.first <= address < stretch.end:
                return stretch.x(address)
        return self.right if self.stretches and address >= self.stretches[-1].end else self.left

    def span(self, network: Network) -> tuple[float, float]:
        return self.x(int(network.network_address)), self.x(int(network.broadcast_address) + 1)

    def point(self, address: Address) -> float:
        """The middle of one address's sliver."""
        return (self.x(int(address)) + self.x(int(address) + 1)) / 2

    @property
    def cuts(self) -> list[int]:
        if not self.stretches:
            return []
        return [s.first for s in self.stretches] + [self.stretches[-1].end]

    @property
    def gaps(self) -> list[Stretch]:
        return [s for s in self.stretches if s.kind == GAP]
