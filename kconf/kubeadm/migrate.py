"""``kconf migrate``: an offline ``kubeadm config migrate`` (kubeadm.k8s.io/v1beta3 -> v1beta4).

The conversion is kconf/kubeadm/convert.py's (the one from-configmap uses).
What this module adds is the file: its other documents (KubeletConfiguration,
KubeProxyConfiguration) stay byte for byte, and so do the comments, key order,
quoting and indentation of the converted ones, because the changes are made
in the text at the positions the parser reports:

- the apiVersion's ``v1beta3`` becomes ``v1beta4``;
- a map of flags becomes the list of ``{name, value}`` kubeadm sorts by
  name; each flag takes its comments along (the comment lines above it and
  the one at the end of its line), and its value keeps its quoting;
- a moved timeout leaves its place with its comments and is written, with
  them, under ``timeouts:`` at the end of the Init/JoinConfiguration (a
  mapping left empty reads ``{}``, as kubeadm writes it);
- an InitConfiguration that must be added (for the control-plane timeout of a
  file without one) is appended as a document of its own.

The edited document must load to exactly the data of the conversion. Where a
document is written in a shape these edits do not handle (flow style around a
moved field, aliases, a multi-line value), it is written anew from its data,
with a warning when that loses comments.

``migrate_text`` is the pure core; ``run_migrate`` the edge (read, write, print).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from kconf.errors import KconfError, format_field_path
from kconf.kubeadm.convert import (
    COMPONENT_CONFIGS,
    CONTROL_PLANE_HEALTH_CHECK,
    V1BETA3,
    V1BETA4,
    Plan,
    Timeout,
    apply_plan,
    kubernetes_minor,
    plan_v1beta4,
)
from kconf.yamlio import (
    ODD_LINE_BREAKS,
    Document,
    Lines,
    Position,
    TextEdit,
    apply_edits,
    block_scalar,
    dump_documents,
    flow_scalar,
    has_comment,
    load_documents,
    value_at,
)
from kconf.yamlio import Path as FieldPath

Echo = Callable[..., Any]
TARGETS = ("v1beta4",)


@dataclass(frozen=True)
class Migration:
    text: str
    converted: tuple[str, ...] = ()  # kinds converted, in file order
    kept: tuple[str, ...] = ()  # component configs, as they were
    added: tuple[str, ...] = ()  # kinds added
    warnings: tuple[str, ...] = ()
    already: bool = False  # the file was v1beta4 already: nothing changed


class _Unsupported(Exception):
    """A shape the text edits do not handle; the document is written anew."""


# --- what the file holds ---------------------------------------------------------------


@dataclass(frozen=True)
class _View:
    """A Document as split_issues reads it."""

    document: Document

    @property
    def data(self) -> Any:
        return self.document.data


def _kind_name(data: dict[str, Any]) -> str:
    kind = data.get("kind")
    return kind if isinstance(kind, str) else "?"


def _not_ours(data: dict[str, Any]) -> str:
    known = "; ".join(f"{api} {kind}" for api, kind in COMPONENT_CONFIGS.items())
    return (
        f"apiVersion {data.get('apiVersion')!r} kind {data.get('kind')!r} is neither a kubeadm configuration "
        f"({V1BETA3}) nor a component config kubeadm reads ({known}); kubeadm config migrate refuses the file too"
    )


def _classify(document: Document, path: str) -> str:
    """``v1beta3``, ``v1beta4`` or ``component``; anything else is an error."""
    from kconf.kubeadm.schema import check_document, is_kubeadm_document

    data = document.data
    if not isinstance(data, dict):
        raise KconfError(
            f"a kubeadm config document is a mapping, this one is {type(data).__name__}", path, document.start.line
        )
    api_version = data.get("apiVersion")
    if api_version in (V1BETA3, V1BETA4):
        return str(api_version).rpartition("/")[2]
    if is_kubeadm_document(data) or api_version is None:
        for issue in check_document(data):
            raise KconfError(issue.message, path, document.line(issue.path, key=True), issue.path)
    if isinstance(api_version, str) and COMPONENT_CONFIGS.get(api_version) == data.get("kind"):
        return "component"
    raise KconfError(_not_ours(data), path, document.line(("apiVersion",)), ("apiVersion",))


def _check_versions(documents: Sequence[Document], classes: Sequence[str], path: str) -> None:
    found = {c: d for d, c in zip(documents, classes, strict=True) if c in ("v1beta3", "v1beta4")}
    if not found:
        raise KconfError(
            f"holds no kubeadm configuration ({V1BETA3} InitConfiguration, ClusterConfiguration or "
            "JoinConfiguration): nothing to migrate",
            path, documents[0].start.line if documents else 1,
        )
    if len(found) == 2:
        old, new = found["v1beta3"], found["v1beta4"]
        raise KconfError(
            f"mixes {V1BETA3} (line {old.line(('apiVersion',))}) and {V1BETA4} (line {new.line(('apiVersion',))}): "
            "kconf migrate converts a v1beta3 file; make every kubeadm document of this file v1beta3 (or split it)",
            path, new.line(("apiVersion",)), ("apiVersion",),
        )


def _version_warning(data: Sequence[Any], documents: Sequence[Document], path: str) -> list[str]:
    minor = kubernetes_minor(data)
    if minor is None or minor >= (1, 31):
        return []
    cluster = next(d for d in documents if isinstance(d.data, dict) and d.data.get("kind") == "ClusterConfiguration")
    where = KconfError("", path, cluster.line(("kubernetesVersion",)), ("kubernetesVersion",))
    shown = f"{minor[0]}.{minor[1]}"
    if minor == (1, 30):
        advice = "kubeadm 1.30 does not read v1beta4: use this file with kubeadm 1.31 (it deploys 1.30), or keep the v1beta3 file"
    else:
        advice = f"no kubeadm that reads v1beta4 (1.31 and newer) deploys Kubernetes {shown}: keep the v1beta3 file"
    return [f"{str(where).removesuffix(': ')}: Kubernetes {shown} with {V1BETA4}: {advice}"]


# --- the text edits --------------------------------------------------------------------


@dataclass(frozen=True)
class _Carried:
    """A moved field as it was written: its comment lines, its value, and
    the rest of its line (white space and a comment)."""

    comments: tuple[str, ...]
    value: str
    trailing: str


def _indent_step(document: Document) -> int:
    """The indentation of the first nested block mapping, 2 when there is none."""
    spans = document.spans
    for key_path, position in sorted(document.keys.items(), key=lambda kv: kv[1]):
        parent = key_path[:-1]
        if len(key_path) == 2 and parent in document.keys and spans is not None and parent not in spans.flow:
            step = position.column - document.keys[parent].column
            if step > 0:
                return step
    return 2


def _compact_sequences(documents: Sequence[Document]) -> bool:
    """Whether the file writes block sequences under a key at the key's own
    indentation (``key:\\n- a``, go-yaml's style, kubeadm's output) rather
    than indented (``key:\\n  - a``, kconf's style)."""
    compact = indented = 0
    for document in documents:
        spans = document.spans
        if spans is None or not isinstance(document.data, dict):
            continue
        for key_path, key_position in document.keys.items():
            item = document.values.get(key_path + (0,))
            if item is None or key_path in spans.flow or item.line == key_position.line:
                continue
            if isinstance(value_at(document.data, key_path), list):
                if item.column - 2 == key_position.column:
                    compact += 1
                else:
                    indented += 1
    return compact > indented


class _Editor:
    """The text edits of one document, at file offsets."""

    def __init__(self, lines: Lines, document: Document, compact: bool) -> None:
        self.lines = lines
        self.document = document
        spans = document.spans
        assert spans is not None
        self.spans = spans
        self.compact = compact
        self.edits: list[TextEdit] = []
        self.deleted: set[int] = set()  # lines removed

    # reading ------------------------------------------------------------------------
    def text(self, start: Position, end: Position) -> str:
        return self.lines.text[self.lines.offset(start) : self.lines.offset(end)]

    def value_text(self, path: FieldPath) -> str:
        return self.text(self.document.values[path], self.spans.value_ends[path])

    def key_text(self, path: FieldPath) -> str:
        return self.text(self.document.keys[path], self.spans.key_ends[path])

    def one_line_entry(self, path: FieldPath) -> tuple[Position, Position]:
        """(key start, value end) of a ``key: scalar`` written on one line."""
        key = self.document.keys.get(path)
        end = self.spans.value_ends.get(path)
        value = self.document.values.get(path)
        if key is None or end is None or value is None or path in self.spans.block_scalars:
            raise _Unsupported(f"{format_field_path(path)} is not a plain key: value")
        if not key.line == value.line == end.line:
            raise _Unsupported(f"{format_field_path(path)} is written over several lines")
        return key, end

    def rest_of_line(self, end: Position) -> str:
        """What follows a value on its line: white space and a comment, or nothing."""
        rest = self.lines[end.line][end.column - 1 :]
        if rest.strip() and not rest.strip().startswith("#"):
            raise _Unsupported(f"line {end.line} holds more after the value")
        return rest.rstrip() if rest.strip() else ""

    def comments_above(self, line: int) -> list[int]:
        """The comment lines right above ``line`` (up to a blank or a content line)."""
        found: list[int] = []
        above = line - 1
        while above >= 1 and self.lines[above].strip().startswith("#"):
            found.insert(0, above)
            above -= 1
        return found

    def carried(self, path: FieldPath) -> _Carried:
        key, end = self.one_line_entry(path)
        comments = tuple(self.lines[n].strip() for n in self.comments_above(key.line))
        return _Carried(comments, self.value_text(path), self.rest_of_line(end))

    def block(self, path: FieldPath) -> None:
        if path in self.spans.flow:
            raise _Unsupported(f"{format_field_path(path) or 'the document'} is in flow style")

    # edits --------------------------------------------------------------------------
    def replace(self, start: int, end: int, text: str) -> None:
        self.edits.append(TextEdit(start, end, text))

    def api_version(self) -> None:
        path = ("apiVersion",)
        text = self.value_text(path)
        if text.count(V1BETA3) != 1:
            raise _Unsupported("the apiVersion is written with escapes")
        start = self.lines.offset(self.document.values[path])
        self.replace(start, start + len(text), text.replace(V1BETA3, V1BETA4))

    def _name(self, path: FieldPath, flow: bool) -> str:
        written = self.key_text(path)
        if written[:1] in ("'", '"') and "\n" not in written:
            return written
        name = path[-1]
        return flow_scalar(name) if flow else block_scalar(name)

    def flags(self, path: FieldPath, flags: dict[str, str]) -> None:
        """A map of flags -> the list of {name, value} sorted by name."""
        names = sorted(flags)
        if path in self.spans.flow:
            start, end = self.document.values[path], self.spans.value_ends[path]
            written = self.text(start, end)
            if "\n" in written and has_comment(written):
                raise _Unsupported(f"{format_field_path(path)} is a flow mapping with comments inside")
            items = []
            for name in names:
                value = self.value_text(path + (name,))
                if "\n" in value:
                    value = flow_scalar(flags[name])
                items.append(f"{{name: {self._name(path + (name,), True)}, value: {value}}}")
            self.replace(self.lines.offset(start), self.lines.offset(end), "[" + ", ".join(items) + "]")
            return
        if not names:
            raise _Unsupported(f"{format_field_path(path)} is an empty block mapping")
        key_line = self.document.keys[path].line
        entries = {name: self.one_line_entry(path + (name,)) for name in names}
        columns = {key.column for key, _ in entries.values()}
        if len(columns) != 1:
            raise _Unsupported(f"the flags of {format_field_path(path)} are not aligned")
        column = self.document.keys[path].column if self.compact else columns.pop()
        indent = " " * (column - 1)
        by_line = sorted(names, key=lambda n: entries[n][0].line)
        leading: dict[str, list[str]] = {}
        previous = key_line
        for name in by_line:
            line = entries[name][0].line
            leading[name] = [self.lines[n] for n in range(previous + 1, line)]
            previous = line
        newline = self.lines.newline
        out: list[str] = []
        for name in names:
            key, end = entries[name]
            out.extend(line + newline for line in leading[name])
            out.append(f"{indent}- name: {self._name(path + (name,), False)}{newline}")
            out.append(f"{indent}  value: {self.value_text(path + (name,))}{self.rest_of_line(end)}{newline}")
        last = entries[by_line[-1]][0].line
        self.replace(self.lines.start(key_line + 1), self.lines.start(last + 1), "".join(out))

    def remove(self, path: FieldPath, emptied: bool) -> None:
        """Take out a ``key: value`` line with the comment lines above it;
        an ``emptied`` parent mapping then reads ``{}``."""
        self.block(path[:-1])
        key, _ = self.one_line_entry(path)
        first = (self.comments_above(key.line) or [key.line])[0]
        self.replace(self.lines.start(first), self.lines.start(key.line + 1), "")
        self.deleted.update(range(first, key.line + 1))
        if emptied:
            parent = path[:-1]
            key_end = self.spans.key_ends[parent]
            line = self.lines[key_end.line]
            colon = line.find(":", key_end.column - 1)
            if colon < 0 or line[key_end.column - 1 : colon].strip():
                raise _Unsupported(f"no ':' after {format_field_path(parent)}")
            at = self.lines.start(key_end.line) + colon + 1
            self.replace(at, at, " {}")

    def last_content_line(self) -> int:
        lines: set[int] = set()
        for position in [*self.document.keys.values(), *self.document.values.values()]:
            lines.add(position.line)
        for path, end in self.spans.value_ends.items():
            if path in self.spans.flow or path in self.spans.block_scalars or not isinstance(value_at(self.document.data, path), (dict, list)):
                lines.add(end.line - 1 if end.column == 1 else end.line)
        kept = [line for line in lines if line not in self.deleted]
        if not kept:
            raise _Unsupported("no line left to write timeouts after")
        return max(kept)

    def add_timeouts(self, timeouts: Sequence[tuple[Timeout, _Carried]]) -> None:
        self.block(())
        last = self.last_content_line()
        indent = " " * (self.document.keys[("kind",)].column - 1)
        step = " " * _indent_step(self.document)
        newline = self.lines.newline
        at = self.lines.start(last + 1)
        head = "" if self.lines.text[:at].endswith("\n") else newline
        self.replace(at, at, head + timeouts_block(timeouts, indent, step, newline))


def timeouts_block(timeouts: Sequence[tuple[Timeout, _Carried]], indent: str, step: str, newline: str) -> str:
    out = [f"{indent}timeouts:{newline}"]
    for timeout, carried in timeouts:
        out.extend(f"{indent}{step}{comment}{newline}" for comment in carried.comments)
        out.append(f"{indent}{step}{timeout.key}: {carried.value}{carried.trailing}{newline}")
    return "".join(out)


# --- documents and chunks ---------------------------------------------------------------


def _chunks(lines: Lines) -> list[tuple[int, int]]:
    """(first line, last line) of each piece kubeadm's splitter makes: the
    lines between those that start with ``---``."""
    pieces: list[tuple[int, int]] = []
    first = 1
    for number in range(1, len(lines) + 1):
        if lines[number].startswith("---"):
            pieces.append((first, number - 1))
            first = number + 1
    pieces.append((first, len(lines)))
    return pieces


@dataclass
class _Job:
    """One converted document, where it is, and what becomes of it."""

    document: Document
    chunk: tuple[int, int]
    expected: Any
    edits: list[TextEdit] = field(default_factory=list)
    problem: str | None = None


def _carried(editors: dict[int, _Editor], documents: Sequence[Document], timeout: Timeout) -> _Carried:
    index, path = timeout.source
    editor = editors.get(index)
    try:
        if editor is None:
            raise _Unsupported("")
        return editor.carried(path)
    except (_Unsupported, KeyError):
        return _Carried((), block_scalar(timeout.value), "")


def _plan_edits(plan: Plan, documents: Sequence[Document], lines: Lines, jobs: dict[int, _Job]) -> str:
    """Fill in each job's edits (or its problem); returns the text of the
    InitConfiguration to append, or ""."""
    compact = _compact_sequences(documents)
    editors = {index: _Editor(lines, job.document, compact) for index, job in jobs.items() if job.problem is None}
    removed_by_parent: dict[tuple[int, FieldPath], list[FieldPath]] = {}
    for index, path in plan.removed:
        removed_by_parent.setdefault((index, path[:-1]), []).append(path)
    timeouts = dict(plan.timeouts)
    for index, editor in editors.items():
        job = jobs[index]
        try:
            editor.api_version()
            for arg_index, path in plan.args:
                if arg_index == index:
                    editor.flags(path, value_at(job.document.data, path))
            for (removed_index, parent), paths in removed_by_parent.items():
                if removed_index == index:
                    emptied = set(value_at(job.document.data, parent)) == {p[-1] for p in paths}
                    for path in paths:
                        editor.remove(path, emptied and path == paths[-1])
            if index in timeouts:
                editor.add_timeouts([(t, _carried(editors, documents, t)) for t in timeouts[index]])
        except _Unsupported as exc:
            job.problem = str(exc)
            continue
        except KeyError as exc:  # a position the parser did not record: a shape not foreseen
            job.problem = f"no position for {exc}"
            continue
        job.edits = editor.edits
    if not plan.new_init:
        return ""
    return _new_init_text([(t, _carried(editors, documents, t)) for t in plan.new_init], lines)


def _new_init_text(timeouts: Sequence[tuple[Timeout, _Carried]], lines: Lines) -> str:
    newline = lines.newline
    head = "" if not lines.text or lines.text.endswith("\n") else newline
    note = (
        f"# Added by kconf migrate: {V1BETA4} keeps the ClusterConfiguration's "
        f"apiServer.timeoutForControlPlane here, as timeouts.{CONTROL_PLANE_HEALTH_CHECK}.{newline}"
    )
    return (
        f"{head}---{newline}{note}apiVersion: {V1BETA4}{newline}kind: InitConfiguration{newline}"
        + timeouts_block(timeouts, "", "  ", newline)
    )


def _loads_to(text: str, path: str, expected: Any) -> bool:
    try:
        found = [d.data for d in load_documents(text, path) if d.data is not None]
    except KconfError:
        return False
    return found == [expected]


def _rewrite(job: _Job, lines: Lines, path: str) -> tuple[str, str | None]:
    """The chunk's new text and, when its comments could not be kept, a warning."""
    first, last = job.chunk
    start, end = lines.start(first), lines.start(last + 1)
    chunk = lines.text[start:end]
    if job.problem is None:
        edited = apply_edits(chunk, [TextEdit(e.start - start, e.end - start, e.text) for e in job.edits])
        if _loads_to(edited, path, job.expected):
            return edited, None
        job.problem = "the edited text did not read back as the converted data"
    root = job.document.values.get((), job.document.start).line
    head = lines.text[start : lines.start(root)]
    body = lines.text[lines.start(root) : end]
    newline = lines.newline
    fresh = head + dump_documents([job.expected]).replace("\n", newline)
    if not chunk.endswith("\n") and end == len(lines.text):
        fresh = fresh.removesuffix(newline)
    warning = None
    if has_comment(body):
        kind = _kind_name(job.expected)
        warning = (
            f"{path}:{root}: {kind}: written anew from its data ({job.problem}), so its comments are lost; "
            "compare it with the original"
        )
    return fresh, warning


def _edited_text(plan: Plan, documents: Sequence[Document], expected: list[Any], lines: Lines, path: str) -> tuple[str, list[str]]:
    chunks = _chunks(lines)
    jobs: dict[int, _Job] = {}
    for index in plan.converted:
        document = documents[index]
        root = document.values.get((), document.start).line
        chunk = next(c for c in chunks if c[0] <= root <= c[1])
        problem = None
        if ODD_LINE_BREAKS.search(lines.text):
            problem = "the file has line breaks other than LF and CRLF"
        elif document.spans is None or document.spans.shared:
            problem = "it uses anchors, aliases or merge keys"
        jobs[index] = _Job(document, chunk, expected[index], problem=problem)
    added = _plan_edits(plan, documents, lines, jobs)
    warnings: list[str] = []
    pieces: list[TextEdit] = []
    for job in jobs.values():
        text, warning = _rewrite(job, lines, path)
        pieces.append(TextEdit(lines.start(job.chunk[0]), lines.start(job.chunk[1] + 1), text))
        if warning:
            warnings.append(warning)
    pieces.append(TextEdit(len(lines.text), len(lines.text), added))
    return apply_edits(lines.text, pieces), warnings


# --- the core ---------------------------------------------------------------------------


def migrate_text(text: str, path: str, to_version: str = "v1beta4") -> Migration:
    """A kubeadm config file (v1beta3) as v1beta4. Raises KconfError for a
    file kconf cannot migrate, naming the line."""
    from kconf.kubeadm.schema import split_issues

    if to_version not in TARGETS:
        raise KconfError(f"--to {to_version}: kconf migrates only to {' or '.join(TARGETS)}")
    documents = [d for d in load_documents(text, path, spans=True) if d.data is not None]
    if not documents:
        raise KconfError("the file holds no YAML document: expected a kubeadm config file", path, 1)
    for line, message in split_issues(text, [_View(d) for d in documents]):
        raise KconfError(message, path, line)
    classes = [_classify(d, path) for d in documents]
    _check_versions(documents, classes, path)
    kinds = [_kind_name(d.data) for d in documents]
    kept = tuple(k for k, c in zip(kinds, classes, strict=True) if c == "component")
    if "v1beta3" not in classes:
        return Migration(text, kept=kept, already=True)

    def error(index: int, field_path: FieldPath, message: str) -> KconfError:
        return KconfError(message, path, documents[index].line(field_path, key=True), field_path)

    data = [d.data for d in documents]
    plan = plan_v1beta4(data, error)
    expected = apply_plan(plan, data)
    new_text, warnings = _edited_text(plan, documents, expected, Lines(text), path)
    found = [d.data for d in load_documents(new_text, path) if d.data is not None]
    if found != expected or split_issues(new_text, [_View(d) for d in load_documents(new_text, path) if d.data is not None]):
        raise AssertionError(f"kconf migrate wrote a file that does not read back as the converted documents ({path})")
    return Migration(
        new_text,
        converted=tuple(kinds[i] for i in plan.converted),
        kept=kept,
        added=("InitConfiguration",) if plan.new_init else (),
        warnings=tuple(_version_warning(data, documents, path) + warnings),
    )


# --- the edge ---------------------------------------------------------------------------


def summary(migration: Migration, source: str, output: str | None, in_place: bool) -> str:
    if migration.already:
        done = f"kconf: {source} is already {V1BETA4}: nothing to migrate"
        return done + (f"; copied it to {output}" if output is not None else "")
    line = f"kconf: {source}: migrated {', '.join(migration.converted)} to {V1BETA4}"
    if migration.added:
        line += f"; added an InitConfiguration for timeouts.{CONTROL_PLANE_HEALTH_CHECK}"
    if migration.kept:
        line += f"; kept as they are: {', '.join(migration.kept)}"
    if in_place:
        line += "; rewrote the file"
    elif output is not None:
        line += f"; wrote {output}"
    return line


def run_migrate(source: str, *, to_version: str, output: str | None, in_place: bool, echo: Echo) -> int:
    """``kconf migrate``: exit 0, or KconfError (exit 2) with nothing written."""
    from kconf.fsio import read_bytes, write_file, write_in_place
    from kconf.lint.engine import gate_output
    from kconf.yamlio import decode

    if output is not None and in_place:
        raise KconfError("-o/--output and --in-place cannot be used together")
    if in_place and source == "-":
        raise KconfError("--in-place needs a file, not standard input")
    raw = read_bytes(source)
    display = "<stdin>" if source == "-" else source
    migration = migrate_text(decode(raw, display), display, to_version)
    for warning in migration.warnings:
        echo(f"kconf: warning: {warning}", err=True)
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    data = bom + migration.text.encode("utf-8")
    note = gate_output(output or (source if source != "-" else "migrated.yaml"), data, display, raw, echo, source if in_place else output)
    if note == 1:
        return 1  # kconf writes nothing its lint rules refuse: the findings are on stderr
    if in_place:
        if not migration.already:
            write_in_place(FilePath(source), data)
    elif output is not None:
        write_file(FilePath(output), data)
    else:
        echo(data, nl=False)
    if isinstance(note, str):
        echo(note, err=True)
    echo(summary(migration, display, output, in_place), err=True)
    return 0

