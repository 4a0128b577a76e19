"""The address plan: one axis per address family, a bar per network.

Node networks, the pod CIDR and the service CIDR each get a row, drawn on the
same piecewise scale (kconf.graph.scale), so that a pod CIDR covering the
nodes' network is a bar over the other bar. Every pair of networks that
overlaps is marked (hatched across both rows) and named below the axis; the
load balancer's address (the VIP, or the HAProxy host) is a marker on the
axis with a line through every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import AddressValueError, IPv4Address, IPv6Address, ip_network

from kconf.addresses import PRIVATE_NETWORKS, Address, Network
from kconf.description import Cluster
from kconf.graph import svg
from kconf.graph.marks import element_id, network_key
from kconf.graph.scale import AddressScale
from kconf.graph.style import Badges, LABEL_WIDTH

ROW_HEIGHT = 34
POINT_ROW = 24
TICK_LEVELS = 3
KIND_LABELS = {"node": "node network", "pod": "pod CIDR", "service": "service CIDR"}


@dataclass(frozen=True)
class Row:
    kind: str  # node | pod | service
    network: Network
    note: str  # who is on it, what it is for

    @property
    def key(self) -> str:
        return network_key(self.kind, self.network)

    @property
    def label(self) -> str:
        return f"{KIND_LABELS[self.kind]} {self.network}"


@dataclass(frozen=True)
class Point:
    address: Address
    label: str


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def rows(cluster: Cluster, version: int) -> list[Row]:
    """The networks of one family: the nodes' (and LB hosts'), then pods, then Services."""
    found: list[Row] = []
    lb_hosts = cluster.load_balancer.hosts if cluster.load_balancer is not None else ()
    networks = dict.fromkeys([*cluster.node_networks(), *(h.address.network for h in lb_hosts)])
    for network in networks:
        if network.version != version:
            continue
        nodes = sum(any(a.network == network for a in n.addresses) for n in cluster.nodes)
        hosts = sum(h.address.network == network and h.name not in {n.name for n in cluster.nodes} for h in lb_hosts)
        who = [_count(nodes, "node")] if nodes else []
        who += [_count(hosts, "LB host")] if hosts else []
        found.append(Row("node", network, ", ".join(who)))
    mask = cluster.networking.node_mask(version)
    for network in cluster.networking.pod_subnets:
        if network.version == version:
            found.append(Row("pod", network, f"Calico pool, /{mask} per node"))
    for network in cluster.networking.service_subnets:
        if network.version == version:
            found.append(Row("service", network, "ClusterIPs"))
    return found


def points(cluster: Cluster, version: int) -> list[Point]:
    lb = cluster.load_balancer
    if lb is not None:
        what = "VIP" if lb.has_vip else f"HAProxy {lb.hostname}" if lb.hostname else "HAProxy"
        return [Point(a, f"{what} {a}") for a in lb.addresses if a.version == version]
    endpoint = cluster.endpoint()
    if endpoint is not None:
        resolved = cluster.resolve(endpoint[0])
        if resolved is not None and resolved.version == version:
            named = "" if endpoint[0] == str(resolved) else f" {endpoint[0]}"
            return [Point(resolved, f"endpoint{named} {resolved}")]
    return []


def overlaps(found: Sequence[Row]) -> list[tuple[Row, Row]]:
    """Pairs of rows whose networks overlap (CIDRs nest: the second is inside the first)."""
    pairs: list[tuple[Row, Row]] = []
    for i, a in enumerate(found):
        for b in found[i + 1:]:
            if a.network.overlaps(b.network):
                outer, inner = (a, b) if a.network.prefixlen <= b.network.prefixlen else (b, a)
                pairs.append((outer, inner))
    return pairs


def overlap_text(outer: Row, inner: Row) -> str:
    if outer.network == inner.network:
        return f"overlap: {outer.label} is also the {KIND_LABELS[inner.kind]}"
    return f"overlap: {outer.label} contains {inner.label}"


def _tick_label(cut: int, version: int) -> str | None:
    try:
        return str(IPv4Address(cut) if version == 4 else IPv6Address(cut))
    except AddressValueError:  # one past the last address of the family
        return None


def _axis(scale: AddressScale, version: int, y: float) -> tuple[list[str], float]:
    """The axis line, a tick at every cut with its address where it fits, and breaks."""
    parts = [svg.line(scale.left, y, scale.right, y, class_="axis")]
    for gap in scale.gaps:
        middle = (gap.x0 + gap.x1) / 2
        parts.append(svg.path([("M", middle - 5, y + 6), ("L", middle - 1, y - 6), ("M", middle + 1, y + 6), ("L", middle + 5, y - 6)], class_="break"))
    right_edges = [-1e9] * TICK_LEVELS
    for cut in scale.cuts:
        x = scale.x(cut)
        parts.append(svg.line(x, y - 4, x, y + 4, class_="tick"))
        label = _tick_label(cut, version)
        if label is None:
            continue
        width = svg.text_width(label, 10)
        left = min(max(x - width / 2, scale.left - 40), scale.right + 20 - width)
        level = next((i for i, edge in enumerate(right_edges) if left > edge + 6), None)
        if level is None:
            continue
        right_edges[level] = left + width
        ty = y + 16 + level * 12
        if level:
            parts.append(svg.line(x, y + 4, x, ty - 9, class_="leader"))
        parts.append(svg.text(left + width / 2, ty, label, class_="tick-label", text_anchor="middle"))
    return parts, y + 16 + TICK_LEVELS * 12


def _row(row: Row, scale: AddressScale, y: float, badges: Badges, node_ips: Sequence[Address], margin: float) -> list[str]:
    x0, x1 = scale.span(row.network)
    width = max(x1 - x0, 2.0)
    bar_y = y + 15
    severity = badges.severity(row.key)
    parts = [svg.text(margin, bar_y + 10, KIND_LABELS[row.kind], class_="row-label")]
    bar = svg.rect(x0, bar_y, width, 12, rx=2, class_=f"bar {row.kind}" + (f" {severity}" if severity else ""))
    caption = f"{row.network}  {row.note}"
    caption_width = svg.text_width(caption, 11)
    anchor_end = x0 + caption_width > scale.right + 20
    caption_x = max(x0 + width, scale.left + caption_width) if anchor_end else x0
    caption_svg = svg.text(caption_x, y + 11, caption, class_="caption", text_anchor="end" if anchor_end else None)
    ticks = [svg.line(scale.point(ip), bar_y - 2, scale.point(ip), bar_y + 14, class_="address-tick") for ip in node_ips if ip in row.network]
    badge = badges.draw(row.key, margin + LABEL_WIDTH - 24, bar_y + 6)
    parts.append(svg.group(svg.title(row.label), bar, caption_svg, *ticks, *badge, id=element_id(row.key), class_="network"))
    return parts


def address_plan(cluster: Cluster, version: int, y: float, left: float, right: float, margin: float, badges: Badges) -> tuple[str, float]:
    """One family's axis, rows and overlap marks, from ``y`` down; returns the SVG and the next free y."""
    found = rows(cluster, version)
    marked = points(cluster, version)
    items = [r.network for r in found]
    items += [ip_network(p.address) for p in marked if not any(p.address in n for n in items)]
    bands = [p for p in PRIVATE_NETWORKS if p.version == version and any(p.overlaps(i) for i in items)]
    scale = AddressScale(items, bands, left, right)
    family = "IPv4" if version == 4 else "IPv6"
    parts = [svg.text(margin, y + 14, f"Address plan, {family}", class_="section")]
    top = y + 24 + POINT_ROW
    bottom = top + ROW_HEIGHT * len(found)
    for band in bands:
        x0, x1 = scale.span(band)
        parts.append(svg.rect(x0, top - 4, x1 - x0, bottom - top + 8, class_="band"))
    for gap in scale.gaps:
        parts.append(svg.rect(gap.x0, top - 4, gap.x1 - gap.x0, bottom - top + 8, class_="gap"))
    for point in marked:
        x = scale.point(point.address)
        parts.append(svg.line(x, top - 8, x, bottom + 8, class_="point-line"))
        parts.append(svg.path([("M", x - 6, top - 16), ("L", x + 6, top - 16), ("L", x, top - 6), ("Z", x - 6, top - 16)], class_="point"))
        label_width = svg.text_width(point.label, 11)
        anchor = "end" if x + 10 + label_width > right + 20 else None
        parts.append(svg.text(x - 10 if anchor else x + 10, top - 8, point.label, class_="point-label", text_anchor=anchor))
    pairs = overlaps(found)
    for outer, inner in pairs:  # behind the bars, which stay readable on top
        x0, x1 = scale.span(inner.network)
        rows_y = sorted(top + found.index(r) * ROW_HEIGHT + 15 for r in (outer, inner))
        # from the upper row's caption to below the lower row's bar
        mark = svg.rect(x0 - 2, rows_y[0] - 15, max(x1 - x0, 3.0) + 4, rows_y[1] - rows_y[0] + 33, class_="overlap-area")
        parts.append(svg.group(svg.title(overlap_text(outer, inner)), mark, class_="overlap"))
    lb_hosts = cluster.load_balancer.hosts if cluster.load_balancer is not None else ()
    ips = [a.ip for n in cluster.nodes for a in n.addresses] + [h.address.ip for h in lb_hosts]
    for index, row in enumerate(found):
        parts.extend(_row(row, scale, top + index * ROW_HEIGHT, badges, ips if row.kind == "node" else (), margin))
    axis, y = _axis(scale, version, bottom + 10)
    parts.extend(axis)
    band_labels = [f"{b} private" for b in bands]
    legend = "shaded: " + ", ".join(band_labels) + " · " if band_labels else ""
    legend += "scale: piecewise logarithmic, cut at every network's bounds; // skipped address space"
    parts.append(svg.text(left, y + 4, legend, class_="note"))
    y += 12
    for outer, inner in pairs:
        y += 16
        parts.append(svg.group(svg.text(left, y, "\u26a0 " + overlap_text(outer, inner), class_="overlap-text"), class_="overlap"))
    return svg.group(*parts, id=f"address-plan-{family.lower()}"), y + 16

