"""``kconf calico patch``: set the pool CIDR and IP autodetection in an upstream calico.yaml.

The edit is structural but byte-preserving: only the lines of the two env items
change, everything else stays as the user has it, byte for byte.

How: the manifest is split into documents on ``---`` marker lines (a ``---`` at
column 0 always starts a document, even inside a scalar, so this split is
exact); only documents whose text mentions ``kind: DaemonSet`` and
``calico-node`` are parsed (ruamel.yaml is pure Python here: the whole 350 KB
file would cost ~0.65 s, one document ~15 ms). Positions from that parse locate
the calico-node container's ``env`` items; the edit then replaces, uncomments or
inserts lines of text. Anything written in a shape kconf cannot edit with
certainty (flow style, anchors, ``valueFrom``, multi-line values, duplicates)
is an error naming the line. Finally the edited document is parsed again and
must load to exactly the intended data, or nothing is emitted.

Public API
----------
``patch_manifest(text, path, pod_cidr, autodetect) -> PatchResult``
    The pure core (no I/O). ``autodetect=None`` leaves IP_AUTODETECTION_METHOD
    as it is. Raises KconfError (path and line) for a bad CIDR or method, a
    file without exactly one calico-node DaemonSet, or an env list it cannot
    edit safely. ``PatchResult.warnings`` are messages for stderr.
``find_calico_node(text, path) -> CalicoNodeEnv | None``
    For the linter and renderer: the calico-node DaemonSet's calico-node
    container, its image and its env entries (name, value, line), with file
    line numbers. None when the file holds no calico-node DaemonSet; KconfError
    when it holds several, or the DaemonSet has no (single) calico-node container.
``calico_version(image) -> tuple[int, int] | None``
    ``quay.io/calico/node:v3.32.1`` -> ``(3, 32)``.
``run_patch(manifest, pod_cidr, autodetect, *, output, in_place, echo) -> int``
    The CLI edge: read (``-`` = stdin), patch, print warnings, write stdout,
    ``-o FILE`` or ``--in-place`` (atomic, file mode kept).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from kconf.errors import KconfError

if TYPE_CHECKING:
    from kconf.yamlio import Document, Path

from kconf.calico import AUTODETECT_NAME, CIDR_NAME  # noqa: E402  (names shared with lint)

__all__ = ["AUTODETECT_NAME", "CIDR_NAME", "CalicoNodeEnv", "EnvEntry", "PatchResult", "calico_version", "find_calico_node", "patch_manifest", "run_patch"]
CONTAINER_NAME = "calico-node"
_CONTAINERS: tuple[str, ...] = ("spec", "template", "spec", "containers")

# A document marker: ``---`` at column 0 followed by white space or the end of the line.
_MARKER = re.compile(r"^---(?=[ \t\r]|$)", re.MULTILINE)
# Cheap pre-filter: a document can only be the DaemonSet if its text says so.
_DAEMONSET_KIND = re.compile(r"""["']?\bkind["']?[ \t]*:[ \t]*(?:![^ \t]*[ \t]+)?["']?DaemonSet\b""")
# Line breaks other than \n and \r\n would make ruamel's line numbers differ from ours.
_ODD_BREAKS = re.compile(r"\r(?!\n)|[\x85\u2028\u2029]")
_COMMENTED_NAME = re.compile(
    r"^ *# *- +name: *(?P<q>[\"']?)" + CIDR_NAME + r"(?P=q) *$"
)
_COMMENTED_VALUE = re.compile(r"^ *# *value: *(?P<value>.*?) *$")
_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/=,*+-]*$")  # no ":" (a trailing one starts a mapping)
_TRAILER = re.compile(r"^[ \t]*(?:#.*)?\r?$")


class Echo(Protocol):
    """click.echo's shape: what run_patch prints through."""

    def __call__(self, message: str | bytes, *, err: bool = ..., nl: bool = ...) -> Any: ...


@dataclass(frozen=True)
class EnvEntry:
    """One item of the calico-node env list. ``value`` is as loaded (normally a
    str; None when the item has no ``value``, e.g. it uses ``valueFrom``)."""

    name: str
    value: object
    line: int  # 1-based line of the item (its ``- name:``)
    value_from: bool = False


@dataclass(frozen=True)
class CalicoNodeEnv:
    """The calico-node DaemonSet's calico-node container, located in the text.

    ``document`` holds positions relative to the document's own text; add
    ``line_offset`` (or use ``line()``) for file lines."""

    path: str
    document: Document
    chunk_index: int  # which ``---``-separated piece of the file holds it
    first_line: int  # 0-based index of that piece's first line in the file
    end_line: int  # 0-based index just past its last line
    container_path: Path
    image: str | None
    entries: tuple[EnvEntry, ...]
    piece_data: tuple[object, ...] = ()  # every document of that piece (normally just this one)

    @property
    def line_offset(self) -> int:
        """File line = document line + line_offset."""
        return self.first_line

    def line(self, path: Sequence[str | int], *, key: bool = False) -> int:
        return self.document.line(tuple(path), key=key) + self.line_offset

    @property
    def daemonset_line(self) -> int:
        return self.line(("kind",), key=True)

    @property
    def container_line(self) -> int:
        return self.line(self.container_path)

    @property
    def image_line(self) -> int:
        return self.line(self.container_path + ("image",))

    @property
    def env_path(self) -> Path:
        return self.container_path + ("env",)

    @property
    def env_line(self) -> int | None:
        """The line of the ``env:`` key; None when the container has no env."""
        return self.line(self.env_path, key=True) if self.env_path in self.document.keys else None

    def entry(self, name: str) -> EnvEntry | None:
        """The first env entry called ``name``."""
        return next((e for e in self.entries if e.name == name), None)


@dataclass(frozen=True)
class PatchResult:
    text: str
    warnings: list[str] = field(default_factory=list)
    changed_lines: int = 0  # removed + added lines, as `diff | grep -c '^[<>]'` counts them


# --- locating the DaemonSet ---------------------------------------------------------------


def _split(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each document's text, marker line included."""
    starts = [m.start() for m in _MARKER.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return list(zip(starts, starts[1:] + [len(text)]))


def _is_calico_node(data: object) -> bool:
    if not isinstance(data, dict) or data.get("kind") != "DaemonSet":
        return False
    metadata = data.get("metadata")
    return isinstance(metadata, dict) and metadata.get("name") == CONTAINER_NAME


def _load_chunk(chunk: str, path: str, offset: int) -> list[Document]:
    from kconf.yamlio import load_documents

    try:
        return load_documents(chunk, path)
    except KconfError as exc:
        line = exc.line + offset if exc.line is not None else None
        raise KconfError(exc.message, path, line, exc.field) from None


class _Found(NamedTuple):
    document: Document
    piece: int  # index of the ``---``-separated piece that holds it
    first_line: int  # 0-based index of the piece's first line
    end_line: int  # 0-based index just past the piece's last line
    piece_data: tuple[object, ...]  # every document of the piece


def _candidates(text: str, path: str) -> list[_Found]:
    """Every calico-node DaemonSet in the file."""
    found: list[_Found] = []
    line_index = 0
    for chunk_index, (start, end) in enumerate(_split(text)):
        chunk = text[start:end]
        lines_here = chunk.count("\n")
        partial = 0 if chunk.endswith("\n") else 1
        if CONTAINER_NAME in chunk and _DAEMONSET_KIND.search(chunk):
            odd = _ODD_BREAKS.search(chunk)
            if odd:
                line = line_index + chunk.count("\n", 0, odd.start()) + 1
                raise KconfError(
                    "a line break other than LF or CRLF in the calico-node DaemonSet; "
                    "kconf cannot edit it safely",
                    path,
                    line,
                )
            docs = _load_chunk(chunk, path, line_index)
            piece_data = tuple(d.data for d in docs)
            for doc in docs:
                if _is_calico_node(doc.data):
                    found.append(_Found(doc, chunk_index, line_index, line_index + lines_here + partial, piece_data))
        line_index += lines_here
    return found


def _get(data: Any, path: Sequence[str | int]) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[part] if isinstance(part, int) else data.get(part)
    return data


def _container_index(doc: Document, path: str, offset: int) -> int:
    """Index of the one container named calico-node in the DaemonSet."""
    containers = _get(doc.data, _CONTAINERS)
    if not isinstance(containers, list):
        raise KconfError(
            "the calico-node DaemonSet has no spec.template.spec.containers list",
            path,
            doc.line(_CONTAINERS) + offset,
        )
    indexes = [
        i for i, c in enumerate(containers) if isinstance(c, dict) and c.get("name") == CONTAINER_NAME
    ]
    if len(indexes) != 1:
        what = "no container" if not indexes else f"{len(indexes)} containers"
        raise KconfError(
            f"the calico-node DaemonSet has {what} named calico-node",
            path,
            doc.line(_CONTAINERS + ((indexes[1],) if indexes else ())) + offset,
        )
    return indexes[0]


def _entries(doc: Document, env_path: Path, path: str, offset: int) -> tuple[EnvEntry, ...]:
    env = _get(doc.data, env_path)
    if env is not None and not isinstance(env, list):
        raise KconfError("the calico-node container's env is not a list", path, doc.line(env_path) + offset)
    return tuple(
        EnvEntry(item["name"], item.get("value"), doc.line(env_path + (i,)) + offset, "valueFrom" in item)
        for i, item in enumerate(env or [])
        if isinstance(item, dict) and isinstance(item.get("name"), str)
    )


def find_calico_node(text: str, path: str) -> CalicoNodeEnv | None:
    """The calico-node DaemonSet's calico-node container and env, or None when
    the file has no calico-node DaemonSet. Raises KconfError when it has more
    than one, or the DaemonSet has no single calico-node container."""
    found = _candidates(text, path)
    if not found:
        return None
    if len(found) > 1:
        first, second = found[0], found[1]
        raise KconfError(
            f"more than one calico-node DaemonSet (the first is at line "
            f"{first.document.line(('kind',), key=True) + first.first_line}); kconf patches exactly one",
            path,
            second.document.line(("kind",), key=True) + second.first_line,
        )
    doc, offset = found[0].document, found[0].first_line
    container_path: Path = _CONTAINERS + (_container_index(doc, path, offset),)
    image = _get(doc.data, container_path + ("image",))
    return CalicoNodeEnv(
        path=path,
        document=doc,
        chunk_index=found[0].piece,
        first_line=offset,
        end_line=found[0].end_line,
        container_path=container_path,
        image=image if isinstance(image, str) else None,
        entries=_entries(doc, container_path + ("env",), path, offset),
        piece_data=found[0].piece_data,
    )


def calico_version(image: str | None) -> tuple[int, int] | None:
    """(major, minor) from a calico/node image tag, e.g. ``docker.io/calico/node:v3.20.1``."""
    if not image:
        return None
    name = image.rsplit("/", 1)[-1].split("@", 1)[0]
    match = re.match(r"^v?(\d+)\.(\d+)", name.partition(":")[2])
    return (int(match.group(1)), int(match.group(2))) if match else None


# --- the text edit -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """An env item as laid out in the text (0-based line indexes and columns)."""

    index: int
    name: object
    first: int  # the ``- name:`` line
    last: int  # its last line that is neither blank nor a comment
    dash_col: int
    key_col: int


@dataclass
class _Edit:
    start: int  # 0-based line index; lines [start, end) are replaced by ``lines``
    end: int
    lines: list[str]
    new_item: dict[str, str] | None = None  # an item this edit adds to the env list
    order: int = 0


def _unsafe(message: str, path: str, line: int) -> KconfError:
    return KconfError(f"{message}; kconf cannot edit it safely", path, line)


def _content(line: str) -> str:
    return line.rstrip("\r").strip()


def _is_content(line: str) -> bool:
    stripped = _content(line)
    return bool(stripped) and not stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _list_end(lines: list[str], start: int, stop: int, dash_col: int) -> int:
    """The first line from ``start`` that is no longer part of a block list
    whose dashes stand at ``dash_col``: content indented less, or as much but
    not a list item."""
    for index in range(start, stop):
        text = lines[index]
        if _is_content(text) and (
            _indent(text) < dash_col or (_indent(text) == dash_col and not text.lstrip(" ").startswith("-"))
        ):
            return index
    return stop


def _layout(node: CalicoNodeEnv, lines: list[str]) -> tuple[list[_Item], int]:
    """The env items and the 0-based line index just past the env list; raises
    when the list is not a plain block sequence of block mappings."""
    doc, path, offset = node.document, node.path, node.line_offset
    env = _get(doc.data, node.env_path)
    env_key_line = node.line(node.env_path, key=True)
    if not isinstance(env, list) or not env:
        raise _unsafe("the calico-node container has no env items", path, env_key_line)
    seq = doc.values[node.env_path]
    seq_text = lines[seq.line - 1 + offset]
    if seq_text[seq.column - 1 : seq.column] != "-":
        shape = "in flow style ([...])" if seq_text[seq.column - 1 :].startswith("[") else "not a plain block list"
        raise _unsafe(f"the env list of the calico-node container is {shape}", path, seq.line + offset)
    dash_col = seq.column - 1
    items: list[_Item] = []
    for i, entry in enumerate(env):
        pos = doc.values.get(node.env_path + (i,))
        line_no = (pos.line if pos else seq.line) + offset
        if pos is None or not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise _unsafe(f"env item {i + 1} is not a mapping with a name", path, line_no)
        text = lines[line_no - 1]
        key_col = pos.column - 1
        if not re.fullmatch(" " * dash_col + "- +", text[:key_col]) or text[key_col : key_col + 1] in "{[*&!|>\"'":
            raise _unsafe(f"env item {entry['name']!r} is not written as `- name: ...`", path, line_no)
        items.append(_Item(i, entry["name"], line_no - 1, line_no - 1, dash_col, key_col))
    end = _list_end(lines, items[-1].first + 1, node.end_line, dash_col)
    spans = [item.first for item in items[1:]] + [end]
    for n, (item, stop) in enumerate(zip(items, spans)):
        last = max(i for i in range(item.first, stop) if i == item.first or _is_content(lines[i]))
        items[n] = _Item(item.index, item.name, item.first, last, item.dash_col, item.key_col)
    return items, end


def _style(text: str) -> str:
    return {'"': "double", "'": "single"}.get(text[:1], "plain")


def _format(value: str, style: str) -> str:
    """``value`` as a YAML scalar in ``style``, falling back to double quotes."""
    from kconf.yamlio import resolve_plain

    if style == "plain" and _PLAIN_SAFE.match(value) and resolve_plain(value) == value:
        return value
    printable = all(" " <= ch and ch != "\x7f" for ch in value)
    if style == "single" and printable:
        return "'" + value.replace("'", "''") + "'"
    out = []
    for ch in value:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch < " " or ch == "\x7f":
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _scalar_end(text: str, col: int) -> int | None:
    """The column just past a one-line scalar starting at ``col``, or None when
    it does not end on this line (or is a block scalar, alias, tagged...)."""
    first = text[col : col + 1]
    if first == '"':
        i = col + 1
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == '"':
                return i + 1
            i += 1
        return None
    if first == "'":
        i = col + 1
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        return None
    if not first or first in "|>&*!{[#":
        return None
    match = re.search(r"[ \t]#", text[col:])
    stop = col + match.start() if match else len(text)
    return len(text[:stop].rstrip(" \t\r"))


def _line_ending(line: str) -> str:
    return "\r" if line.endswith("\r") else ""


def _replace_value(
    node: CalicoNodeEnv, lines: list[str], item: _Item, value: str
) -> _Edit | None:
    """Replace the one-line ``value:`` of an existing item; None when it already holds ``value``."""
    entry = _get(node.document.data, node.env_path + (item.index,))
    line_no = item.first + 1
    if "valueFrom" in entry:
        raise _unsafe(f"{item.name} is set with valueFrom", node.path, line_no)
    if set(entry) - {"name", "value"}:
        raise _unsafe(f"{item.name} has keys other than name and value", node.path, line_no)
    if entry.get("value") == value:
        return None
    if "value" not in entry:
        raise _unsafe(f"{item.name} has no value", node.path, line_no)
    value_path = node.env_path + (item.index, "value")
    key_pos = node.document.keys[value_path]
    pos = node.document.values[value_path]
    index = pos.line - 1 + node.line_offset
    text = lines[index]
    stop = _scalar_end(text, pos.column - 1) if key_pos.line == pos.line else None
    following = next((lines[i] for i in range(index + 1, node.end_line) if _content(lines[i])), "")
    continues = _is_content(following) and _indent(following) > key_pos.column - 1
    if stop is None or continues or not _TRAILER.match(text[stop:]):
        raise _unsafe(
            f"the value of {item.name} is not a one-line scalar on the line of its key",
            node.path,
            key_pos.line + node.line_offset,
        )
    start = pos.column - 1
    new = text[:start] + _format(value, _style(text[start:])) + text[stop:]
    return _Edit(index, index + 1, [new])


def _new_item(item: _Item, name: str, value: str, style: str, ending: str) -> list[str]:
    return [
        " " * item.dash_col + "-" + " " * (item.key_col - item.dash_col - 1) + f"name: {name}" + ending,
        " " * item.key_col + f"value: {_format(value, style)}" + ending,
    ]


def _majority_style(node: CalicoNodeEnv, lines: list[str], items: list[_Item]) -> str:
    counts: dict[str, int] = {}
    for item in items:
        pos = node.document.values.get(node.env_path + (item.index, "value"))
        if pos is not None:
            style = _style(lines[pos.line - 1 + node.line_offset][pos.column - 1 :])
            counts[style] = counts.get(style, 0) + 1
    return max(("double", "single", "plain"), key=lambda s: counts.get(s, 0))


def _uncomment(
    node: CalicoNodeEnv, lines: list[str], items: list[_Item], end: int, value: str
) -> _Edit | None:
    """Turn the commented-out upstream ``# - name: CALICO_IPV4POOL_CIDR`` item into a real one."""
    env_key = node.line(node.env_path, key=True)  # 1-based: the first line after ``env:``
    found = [
        i
        for i in range(env_key, end - 1)
        if _COMMENTED_NAME.match(lines[i].rstrip("\r")) and _COMMENTED_VALUE.match(lines[i + 1].rstrip("\r"))
    ]
    if not found:
        return None
    if len(found) > 1:
        raise _unsafe(
            f"{CIDR_NAME} is commented out {len(found)} times (lines {', '.join(str(i + 1) for i in found)})",
            node.path,
            found[1] + 1,
        )
    index = found[0]
    if any(item.first < index <= item.last for item in items):
        raise _unsafe(f"the commented-out {CIDR_NAME} lies inside another env item", node.path, index + 1)
    before = [item for item in items if item.first < index]
    neighbour = before[-1] if before else items[0]
    match = _COMMENTED_VALUE.match(lines[index + 1].rstrip("\r"))
    assert match is not None
    old = match.group("value")
    style = _style(old) if old[:1] in "\"'" else _majority_style(node, lines, items)
    new = _new_item(neighbour, CIDR_NAME, value, style, _line_ending(lines[index]))
    return _Edit(index, index + 2, new, {"name": CIDR_NAME, "value": value}, order=2)


def _insert_after(
    node: CalicoNodeEnv, lines: list[str], items: list[_Item], after: _Item, name: str, value: str, order: int
) -> _Edit:
    new = _new_item(after, name, value, _majority_style(node, lines, items), _line_ending(lines[after.last]))
    return _Edit(after.last + 1, after.last + 1, new, {"name": name, "value": value}, order)


def _the_item(node: CalicoNodeEnv, items: list[_Item], name: str) -> _Item | None:
    matching = [item for item in items if item.name == name]
    if len(matching) > 1:
        raise _unsafe(
            f"{name} is set {len(matching)} times (lines {', '.join(str(i.first + 1) for i in matching)})",
            node.path,
            matching[1].first + 1,
        )
    return matching[0] if matching else None


def _plan(
    node: CalicoNodeEnv, lines: list[str], pod_cidr: str, method: str | None
) -> tuple[list[_Item], list[_Edit]]:
    items, end = _layout(node, lines)
    edits: list[_Edit] = []
    cidr_item = _the_item(node, items, CIDR_NAME)
    if cidr_item is not None:
        edit = _replace_value(node, lines, cidr_item, pod_cidr)
    else:
        edit = _uncomment(node, lines, items, end, pod_cidr)
        if edit is None:
            # Not even the upstream comment: after the other pool settings, else at the end.
            pools = [item for item in items if str(item.name).startswith("CALICO_IPV4POOL_")]
            edit = _insert_after(node, lines, items, (pools or items)[-1], CIDR_NAME, pod_cidr, 1)
    if edit is not None:
        edits.append(edit)
    if method is not None:
        method_item = _the_item(node, items, AUTODETECT_NAME)
        if method_item is not None:
            edit = _replace_value(node, lines, method_item, method)
        else:
            after = _the_item(node, items, "IP") or items[-1]
            edit = _insert_after(node, lines, items, after, AUTODETECT_NAME, method, 0)
        if edit is not None:
            edits.append(edit)
    return items, edits


def _replace_at(data: Any, path: Sequence[str | int], value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``path`` (only the containers on the path are copied)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, list):
        assert isinstance(head, int)
        copy_list = list(data)
        copy_list[head] = _replace_at(data[head], rest, value)
        return copy_list
    copy_dict = dict(data)
    copy_dict[head] = _replace_at(data[head], rest, value)
    return copy_dict


def _expected_env(env: list[Any], items: Sequence[_Item], edits: list[_Edit], pod_cidr: str, method: str | None) -> list[Any]:
    """The env list the edit must produce, ordered as the lines are."""
    keyed: list[tuple[float, int, Any]] = []
    for item, entry in zip(items, env):
        if entry.get("name") == CIDR_NAME:
            entry = {**entry, "value": pod_cidr}
        elif entry.get("name") == AUTODETECT_NAME and method is not None:
            entry = {**entry, "value": method}
        keyed.append((item.first, 0, entry))
    for edit in edits:
        if edit.new_item is not None:
            keyed.append((edit.start - 0.5, edit.order, edit.new_item))
    return [entry for _, _, entry in sorted(keyed, key=lambda k: (k[0], k[1]))]


def _verify(
    node: CalicoNodeEnv,
    text: str,
    new_text: str,
    items: list[_Item],
    edits: list[_Edit],
    pod_cidr: str,
    method: str | None,
) -> None:
    """The file must still split into the same documents, all but the
    DaemonSet's byte-identical, and the DaemonSet must load to exactly the
    intended data."""
    from kconf.yamlio import load_documents

    old_pieces, new_pieces = _split(text), _split(new_text)
    failed = "internal check failed: the edited calico-node DaemonSet {}; nothing was written"
    if len(old_pieces) != len(new_pieces):
        raise KconfError(failed.format("changed the document structure"), node.path, node.daemonset_line)
    start, end = new_pieces[node.chunk_index]
    old_start, old_end = old_pieces[node.chunk_index]
    if new_text[:start] != text[:old_start] or new_text[end:] != text[old_end:]:
        raise KconfError(failed.format("changed other documents"), node.path, node.daemonset_line)
    try:
        new_docs = load_documents(new_text[start:end], node.path)
    except KconfError as exc:
        raise KconfError(failed.format(f"does not load ({exc.message})"), node.path, node.daemonset_line) from None
    env = _get(node.document.data, node.env_path)
    expected = _replace_at(node.document.data, node.env_path, _expected_env(env, items, edits, pod_cidr, method))
    wanted = [expected if i == node.document.index else data for i, data in enumerate(node.piece_data)]
    if [d.data for d in new_docs] != wanted:
        raise KconfError(failed.format("does not load to the intended data"), node.path, node.daemonset_line)


def check_pod_cidr(pod_cidr: str) -> tuple[str, list[str]]:
    """The normalised IPv4 pod CIDR and warnings; KconfError when it is not one."""
    from kconf.addresses import AddressError, is_private, parse_network

    try:
        network = parse_network(pod_cidr)
    except AddressError as exc:
        raise KconfError(f"--pod-cidr: {exc}") from None
    if network.version != 4:
        raise KconfError(f"--pod-cidr: {network} is IPv6; CALICO_IPV4POOL_CIDR takes an IPv4 CIDR")
    warnings = []
    if not is_private(network):
        warnings.append(
            f"pod CIDR {network} is not private address space (RFC 1918 / RFC 6598): "
            "pods would hide public addresses of that range"
        )
    return str(network), warnings


def check_autodetect(autodetect: str | None) -> str | None:
    """The normalised autodetection method; KconfError when Calico would reject it."""
    from kconf.calico.autodetect import MethodError, parse

    if autodetect is None:
        return None
    try:
        return str(parse(autodetect))
    except MethodError as exc:
        raise KconfError(f"--autodetect: {exc}") from None


def _version_warnings(node: CalicoNodeEnv, method: str | None) -> list[str]:
    from kconf.calico.autodetect import MINIMUM_CALICO

    if method is None:
        return []
    kind = method.partition("=")[0]
    minimum = MINIMUM_CALICO.get(kind)
    if minimum is None:
        return []
    need = f"{kind} needs Calico v{minimum[0]}.{minimum[1]} or later"
    where = f"{node.path}:{node.image_line}: "
    version = calico_version(node.image)
    if version is None:
        return [f"{where}cannot tell the Calico version from image {node.image!r}; {need}"]
    if version < minimum:
        stops = "calico-node would stop with 'Invalid IP autodetection method'"
        return [f"{where}{need}, but the calico-node image is {node.image}: {stops}"]
    return []


def patch_manifest(text: str, path: str, pod_cidr: str, autodetect: str | None) -> PatchResult:
    """Set CALICO_IPV4POOL_CIDR (and IP_AUTODETECTION_METHOD unless None) in
    the calico-node container of ``text``, changing only those lines."""
    cidr, warnings = check_pod_cidr(pod_cidr)
    method = check_autodetect(autodetect)
    node = find_calico_node(text, path)
    if node is None:
        raise KconfError("no calico-node DaemonSet (kind: DaemonSet, metadata.name: calico-node) in the file", path)
    warnings += _version_warnings(node, method)
    lines = text.split("\n")
    items, edits = _plan(node, lines, cidr, method)
    if not edits:
        return PatchResult(text, warnings, 0)
    new_lines = list(lines)
    changed = 0
    # Bottom-up, so earlier line indexes stay valid; at one index a replacement
    # goes first, then insertions in reverse order (each lands above the last).
    for edit in sorted(edits, key=lambda e: (e.start, e.end > e.start, e.order), reverse=True):
        changed += (edit.end - edit.start) + len(edit.lines)
        new_lines[edit.start : edit.end] = edit.lines
    new_text = "\n".join(new_lines)
    _verify(node, text, new_text, items, edits, cidr, method)
    return PatchResult(new_text, warnings, changed)


# --- the CLI edge -------------------------------------------------------------------------


def run_patch(
    manifest: str,
    pod_cidr: str,
    autodetect: str | None,
    *,
    output: str | None,
    in_place: bool,
    echo: Echo,
) -> int:
    """``kconf calico patch``: exit code 0, or KconfError (exit 2) with nothing written."""
    from pathlib import Path as FilePath

    from kconf.fsio import read_bytes, write_file, write_in_place
    from kconf.yamlio import decode

    if output is not None and in_place:
        raise KconfError("-o/--output and --in-place cannot be used together")
    if in_place and manifest == "-":
        raise KconfError("--in-place needs a file, not standard input")
    check_pod_cidr(pod_cidr)
    check_autodetect(autodetect)
    raw = read_bytes(manifest)
    display = "<stdin>" if manifest == "-" else manifest
    text = decode(raw, display)
    result = patch_manifest(text, display, pod_cidr, autodetect)
    for warning in result.warnings:
        echo(f"kconf: warning: {warning}", err=True)
    # decode() drops a UTF-8 byte order mark; every other byte is kept, so is it
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    data = bom + result.text.encode("utf-8")
    if in_place:
        if result.text != text:
            write_in_place(FilePath(manifest), data)
    elif output is not None:
        write_file(FilePath(output), data)
    else:
        echo(data, nl=False)
    return 0
