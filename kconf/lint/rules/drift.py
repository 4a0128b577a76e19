"""rendered-drift and output-folder-clash: the output folder against what the
description renders now.

A file that differs from what render writes now is one of two things: an
earlier render of a description that has changed since (the fix is `kconf
render`), or a file edited by hand (the fix is to move the edit into the
description). File contents alone cannot always tell them apart, so lint says
"by hand" only where it has evidence of an edit:

- the file was modified after the description (render wrote it from the
  description as it was then; a later change to the file is an edit);

- kconf's generated header line is missing or altered;
- the file has a line or key kconf never writes in it (a directive, a key
  name, an added comment), or a line kconf writes with other spacing;
- the file, linted on its own, has a finding its render now does not have
  (render is lint-gated: an earlier render had none);
- the file contradicts the rest of the folder: a value render writes here is
  still written in a file of the folder that is up to date, or an added line
  names something (a node, an address) no other file of the folder knows.
  A changed description changes every file that reads the changed field
  alike; a hand edit changes one.

Anything else is an earlier render: one finding per file, "the description
changed since it was rendered: run kconf render", and no other rule reports
in that file (what it would say goes away with the re-render; a problem the
description still has is reported at the description).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kconf.description import COMPLETE
from kconf.errors import KconfError, format_field_path
from kconf.lazyre import lazy
from kconf.lint.model import ERROR, Group, Loc, RawFinding
from kconf.lint.registry import Rule
from kconf.wording import counted

RULE = "rendered-drift"
CLASH = "output-folder-clash"
CHANGED = "the description changed since it was rendered: run kconf render"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class FileDrift:
    """How one file of the output folder differs from its render now:
    ``findings`` in the hand-edit wording, ``hand`` whether there is evidence
    of a hand edit, ``first`` where the first difference is, ``summary`` the
    first difference in a few words. (Plain classes here, not dataclasses:
    each one costs ~0.5 ms at import.)"""

    __slots__ = ("path", "findings", "hand", "first", "summary", "rendered_values", "added_tokens")

    def __init__(
        self,
        path: str,
        findings: list[RawFinding] | None = None,
        hand: bool = False,
        first: Loc | None = None,
        summary: str = "",
        rendered_values: list[str] | None = None,  # values render writes here, not on disk
        added_tokens: list[str] | None = None,  # what added lines name
    ) -> None:
        self.path = path
        self.findings: list[RawFinding] = [] if findings is None else findings
        self.hand = hand
        self.first = first
        self.summary = summary
        self.rendered_values: list[str] = [] if rendered_values is None else rendered_values
        self.added_tokens: list[str] = [] if added_tokens is None else added_tokens


# Tokens worth comparing across files: addresses, CIDRs, host:port, versions, names with a digit.
_DISTINCT = lazy(r"^(?=.*[0-9])[\w.:/\[\]-]{4,}$")


def _distinct(value: object) -> bool:
    return isinstance(value, str) and _DISTINCT.match(value) is not None


def _keys(data: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found.add(str(key))
            found |= _keys(value)
    elif isinstance(data, list):
        for item in data:
            found |= _keys(item)
    return found


def _scalars(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [v for value in data.values() for v in _scalars(value)]
    if isinstance(data, list):
        return [v for item in data for v in _scalars(item)]
    return [data] if isinstance(data, str) else []


def _yaml_drift(drift: FileDrift, on_disk: bytes, rendered: bytes) -> None:
    """One finding per changed field path, at the line of the edit."""
    from deepdiff import DeepDiff

    from kconf.yamlio import decode, load_documents

    path = drift.path
    try:
        disk_docs = [d for d in load_documents(decode(on_disk, path), path) if d.data is not None]
    except KconfError as exc:
        drift.hand = True
        drift.findings.append(RawFinding(RULE, Loc(path, exc.line or 1), f"no longer loads as YAML ({exc.message}); re-render it"))
        return
    expected = [d.data for d in load_documents(rendered.decode(), path) if d.data is not None]
    written_keys = _keys(expected)
    diff = DeepDiff(expected, [d.data for d in disk_docs], view="tree")
    changes = sorted(
        (change for changes in diff.values() for change in changes),
        key=lambda c: [str(p) for p in c.path(output_format="list")],
    )
    for change in changes:
        steps = change.path(output_format="list")
        index, field_path = steps[0], tuple(steps[1:])
        document = disk_docs[index] if isinstance(index, int) and index < len(disk_docs) else None
        if document is None:
            line = disk_docs[-1].start.line if disk_docs else 1
            _add(drift, RawFinding(RULE, Loc(path, line), f"document {index + 1} differs from what kconf render writes"), "")
            continue
        added_key = change.report_type == "dictionary_item_added"
        pos = document.position(field_path, key=added_key)
        where = format_field_path(field_path) or "the document"
        if added_key and field_path and str(field_path[-1]) not in written_keys:
            drift.hand = True  # a key kconf never writes in this file
        if change.report_type in ("dictionary_item_added", "iterable_item_added"):
            summary = f"{where} is not written now"
            message = f"{where} was added by hand ({_show(change.t2)}); kconf render does not write it"
        elif change.report_type in ("dictionary_item_removed", "iterable_item_removed"):
            summary = f"kconf render now writes {where}"
            message = f"{where} ({_show(change.t1)}) was removed by hand; kconf render writes it"
            drift.rendered_values += [v for v in _scalars(change.t1) if _distinct(v)]
        else:
            summary = f"{where}: kconf render now writes {_show(change.t1)}"
            message = f"{where} is {_show(change.t2)}, kconf render writes {_show(change.t1)}"
            if _distinct(change.t1):
                drift.rendered_values.append(change.t1)
        loc = Loc(path, pos.line, pos.column)
        _add(drift, RawFinding(RULE, loc, message + "; change the description and re-render"), summary)


def _add(drift: FileDrift, finding: RawFinding, summary: str) -> None:
    drift.findings.append(finding)
    if drift.first is None:
        drift.first, drift.summary = finding.loc, summary


def _directive(line: str) -> str:
    """What a line is, for "does kconf write such a line": its first word
    (two for HAProxy's `option` and `no`), or "address" for a hosts line."""
    from kconf.addresses import AddressError, parse_address

    words = line.split()
    if not words:
        return ""
    if words[0].startswith("#"):
        return "#"
    try:
        parse_address(words[0])
        return "address"
    except AddressError:
        pass
    return " ".join(words[:2]) if words[0] in ("option", "no") and len(words) > 1 else words[0]


def _text_drift(drift: FileDrift, on_disk: bytes, rendered: bytes) -> None:
    """One finding per changed block of lines, at its first line on disk."""
    path = drift.path
    disk_lines = on_disk.decode(errors="replace").splitlines()
    expected_lines = rendered.decode().splitlines()
    written = {_directive(line) for line in expected_lines}
    matcher = difflib.SequenceMatcher(a=expected_lines, b=disk_lines, autojunk=False)
    for tag, e1, e2, d1, d2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        new_lines, old_lines = disk_lines[d1:d2], expected_lines[e1:e2]
        for new in new_lines:
            if _directive(new) not in written or (tag == "insert" and new.lstrip().startswith("#")):
                drift.hand = True  # a line kconf never writes in this file
            if any(new.split() == old.split() for old in old_lines):
                drift.hand = True  # kconf's line with other spacing
        new_tokens = {t for new in new_lines for t in new.split()}
        drift.rendered_values += [t for old in old_lines for t in old.split() if t not in new_tokens and _distinct(t)]
        if tag == "insert":
            drift.added_tokens += [t for t in new_tokens if _distinct(t)]
        line = min(d1 + 1, max(len(disk_lines), 1))
        if tag == "insert":
            message = f"line added by hand: {disk_lines[d1].strip()!r}"
            summary = f"kconf render no longer writes {disk_lines[d1].strip()!r}"
        elif tag == "delete":
            message = f"line removed by hand: kconf render writes {expected_lines[e1].strip()!r} here"
            summary = f"kconf render now writes {expected_lines[e1].strip()!r}"
        else:
            message = f"line changed by hand: kconf render writes {expected_lines[e1].strip()!r}"
            summary = f"kconf render now writes {expected_lines[e1].strip()!r}"
        extra = max(e2 - e1, d2 - d1) - 1
        if extra > 0:
            message += f" (and {counted(extra, 'more line')})"
        _add(drift, RawFinding(RULE, Loc(path, line), message + "; change the description and re-render"), summary)


# --- the folder: whose render it is, and which files are earlier renders ---------------------


class FolderDrift:
    __slots__ = ("drift", "clash", "earlier_renders")

    def __init__(
        self,
        drift: list[RawFinding] | None = None,
        clash: list[RawFinding] | None = None,
        earlier_renders: frozenset[str] = frozenset(),  # normalised paths: rendered-drift is their one finding
    ) -> None:
        self.drift: list[RawFinding] = [] if drift is None else drift
        self.clash: list[RawFinding] = [] if clash is None else clash
        self.earlier_renders = earlier_renders


_ANALYSED: dict[int, tuple[Group, FolderDrift]] = {}


def analyse(group: Group) -> FolderDrift:
    """The drift of the group's output folder, computed once per group."""
    cached = _ANALYSED.get(id(group))
    if cached is not None and cached[0] is group:
        return cached[1]
    result = _analyse(group)
    if len(_ANALYSED) > 8:
        _ANALYSED.clear()
    _ANALYSED[id(group)] = (group, result)
    return result


def earlier_renders(group: Group) -> frozenset[str]:
    """Files of the output folder that are an earlier render of a changed
    description (or another description's render): other rules stay silent there.
    None in render's own gate (its files are what it is about to write) and
    for files fetched with --cluster (compared one by one)."""
    if group.cluster is None or group.output_dir is None or group.in_memory or group.fetched:
        return frozenset()
    source = group.cluster_file
    if source is not None and COMPLETE in source.broken:
        return frozenset()  # rendered-drift does not run on a broken description: nothing to defer to
    return analyse(group).earlier_renders


def _analyse(group: Group) -> FolderDrift:
    from kconf.render import RenderedFile, holds_exactly, stale_files

    cluster, out = group.cluster, group.output_dir
    result = FolderDrift()
    if cluster is None or out is None:
        return result
    try:
        rendered = {name: RenderedFile(data, mode) for name, (data, mode) in group.rendered().items()}
    except KconfError as exc:
        if tuple(exc.field) != ("spec", "calico", "manifest"):  # calico-manifest says what is wrong there
            result.drift.append(RawFinding(RULE, Loc(str(cluster.path), exc.line or 1), f"cannot render to compare: {exc.message}"))
        return result
    owner = _folder_owner(group, rendered)
    if owner is not None:
        result.clash.append(owner)
        result.earlier_renders = frozenset(os.path.normpath(str(out / name)) for name in os.listdir(out))
        return result
    up_to_date: list[bytes] = []
    drifts: list[tuple[FileDrift, bytes, bytes]] = []
    for name, file in rendered.items():
        target = out / name
        path = str(target)
        if not target.is_file():
            result.drift.append(RawFinding(RULE, Loc(str(cluster.path), 1), f"{path} is missing; run kconf render {cluster.path}"))
            continue
        same = holds_exactly(target, file.data)
        if same is None:
            result.drift.append(RawFinding(RULE, Loc(path, 1), "cannot be read to compare with what kconf render writes"))
            continue
        if same:
            up_to_date.append(file.data)
        else:
            from kconf.fsio import read_bytes

            on_disk = b""
            drift = FileDrift(path)
            compare = _yaml_drift if name.endswith((".yaml", ".yml")) else _text_drift
            try:
                on_disk = read_bytes(path)  # over the size limit: a finding, not lint stopped
                crlf = list(_crlf_drift(path, on_disk, file.data))
                if crlf:  # a converted file (unix2dos, an editor, git's autocrlf) is not an earlier render
                    drift.hand = True
                    drift.findings.extend(crlf)
                compare(drift, on_disk, file.data)
            except KconfError as exc:
                drift.hand = True
                drift.findings = [RawFinding(RULE, Loc(path, 1), f"differs from what kconf render writes ({exc.message})")]
            drifts.append((drift, on_disk, file.data))
        mode = stat.S_IMODE(target.stat().st_mode)
        if (mode & 0o111) != (file.mode & 0o111):
            result.drift.append(RawFinding(RULE, Loc(path, 1), f"file mode is {mode:o}, kconf render writes {file.mode:o}"))
    stale = stale_files(Path(out), rendered)
    others = [d for _, d, _ in drifts] + up_to_date + [_read(p) for p in stale]
    earlier: set[str] = set()
    described_at = _mtime(Path(cluster.path))
    for drift, on_disk, data in drifts:
        if described_at is not None and (_mtime(Path(drift.path)) or 0) > described_at:
            drift.hand = True  # written after the description last changed: edited since render wrote it
        if not drift.findings:
            continue  # the same YAML data in another layout (keys reordered): not drift
        rest = [text for text in others if text is not on_disk]
        if drift.hand or _hand_evidence(drift, on_disk, data, up_to_date, rest):
            result.drift += drift.findings
            continue
        earlier.add(os.path.normpath(drift.path))
        where = f" ({drift.summary})" if drift.summary else ""
        result.drift.append(RawFinding(RULE, drift.first or Loc(drift.path, 1), CHANGED + where))
    for old_file in stale:
        earlier.add(os.path.normpath(str(old_file)))
        result.drift.append(RawFinding(RULE, Loc(str(old_file), 1), "kconf render no longer writes this file (a node was removed?); delete it"))
    result.earlier_renders = frozenset(earlier)
    return result


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _mentions(texts: list[bytes], value: str) -> bool:
    pattern = re.compile(rb"(?<![\w.-])" + re.escape(value.encode()) + rb"(?![\w.-])")
    return any(pattern.search(text) for text in texts)


def _hand_evidence(drift: FileDrift, on_disk: bytes, rendered: bytes, up_to_date: list[bytes], rest: list[bytes]) -> bool:
    from kconf.render import GENERATED_MARK

    header = next((line for line in rendered.splitlines() if GENERATED_MARK.encode() in line), None)
    if header is not None and header not in on_disk.splitlines():
        return True
    if any(_mentions(up_to_date, value) for value in drift.rendered_values):
        return True
    if any(not _mentions(rest, token) for token in drift.added_tokens):
        return True
    return bool(_own_rules(drift.path, on_disk) - _own_rules(drift.path, rendered))


def _own_rules(path: str, data: bytes) -> set[str]:
    """The rules a file alone (no description, no folder) triggers at error
    level. Warnings are no evidence of a hand edit: render refuses only
    errors, so an earlier render may well carry a warning its description
    has since lost."""
    from kconf.lint.model import ERROR
    from kconf.lint.rules import RULES
    from kconf.lint.sources import recognise

    source = recognise(path, data)
    if source is None:
        return set()
    alone = Group(files=[source])
    return {
        name for name, rule in RULES.items()
        if name not in (RULE, CLASH) and any((f.severity or rule.severity) == ERROR for f in rule.check(alone))
    }


_NAME_LINE = r"^\s+name:\s*[\"']?{}[\"']?\s*(?:#.*)?$"


def _siblings(cluster_path: Path, name: str) -> list[Path]:
    """Other descriptions beside this one with the same metadata.name."""
    from kconf.lint.sources import CLUSTER_MARKER

    pattern = re.compile(_NAME_LINE.format(re.escape(name)), re.MULTILINE)
    try:
        candidates = sorted(p for p in cluster_path.parent.iterdir() if p.is_file() and p.name.endswith((".yaml", ".yml")))
    except OSError:
        return []
    found = []
    for candidate in candidates:
        if candidate.resolve() == cluster_path.resolve():
            continue
        text = _read(candidate).decode(errors="replace")[:65536]
        if CLUSTER_MARKER.search(text) and pattern.search(text):
            found.append(candidate)
    return found


def _matches(out: Path, rendered: dict[str, Any]) -> int:
    from kconf.render import holds_exactly

    return sum(1 for name, file in rendered.items() if holds_exactly(out / name, file.data) is True)


def _folder_owner(group: Group, rendered: dict[str, Any]) -> RawFinding | None:
    """None when the output folder is this description's; else the one
    output-folder-clash finding at its metadata.name. Of several descriptions
    with one metadata.name beside each other, the folder belongs to the one
    whose render matches most of its files (the first by file name on a tie)."""
    from kconf.description import load_cluster
    from kconf.render import render_files

    cluster, out, source = group.cluster, group.output_dir, group.cluster_file
    if cluster is None or out is None or source is None or source.view is None:
        return None
    siblings = _siblings(Path(cluster.path), cluster.name)
    if not siblings:
        return None
    ours = _matches(out, rendered)
    best: tuple[int, Path] | None = None
    for sibling in siblings:
        try:
            theirs = _matches(out, dict(render_files(load_cluster(str(sibling)))))
        except KconfError:
            continue
        before_us = str(sibling) < str(cluster.path)
        if theirs > ours or (theirs == ours and before_us):
            if best is None or theirs > best[0]:
                best = (theirs, sibling)
    if best is None:
        return None
    holds = "which holds its render" if best[0] == len(rendered) else "and kconf cannot tell which one it was rendered from"
    return RawFinding(
        CLASH, source.view.loc(("metadata", "name")),
        f"{best[1].name} has the same metadata.name {cluster.name!r} and renders into the same folder {out}, "
        f"{holds}: give this description its own metadata.name",
    )


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
    now: a file missing, a file kconf no longer renders (a removed node), a
    join script that lost its execute bit, or a file whose content differs.

    A file that is an earlier render of a description changed since gets one
    finding, "the description changed since it was rendered: run kconf
    render", at its first difference, and no other rule reports in it. A file
    edited by hand gets one finding per changed field (YAML, compared
    structurally) or block of lines (other files), at the line of the edit.
    Lint says "by hand" only with evidence of an edit: the file is newer than
    the description (modification times), or no description renders it:
    kconf's header altered; a key, directive or comment kconf never
    writes there, or its line with other spacing; a finding the file alone
    has and its render has not; or a contradiction with the rest of the
    folder (a value render writes here still stands in an up-to-date file, or
    an added line names what no other file knows). A field removed from a
    file is not such evidence: adding a field to the description looks the
    same. Only checked where the output folder exists: a description never
    rendered is not a finding.

    With `kconf lint --cluster CLUSTER FILE...`, each file fetched from a host
    (haproxy.cfg, a node's kubeadm config, the kubeadm-config ConfigMap) is
    compared with the file render writes for it; a `${KCONF_...}` placeholder
    matches the real secret, which is never shown.

    Why: the next `kconf render` silently undoes a hand edit, and until then
    the files and the description tell two different stories (the HAProxy
    backends drift from the real control-plane nodes).

    Fix: after a description change, run `kconf render`; after a hand edit,
    make the change in the description and re-render (or revert the edit).
    `kconf render --check` lists what differs."""
    if group.fetched:
        from kconf.lint.fetched import fetched_drift

        yield from fetched_drift(group)
        return
    yield from analyse(group).drift


def output_folder_clash(group: Group) -> Iterator[RawFinding]:
    """Two cluster descriptions in one folder have the same metadata.name, so
    both render into one output folder. Reported once, at the metadata.name of
    the description that does not own the folder: the folder belongs to the
    description whose render matches most of its files (on a tie, the first
    by file name); it alone is compared with the folder (rendered-drift).

    Why: each `kconf render` overwrites the other cluster's files, and lint
    would report one cluster's output as the other's hand edits.

    Fix: give each description its own metadata.name (or move one to a
    folder of its own)."""
    if group.fetched or group.in_memory or group.cluster is None or group.output_dir is None:
        return
    yield from analyse(group).clash


RULES = (
    Rule(
        RULE, ERROR, "a file in a cluster's output folder differs from what the description renders now", rendered_drift,
        reads=frozenset({COMPLETE}),  # what render writes needs all of the description
    ),
    Rule(
        CLASH, ERROR, "two descriptions in one folder with the same metadata.name render into one output folder",
        output_folder_clash, reads=frozenset({COMPLETE}),
    ),
)
