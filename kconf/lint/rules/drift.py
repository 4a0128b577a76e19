"""rendered-drift: the output folder against what the description renders now."""

from __future__ import annotations

import difflib
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kconf.errors import KconfError, format_field_path
from kconf.lint.model import ERROR, Group, Loc, RawFinding
from kconf.lint.registry import Rule

RULE = "rendered-drift"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _yaml_drift(path: str, on_disk: bytes, rendered: bytes) -> Iterator[RawFinding]:
    """One finding per changed field path, at the line of the edit."""
    from deepdiff import DeepDiff

    from kconf.yamlio import decode, load_documents

    try:
        disk_docs = [d for d in load_documents(decode(on_disk, path), path) if d.data is not None]
    except KconfError as exc:
        yield RawFinding(RULE, Loc(path, exc.line or 1), f"no longer loads as YAML ({exc.message}); re-render it")
        return
    expected = [d.data for d in load_documents(rendered.decode(), path) if d.data is not None]
    diff = DeepDiff(expected, [d.data for d in disk_docs], view="tree")
    changes = sorted(
        (change for changes in diff.values() for change in changes),
        key=lambda c: [str(p) for p in c.path(output_format="list")],
    )
    for change in changes:
        steps = change.path(output_format="list")
        index, field = steps[0], tuple(steps[1:])
        document = disk_docs[index] if isinstance(index, int) and index < len(disk_docs) else None
        if document is None:
            line = disk_docs[-1].start.line if disk_docs else 1
            yield RawFinding(RULE, Loc(path, line), f"document {index + 1} differs from what kconf render writes")
            continue
        pos = document.position(field, key=change.report_type == "dictionary_item_added")
        where = format_field_path(field) or "the document"
        if change.report_type in ("dictionary_item_added", "iterable_item_added"):
            message = f"{where} was added by hand ({_show(change.t2)}); kconf render does not write it"
        elif change.report_type in ("dictionary_item_removed", "iterable_item_removed"):
            message = f"{where} ({_show(change.t1)}) was removed by hand; kconf render writes it"
        else:
            message = f"{where} is {_show(change.t2)}, kconf render writes {_show(change.t1)}"
        yield RawFinding(RULE, Loc(path, pos.line, pos.column), message + "; change the description and re-render")


def _text_drift(path: str, on_disk: bytes, rendered: bytes) -> Iterator[RawFinding]:
    """One finding per changed block of lines, at its first line on disk."""
    disk_lines = on_disk.decode(errors="replace").splitlines()
    expected_lines = rendered.decode().splitlines()
    matcher = difflib.SequenceMatcher(a=expected_lines, b=disk_lines, autojunk=False)
    for tag, e1, e2, d1, d2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        line = min(d1 + 1, max(len(disk_lines), 1))
        if tag == "insert":
            message = f"line added by hand: {disk_lines[d1].strip()!r}"
        elif tag == "delete":
            message = f"line removed by hand: kconf render writes {expected_lines[e1].strip()!r} here"
        else:
            message = f"line changed by hand: kconf render writes {expected_lines[e1].strip()!r}"
        extra = max(e2 - e1, d2 - d1) - 1
        if extra > 0:
            message += f" (and {extra} more line{'s' if extra > 1 else ''})"
        yield RawFinding(RULE, Loc(path, line), message + "; change the description and re-render")


def _crlf_drift(path: str, on_disk: bytes, rendered: bytes) -> Iterator[RawFinding]:
    """CR LF line ends (unix2dos, an editor, git's autocrlf): invisible to
    the structural and line comparisons, yet bash stops at ``$'\r'`` in a join
    script. One finding per file, at its first CR LF line."""
    if b"\r\n" not in on_disk or b"\r\n" in rendered:
        return
    line = on_disk.count(b"\n", 0, on_disk.index(b"\r\n")) + 1
    crlf, lf = on_disk.count(b"\r\n"), on_disk.count(b"\n")
    what = "line endings are CRLF" if crlf == lf else f"line endings are CRLF on {crlf} of {lf} lines"
    why = " (bash reads each CR as part of a command: the script no longer runs)" if path.endswith(".sh") else ""
    yield RawFinding(
        RULE, Loc(path, line),
        f"{what}; kconf render writes LF{why}: convert it back (dos2unix) or re-render",
    )


def rendered_drift(group: Group) -> Iterator[RawFinding]:
    """A file in a cluster's output folder is not what the description renders
    now: a field or line edited by hand, a file missing, a file kconf no
    longer renders (a removed node), or a join script that lost its execute
    bit. YAML files are compared structurally (one finding per changed field,
    at the line of the edit), others line by line. Only checked where the
    output folder exists: a description never rendered is not a finding.

    Why: the next `kconf render` silently undoes a hand edit, and until then
    the files and the description tell two different stories (the HAProxy
    backends drift from the real control-plane nodes).

    Fix: make the change in the description and run `kconf render` (or revert
    the edit); `kconf render --check` lists what differs."""
    from kconf.render import RenderedFile, holds_exactly, stale_files

    cluster, out = group.cluster, group.output_dir
    if cluster is None or out is None:
        return
    try:
        rendered = {name: RenderedFile(data, mode) for name, (data, mode) in group.rendered().items()}
    except KconfError as exc:
        yield RawFinding(RULE, Loc(str(cluster.path), exc.line or 1), f"cannot render to compare: {exc.message}")
        return
    for name, file in rendered.items():
        target = out / name
        path = str(target)
        if not target.is_file():
            yield RawFinding(RULE, Loc(str(cluster.path), 1), f"{path} is missing; run kconf render {cluster.path}")
            continue
        same = holds_exactly(target, file.data)
        if same is None:
            yield RawFinding(RULE, Loc(path, 1), "cannot be read to compare with what kconf render writes")
            continue
        if not same:
            from kconf.fsio import read_bytes

            drift = _yaml_drift if name.endswith((".yaml", ".yml")) else _text_drift
            try:
                on_disk = read_bytes(path)
                yield from _crlf_drift(path, on_disk, file.data)
                yield from drift(path, on_disk, file.data)
            except KconfError as exc:
                yield RawFinding(RULE, Loc(path, 1), f"differs from what kconf render writes ({exc.message})")
        mode = stat.S_IMODE(target.stat().st_mode)
        if (mode & 0o111) != (file.mode & 0o111):
            yield RawFinding(RULE, Loc(path, 1), f"file mode is {mode:o}, kconf render writes {file.mode:o}")
    for stale in stale_files(Path(out), rendered):
        yield RawFinding(RULE, Loc(str(stale), 1), "kconf render no longer writes this file (a node was removed?); delete it")


RULES = (Rule(RULE, ERROR, "a file in a cluster's output folder differs from what the description renders now", rendered_drift),)
