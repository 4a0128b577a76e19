"""The traffic path: clients -> endpoint -> load balancer(s) -> API servers.

Four columns, left to right: the clients of the API (kubectl, and the
workers' kubelets), the controlPlaneEndpoint and what it resolves to, the
load balancer of the mode in use (the HAProxy host; the keepalived LB hosts
sharing the VIP; kube-vip's VIP on the control planes; none), and the
control planes' kube-apiservers. Every node is drawn with its role and
address(es).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kconf.addresses import Address
from kconf.description import KEEPALIVED, KUBE_VIP, Cluster, Node
from kconf.graph import svg
from kconf.graph.marks import ENDPOINT, LOAD_BALANCER, element_id, lb_host_key, node_key
from kconf.graph.style import Badges
from kconf.outputs import bracketed

LINE_HEIGHT = 17
PAD = 9
BOX_GAP = 12
FRAME_PAD = 12
FRAME_TITLE = 20


@dataclass
class Box:
    key: str
    css: str
    title: str
    lines: list[str]
    dim: list[str] = field(default_factory=list)  # secondary lines, greyed
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0

    @property
    def natural_width(self) -> float:
        widest = max([svg.text_width(self.title, 13)] + [svg.text_width(t, 12) for t in (*self.lines, *self.dim)])
        return widest + 2 * PAD + 22  # room for a badge on the corner

    @property
    def height(self) -> float:
        return 2 * PAD + LINE_HEIGHT * (1 + len(self.lines) + len(self.dim)) - 4

    def draw(self, badges: Badges) -> list[str]:
        severity = badges.severity(self.key)
        css = f"box {self.css}" + (f" {severity}" if severity else "")
        parts = [svg.title(f"{self.title}: " + ", ".join(self.lines)), svg.rect(self.x, self.y, self.width, self.height, rx=6, class_=css)]
        y = self.y + PAD + 12
        parts.append(svg.text(self.x + PAD, y, self.title, class_="box-title"))
        for text in self.lines:
            y += LINE_HEIGHT
            parts.append(svg.text(self.x + PAD, y, text, class_="box-text"))
        for text in self.dim:
            y += LINE_HEIGHT
            parts.append(svg.text(self.x + PAD, y, text, class_="box-text dim"))
        parts += badges.draw(self.key, self.x + self.width - 6, self.y, anchor_end=True)
        return [svg.group(*parts, id=element_id(self.key), class_="element")]

    def left(self) -> tuple[float, float]:
        return self.x, self.y + self.height / 2

    def right(self) -> tuple[float, float]:
        return self.x + self.width, self.y + self.height / 2


@dataclass
class Column:
    """Boxes stacked, optionally inside a dashed frame with a title (the
    frame is then what arrows start and end at)."""

    boxes: list[Box]
    frame_title: str | None = None
    frame_css: str = "frame"
    x: float = 0.0
    y: float = 0.0

    @property
    def inset(self) -> float:
        return FRAME_PAD if self.frame_title is not None else 0.0

    @property
    def width(self) -> float:
        inner = max(b.natural_width for b in self.boxes)
        if self.frame_title is not None:
            inner = max(inner, svg.text_width(self.frame_title, 12, mono=False))
        return inner + 2 * self.inset

    @property
    def height(self) -> float:
        inner = sum(b.height for b in self.boxes) + BOX_GAP * (len(self.boxes) - 1)
        return inner + (2 * FRAME_PAD + FRAME_TITLE if self.frame_title is not None else 0.0)

    def place(self, x: float, y: float) -> None:
        self.x, self.y = x, y
        top = y + (FRAME_PAD + FRAME_TITLE if self.frame_title is not None else 0.0)
        for box in self.boxes:
            box.x, box.y, box.width = x + self.inset, top, self.width - 2 * self.inset
            top += box.height + BOX_GAP

    def draw(self, badges: Badges) -> list[str]:
        parts: list[str] = []
        if self.frame_title is not None:
            parts.append(svg.rect(self.x, self.y, self.width, self.height, rx=10, class_=self.frame_css))
            parts.append(svg.text(self.x + FRAME_PAD, self.y + FRAME_PAD + 8, self.frame_title, class_="frame-title"))
        for box in self.boxes:
            parts.extend(box.draw(badges))
        return parts

    def left(self) -> tuple[float, float]:
        return self.x, self.y + self.height / 2

    def right(self) -> tuple[float, float]:
        return self.x + self.width, self.y + self.height / 2


def _other_interfaces(node: Node) -> list[str]:
    return [
        f"{i.name} {i.address}" + (" (NAT)" if i.nat else "")
        for i in node.interfaces
        if i.address not in node.addresses
    ]


def node_box(cluster: Cluster, node: Node) -> Box:
    if node.is_control_plane:
        duty = "kubeadm init" if node is cluster.first_control_plane else "kubeadm join --control-plane"
        lines = [f"control-plane · {duty}", *(str(a) for a in node.addresses), f"kube-apiserver :{node.bind_port}"]
        return Box(node_key(node.name), "control-plane", node.name, lines, _other_interfaces(node))
    lines = ["worker · kubelet", *(str(a) for a in node.addresses)]
    return Box(node_key(node.name), "worker", node.name, lines, _other_interfaces(node))


def _clients(cluster: Cluster) -> Column:
    boxes = [Box("clients", "client", "kubectl", ["users, CI, admin.conf"])]
    boxes += [node_box(cluster, n) for n in cluster.nodes if not n.is_control_plane]
    return Column(boxes, "clients of the API")


def _endpoint(cluster: Cluster) -> Box:
    endpoint = cluster.endpoint()
    if endpoint is None:
        first = cluster.first_control_plane
        return Box(ENDPOINT, "endpoint", "no controlPlaneEndpoint", ["clients use", bracketed(first.ip, first.bind_port)])
    host, port = endpoint
    resolved = cluster.resolve(host)
    lb = cluster.load_balancer
    seen = [a for name, a in cluster.hosts if name == host] or ([resolved] if resolved is not None else [])
    if lb is not None and resolved == lb.address:
        seen = list(lb.addresses)
    target = [f"-> {a}" for a in seen] or ["-> resolves to nothing described"]
    return Box(ENDPOINT, "endpoint", "controlPlaneEndpoint", [bracketed(host, port), *target])


def _load_balancer(cluster: Cluster) -> Column | None:
    lb = cluster.load_balancer
    if lb is None:
        return None
    check = "check /readyz" if lb.health_check == "readyz" else "check tcp"
    if lb.mode == KEEPALIVED:
        node_names = {n.name for n in cluster.nodes}
        boxes = []
        for host in lb.hosts:
            role = "MASTER" if host.index == 0 else "BACKUP"
            dim = [f"on node {host.name}"] if host.name in node_names else []
            lines = [f"{role} · {host.interface}", str(host.address), f"HAProxy :{lb.port} · {check}"]
            boxes.append(Box(lb_host_key(host.name), "lb", host.name, lines, dim))
        return Column(boxes, f"VIP {lb.address} · keepalived VRRP {lb.virtual_router_id}", "frame vip")
    if lb.mode == KUBE_VIP:
        lines = [f"VIP {lb.address}:{lb.port}", f"on {lb.interface} of the leader", "ARP · leader election"]
        return Column([Box(LOAD_BALANCER, "lb", "kube-vip (static Pods)", lines)])
    lines = [lb.hostname or "HAProxy host", *(bracketed(a, lb.port) for a in lb.addresses), f"mode tcp · {check}"]
    return Column([Box(LOAD_BALANCER, "lb", "HAProxy", lines)])


def _api_servers(cluster: Cluster) -> Column:
    return Column([node_box(cluster, n) for n in cluster.control_plane_nodes], "API servers")


def _arrow(start: tuple[float, float], end: tuple[float, float], css: str = "arrow") -> str:
    return svg.curve(start[0] + 2, start[1], end[0] - 3, end[1], class_=css)


def traffic_path(cluster: Cluster, y: float, left: float, right: float, badges: Badges) -> tuple[str, float]:
    """The four columns and their arrows, from ``y`` down; returns the SVG and the next free y."""
    clients = _clients(cluster)
    endpoint = Column([_endpoint(cluster)])
    balancer = _load_balancer(cluster)
    servers = _api_servers(cluster)
    columns = [c for c in (clients, endpoint, balancer, servers) if c is not None]
    top = y + 30
    widths = sum(c.width for c in columns)
    gap = max(60.0, (right - left - widths) / (len(columns) - 1))
    height = max(c.height for c in columns)
    x = left
    for column in columns:
        column.place(x, top + (height - column.height) / 2)
        x += column.width + gap
    parts = [svg.text(left, y + 14, "Traffic path to the API", class_="section")]
    parts.append(_arrow(clients.right(), endpoint.left()))
    cp_pairs = list(zip(servers.boxes, cluster.control_plane_nodes))
    lb = cluster.load_balancer
    if balancer is not None and lb is not None:
        parts.append(_arrow(endpoint.right(), balancer.left()))
        css = "arrow vip" if lb.mode == KUBE_VIP else "arrow"
        for box, node in cp_pairs:
            parts.append(_arrow(balancer.right(), box.left(), css))
            label_x, label_y = box.left()
            parts.append(svg.text(label_x - 12, label_y - 8, f":{node.bind_port}", class_="arrow-label", text_anchor="end"))
    else:
        resolved = _resolved(cluster)
        for box, node in cp_pairs:
            if resolved is None or resolved in (a.ip for a in node.addresses):
                parts.append(_arrow(endpoint.right(), box.left()))
    if lb is not None and lb.mode == KUBE_VIP:
        note = "the VIP is held by one control plane at a time (leader election); its kube-apiserver answers"
        parts.append(svg.text(left, top + height + 20, note, class_="note"))
        height += 20
    for column in columns:
        parts.extend(column.draw(badges))
    return svg.group(*parts, id="traffic-path"), top + height + 30


def _resolved(cluster: Cluster) -> Address | None:
    """Where the endpoint leads without a load balancer (the first control
    plane when there is no endpoint: what kubeadm then advertises)."""
    endpoint = cluster.endpoint()
    if endpoint is None:
        return cluster.first_control_plane.ip
    return cluster.resolve(endpoint[0])

