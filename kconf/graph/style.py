"""The picture's look (one stylesheet, inside the SVG) and its finding badges."""

from __future__ import annotations

from collections.abc import Sequence

from kconf.graph import svg
from kconf.graph.marks import Mark, marks_of
from kconf.lint.model import ERROR

LABEL_WIDTH = 150  # the address plan's row labels

ERROR_COLOUR = "#c92a2a"
WARNING_COLOUR = "#d9480f"

STYLESHEET = f"""
text {{ font-family: {svg.SANS}; fill: #212529; }}
.mono, .caption, .tick-label, .point-label, .box-text, .box-title, .legend-text, .arrow-label {{ font-family: {svg.MONO}; }}
.heading {{ font-size: 22px; font-weight: bold; }}
.subheading {{ font-size: 13px; fill: #495057; }}
.section {{ font-size: 15px; font-weight: bold; fill: #343a40; }}
.note {{ font-size: 11px; fill: #868e96; }}
.row-label {{ font-size: 12px; fill: #495057; }}
.caption {{ font-size: 11px; fill: #343a40; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }}
.axis {{ stroke: #495057; stroke-width: 1.2; }}
.tick {{ stroke: #495057; stroke-width: 1; }}
.leader {{ stroke: #ced4da; stroke-width: 1; }}
.tick-label {{ font-size: 10px; fill: #495057; }}
.break {{ stroke: #495057; stroke-width: 1.2; fill: none; }}
.band {{ fill: #f1f3f5; }}
.gap {{ fill: url(#skipped); }}
.bar {{ stroke-width: 1; }}
.bar.node {{ fill: #a5d8ff; stroke: #1971c2; }}
.bar.pod {{ fill: #b2f2bb; stroke: #2f9e44; }}
.bar.service {{ fill: #d0bfff; stroke: #6741d9; }}
.address-tick {{ stroke: #1864ab; stroke-width: 1.5; }}
.point {{ fill: #e8590c; }}
.point-line {{ stroke: #e8590c; stroke-width: 1; stroke-dasharray: 3 3; }}
.point-label {{ font-size: 11px; fill: #d9480f; font-weight: bold; }}
.overlap-area {{ fill: url(#hatch); stroke: {ERROR_COLOUR}; stroke-width: 1.5; }}
.overlap-text {{ font-size: 12px; fill: {ERROR_COLOUR}; font-weight: bold; }}
.box {{ stroke-width: 1.2; }}
.box.client {{ fill: #f8f9fa; stroke: #adb5bd; }}
.box.endpoint {{ fill: #fff4e6; stroke: #e8590c; }}
.box.lb {{ fill: #fff9db; stroke: #f08c00; }}
.box.control-plane {{ fill: #e7f5ff; stroke: #1971c2; }}
.box.worker {{ fill: #ebfbee; stroke: #2f9e44; }}
.frame {{ fill: none; stroke: #adb5bd; stroke-width: 1; stroke-dasharray: 5 4; }}
.frame.vip {{ stroke: #e8590c; stroke-width: 1.5; }}
.frame-title {{ font-size: 12px; fill: #495057; font-weight: bold; }}
.box-title {{ font-size: 13px; font-weight: bold; }}
.box-text {{ font-size: 12px; fill: #343a40; }}
.box-text.dim {{ fill: #868e96; }}
.arrow {{ stroke: #495057; stroke-width: 1.5; fill: none; marker-end: url(#arrowhead); }}
.arrow.vip {{ stroke: #e8590c; stroke-dasharray: 5 4; }}
.arrow-label {{ font-size: 11px; fill: #495057; }}
.badge.error rect {{ fill: {ERROR_COLOUR}; }}
.badge.warning rect {{ fill: {WARNING_COLOUR}; }}
.badge text {{ font-size: 11px; font-weight: bold; fill: #ffffff; font-family: {svg.SANS}; }}
.legend-text {{ font-size: 12px; }}
.legend-rule {{ font-size: 12px; font-weight: bold; }}
.clean {{ font-size: 13px; fill: #2b8a3e; }}
/* last: a finding's colour wins over the kind's */
.bar.error, .box.error {{ stroke: {ERROR_COLOUR}; stroke-width: 2.5; }}
.bar.warning, .box.warning {{ stroke: {WARNING_COLOUR}; stroke-width: 2.5; }}
"""

DEFS = (
    '<marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
    '<path d="M0,0 L10,5 L0,10 Z" fill="#495057"/></marker>'
    '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    f'<rect width="6" height="6" fill="#fff5f5"/><line x1="0" y1="0" x2="0" y2="6" stroke="{ERROR_COLOUR}" stroke-width="1.2" stroke-opacity="0.6"/></pattern>'
    '<pattern id="skipped" width="4" height="4" patternUnits="userSpaceOnUse">'
    '<rect width="4" height="4" fill="#ffffff"/><circle cx="2" cy="2" r="0.6" fill="#ced4da"/></pattern>'
)


def worst(found: Sequence[Mark]) -> str | None:
    if not found:
        return None
    return ERROR if any(m.finding.severity == ERROR for m in found) else found[0].finding.severity


class Badges:
    """Numbered badges for the elements findings are about; remembers which
    elements were drawn, so that a finding about none of them is shown on
    the title instead of getting lost."""

    def __init__(self, all_marks: Sequence[Mark]) -> None:
        self.marks = list(all_marks)
        self.drawn: set[str] = set()

    def of(self, key: str) -> list[Mark]:
        return marks_of(self.marks, key)

    def severity(self, key: str) -> str | None:
        return worst(self.of(key))

    def draw(self, key: str, x: float, y: float, *, anchor_end: bool = False) -> list[str]:
        """A badge whose left (or, ``anchor_end``, right) end is at x, centred on y."""
        self.drawn.add(key)
        return self.pill(self.of(key), x, y, anchor_end=anchor_end)

    @staticmethod
    def pill(found: Sequence[Mark], x: float, y: float, *, anchor_end: bool = False) -> list[str]:
        if not found:
            return []
        label = ",".join(str(m.number) for m in found)
        width = svg.text_width(label, 11, mono=False) + 12
        left = x - width if anchor_end else x
        tooltip = "\n".join(f"{m.number}. {m.finding.severity} [{m.finding.rule}] {m.where}: {m.finding.message}" for m in found)
        return [svg.group(
            svg.title(tooltip),
            svg.rect(left, y - 9, width, 18, rx=9),
            svg.text(left + width / 2, y + 4, label, text_anchor="middle"),
            class_=f"badge {worst(found)}",
        )]

    def undrawn(self) -> list[Mark]:
        return [m for m in self.marks if not any(t in self.drawn for t in m.targets)]
