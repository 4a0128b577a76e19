"""The whole picture: a title, the address plan of each family, the traffic
path, and the lint findings marked on them and listed in a legend.

``cluster_svg`` is pure: the model and the findings in, the SVG text out.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from kconf.description import Cluster
from kconf.graph import svg
from kconf.graph.address_plan import KIND_LABELS, address_plan
from kconf.graph.marks import CLUSTER, ENDPOINT, LOAD_BALANCER, Mark
from kconf.graph.style import DEFS, LABEL_WIDTH, STYLESHEET, Badges
from kconf.graph.traffic import traffic_path
from kconf.lint.model import ERROR
from kconf.wording import counted

WIDTH = 1400
MARGIN = 28


def _summary(cluster: Cluster) -> str:
    lb = cluster.load_balancer
    control_planes = len(cluster.control_plane_nodes)
    workers = len(cluster.nodes) - control_planes
    balancer = f"load balancer: {lb.mode}" if lb is not None else "no load balancer"
    stack = "dual stack" if len(cluster.families) > 1 else f"IPv{cluster.families[0]}" if cluster.families else ""
    calico = f"Calico {cluster.calico.mode} mode, {cluster.calico.encapsulation}"
    return (
        f"Kubernetes {cluster.kubernetes_version} · kubeadm {cluster.kubeadm_api_version} · {calico} · {balancer} · "
        f"{stack} · {counted(control_planes, 'control plane')}, {counted(workers, 'worker')}"
    )


def target_label(key: str) -> str:
    if key == CLUSTER:
        return "the cluster (title)"
    if key == ENDPOINT:
        return "the endpoint"
    if key == LOAD_BALANCER:
        return "the load balancer"
    kind, _, rest = key.partition(":")
    if kind == "net":
        network_kind, _, network = rest.partition(":")
        return f"{KIND_LABELS[network_kind]} {network}"
    return f"{'LB host' if kind == 'lb-host' else 'node'} {rest}"


def legend(all_marks: Sequence[Mark], y: float, badges: Badges) -> tuple[str, float]:
    parts = [svg.text(MARGIN, y + 14, "Lint findings (the rules of kconf lint, as kconf render runs them)", class_="section")]
    y += 36
    if not all_marks:
        parts.append(svg.text(MARGIN, y, "None: kconf render writes this cluster's files.", class_="clean"))
        return svg.group(*parts, id="findings"), y + 20
    errors = sum(m.finding.severity == ERROR for m in all_marks)
    if errors:
        note = f"{counted(errors, 'error')}: kconf render refuses this description until {'they are' if errors > 1 else 'it is'} fixed."
        parts.append(svg.text(MARGIN, y, note, class_="overlap-text"))
        y += 24
    columns = int((WIDTH - 2 * MARGIN - 46) / (12 * svg.MONO_ADVANCE))
    for mark in all_marks:
        finding = mark.finding
        on = ", ".join(target_label(t) if t in badges.drawn else target_label(CLUSTER) for t in mark.targets)
        head = f"{finding.severity} [{finding.rule}] {mark.where} (marked on {on})"
        entry = [svg.text(MARGIN + 46, y, head, class_="legend-text legend-rule")]
        for wrapped in textwrap.wrap(finding.message, columns, break_on_hyphens=False):
            y += 16
            entry.append(svg.text(MARGIN + 46, y, wrapped, class_="legend-text"))
        pill = Badges.pill([mark], MARGIN + 34, y - 16 * (len(entry) - 1) - 4, anchor_end=True)
        parts.append(svg.group(*pill, *entry, class_=f"finding {finding.severity}", id=f"finding-{mark.number}"))
        y += 24
    return svg.group(*parts, id="findings"), y


def cluster_svg(cluster: Cluster, all_marks: Sequence[Mark], source_name: str) -> str:
    """The picture of a cluster with its findings (numbered marks)."""
    badges = Badges(all_marks)
    left, right = MARGIN + LABEL_WIDTH, WIDTH - MARGIN - 40
    body: list[str] = []
    y = 84.0
    for version in cluster.families or (4,):
        plan, y = address_plan(cluster, version, y, left, right, MARGIN, badges)
        body.append(plan)
        y += 14
    path, y = traffic_path(cluster, y, MARGIN, WIDTH - MARGIN, badges)
    body.append(path)
    # drawn last: it lists where each finding was marked, and marks on the title what none of them is
    title_badges = Badges.pill(badges.undrawn(), MARGIN + svg.text_width(f"Cluster {cluster.name}", 22, mono=False) + 14, 34)
    badges.drawn.add(CLUSTER)
    findings, y = legend(all_marks, y, badges)
    body.append(findings)
    height = int(y + MARGIN)
    header = [
        svg.text(MARGIN, 40, f"Cluster {cluster.name}", class_="heading"),
        *title_badges,
        svg.text(MARGIN, 62, _summary(cluster), class_="subheading"),
        svg.text(WIDTH - MARGIN, 40, f"kconf graph {source_name}", class_="note", text_anchor="end"),
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        'role="img" aria-labelledby="graph-title">\n'
        f"{svg.title(f'Cluster {cluster.name}: address plan, traffic path and lint findings', id='graph-title')}\n"
        f"<defs><style>{STYLESHEET}</style>{DEFS}</defs>\n"
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>\n'
        + "\n".join([*header, *body])
        + "\n</svg>\n"
    )
