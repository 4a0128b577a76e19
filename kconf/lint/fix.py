"""``kconf lint --fix``: make the mechanical fixes rules declare, in place.

A finding with a Replacement names the scalar at its location and the value
it should hold. The fix edits only that scalar's text (its quoting kept; a
plain value stays plain where it can), reads the edited text back and keeps
the edit only when every document is the same data but for those values.
Everything else of the file, comments, spacing, line ends and a byte order
mark, stays byte for byte. Files are replaced atomically (a temporary file
beside, renamed over; its mode, owner and group kept).

``fix_text`` is the pure core (text in, text out); ``apply_fixes`` reads and
writes the files.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from kconf.errors import KconfError
from kconf.lint.model import Finding
from kconf.yamlio import (
    ODD_LINE_BREAKS,
    Document,
    Lines,
    Position,
    TextEdit,
    apply_edits,
    block_scalar,
    flow_scalar,
    load_documents,
    set_value,
    value_at,
)
from kconf.yamlio import Path as FieldPath

BOM = b"\xef\xbb\xbf"


# NamedTuples, not frozen dataclasses (no generated source to exec at start-up);
# a Change is equal, ordered and hashed by its fields in order, as before
class Change(NamedTuple):
    """A value --fix wrote (or could not write: ``problem``)."""

    path: str
    line: int
    column: int
    rule: str
    old: str
    new: str
    problem: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}: {self.rule}"
        if self.problem:
            return f"{where}: not fixed: {self.problem}"
        return f"{where}: {self.old!r} -> {self.new!r}"


class _Target(NamedTuple):
    document: int
    field: FieldPath


def _targets(documents: Sequence[Document]) -> dict[Position, list[_Target]]:
    """Where each written scalar value starts -> the value(s) written there."""
    found: dict[Position, list[_Target]] = {}
    for document in documents:
        assert document.spans is not None
        for field_path, start in document.values.items():
            # scalars only (every fix writes a string): a collection may start at the same place
            if field_path in document.spans.value_ends and isinstance(value_at(document.data, field_path), str):
                found.setdefault(start, []).append(_Target(document.index, field_path))
    return found


def _scalar_text(written: str, new: str, in_flow: bool) -> str | None:
    """The text of ``new`` in the style ``written`` has."""
    if written.startswith('"'):
        return json.dumps(new, ensure_ascii=False)
    if written.startswith("'"):
        return "'" + new.replace("'", "''") + "'"
    if written[:1] in "!&|>":  # a tag or anchor before the value, a block scalar
        return None
    return flow_scalar(new) if in_flow else block_scalar(new)


def _edit(text: str, lines: Lines, document: Document, field_path: FieldPath, new: str) -> TextEdit | str:
    """The edit that writes ``new`` over the scalar at ``field_path``, or why there is none."""
    spans = document.spans
    assert spans is not None
    if spans.shared:
        return "the document uses anchors, aliases or merge keys (one text may stand for several values)"
    if field_path in spans.block_scalars:
        return "the value is a block scalar (| or >)"
    start = lines.offset(document.values[field_path])
    end = lines.offset(spans.value_ends[field_path])
    written = text[start:end]
    if "\n" in written:  # (fix_text refused a lone "\r" before: a "\r" here is part of "\r\n")
        return "the value is written over several lines"
    replacement = _scalar_text(written, new, field_path[:-1] in spans.flow)
    if replacement is None:
        return "the value has a tag or an anchor"
    return TextEdit(start, end, replacement)


def fix_text(path: str, text: str, findings: Iterable[Finding]) -> tuple[str, list[Change]]:
    """``text`` with the fixes of ``findings`` (all of this file) made, and
    what was changed or refused. The text is unchanged when any edit would
    change more than its own value once read back."""
    try:
        documents = load_documents(text, path, spans=True)
    except KconfError as exc:
        return text, [_refused(f, f"the file does not load ({exc})") for f in findings if f.fix is not None]
    if ODD_LINE_BREAKS.search(text):
        # the parser's lines end at these too, Lines' only at "\n": its offsets would miss the values
        return text, [_refused(f, "the file has line breaks other than LF and CRLF") for f in findings if f.fix is not None]
    at = _targets(documents)
    lines = Lines(text)
    edits: dict[tuple[int, int], tuple[TextEdit, Finding, _Target]] = {}
    changes: list[Change] = []
    for finding in sorted(f for f in findings if f.fix is not None):
        assert finding.fix is not None
        change = _planned(finding, at.get(Position(finding.line, finding.column), []), documents, text, lines)
        if isinstance(change, Change):
            changes.append(change)
            continue
        edit, target = change
        key = (edit.start, edit.end)
        if key in edits and edits[key][0].text != edit.text:
            changes.append(_refused(finding, "another finding would write a different value there"))
            continue
        edits.setdefault(key, (edit, finding, target))
    if not edits:
        return text, changes
    new_text = apply_edits(text, [edit for edit, _, _ in edits.values()])
    problem = _verify(path, new_text, documents, [(t, f) for _, f, t in edits.values()])
    for _, finding, _ in edits.values():
        assert finding.fix is not None
        if problem:
            changes.append(_refused(finding, problem))
        else:
            changes.append(Change(finding.path, finding.line, finding.column, finding.rule, finding.fix.old, finding.fix.new))
    return (text if problem else new_text), sorted(changes)


def _refused(finding: Finding, problem: str) -> Change:
    assert finding.fix is not None
    return Change(finding.path, finding.line, finding.column, finding.rule, finding.fix.old, finding.fix.new, problem)


def _planned(
    finding: Finding, targets: list[_Target], documents: Sequence[Document], text: str, lines: Lines
) -> tuple[TextEdit, _Target] | Change:
    assert finding.fix is not None
    if len(targets) != 1:
        return _refused(
            finding,
            "no single value is written at this place (a value inside another, as in a ConfigMap's "
            "ClusterConfiguration text, is not edited)",
        )
    target = targets[0]
    document = documents[target.document]
    current = value_at(document.data, target.field)
    if current != finding.fix.old:
        return _refused(finding, f"the value there is {current!r}, not {finding.fix.old!r}")
    edit = _edit(text, lines, document, target.field, finding.fix.new)
    if isinstance(edit, str):
        return _refused(finding, edit)
    return edit, target


def _verify(path: str, new_text: str, documents: Sequence[Document], fixed: list[tuple[_Target, Finding]]) -> str:
    """"" when ``new_text`` reads as the old documents with exactly the fixed values changed."""
    expected = [copy.deepcopy(d.data) for d in documents]
    for target, finding in fixed:
        assert finding.fix is not None
        expected[target.document] = set_value(expected[target.document], target.field, finding.fix.new)
    try:
        again = [d.data for d in load_documents(new_text, path)]
    except KconfError as exc:
        return f"the edited file would not load ({exc}); nothing was written"
    if again != expected:
        return "the edited file would read differently beyond the fixed values; nothing was written"
    return ""


def apply_fixes(findings: Sequence[Finding]) -> list[Change]:
    """Make the fixes of ``findings`` in their files (each written once,
    atomically, only when something changed); what was changed or refused."""
    from kconf.fsio import read_bytes, write_in_place
    from kconf.yamlio import decode

    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.fix is not None:
            by_path.setdefault(finding.path, []).append(finding)
    changes: list[Change] = []
    for path, fixable in sorted(by_path.items()):
        data = read_bytes(path)
        new_text, file_changes = fix_text(path, decode(data, path), fixable)
        changes += file_changes
        if any(not c.problem for c in file_changes):
            bom = BOM if data.startswith(BOM) else b""
            write_in_place(Path(path), bom + new_text.encode())
    return changes
