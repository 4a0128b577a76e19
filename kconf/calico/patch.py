"""``kconf calico patch``: set the pool settings in an upstream calico.yaml.

The settings: CALICO_IPV4POOL_CIDR, IP_AUTODETECTION_METHOD, the encapsulation
(CALICO_IPV4POOL_IPIP and CALICO_IPV4POOL_VXLAN, and CALICO_IPV6POOL_VXLAN with
an IPv6 pool), CALICO_IPV4POOL_BLOCK_SIZE, the MTU (veth_mtu of the
calico-config ConfigMap) and a dual-stack IPv6 pool (CALICO_IPV6POOL_CIDR,
IP6=autodetect, IP6_AUTODETECTION_METHOD, FELIX_IPV6SUPPORT=true and
"assign_ipv6" in the CNI config's calico-ipam block, as Calico's dual-stack
manifest steps say).

The edit is structural but byte-preserving: only the lines these settings need
change, everything else stays as the user has it, byte for byte. A new env item
goes next to its kin (the autodetection items after IP, the pool items after
the CIDR, where upstream comments it out); a missing item that calico-node
reads as the wanted value already (a block size of 26, VXLAN Never,
FELIX_IPV6SUPPORT true) gets no line.

How: the manifest is split into documents on ``---`` marker lines (a ``---`` at
column 0 always starts a document, even inside a scalar, so this split is
exact); only documents whose text mentions ``kind: DaemonSet`` and
``calico-node`` (or ``kind: ConfigMap`` and ``calico-config``, when a setting
needs that) are parsed (ruamel.yaml is pure Python here: the whole 350 KB
file would cost ~0.65 s, one document ~15 ms). Positions from that parse locate
the calico-node container's ``env`` items; the edit then replaces, uncomments or
inserts lines of text. Anything written in a shape kconf cannot edit with
certainty (flow style, anchors, ``valueFrom``, multi-line values, duplicates)
is an error naming the line, and so is a setting the manifest cannot run (IPIP
or None without BIRD, an IPv6 VXLAN pool before Calico v3.23). Finally the
edited documents are parsed again and must load to exactly the intended data,
or nothing is emitted.

Public API
----------
``patch_manifest(text, path, pod_cidr, autodetect, *, encapsulation, block_size, mtu, ipv6_pod_cidr, ipv6_autodetect) -> PatchResult``
    The pure core (no I/O). None leaves that setting as it is. Raises
    KconfError (path and line) for a bad option, a file without exactly one
    calico-node DaemonSet, a setting the manifest cannot carry, or a shape it
    cannot edit safely; EncapsulationError (a KconfError) when the encapsulation
    is what the manifest cannot carry. ``PatchResult.warnings`` are messages for stderr.
``find_calico_node(text, path) -> CalicoNodeEnv | None``
    For the linter and renderer: the calico-node DaemonSet's calico-node
    container, its image and its env entries (name, value, line), with file
    line numbers. None when the file holds no calico-node DaemonSet; KconfError
    when it holds several, or the DaemonSet has no (single) calico-node container.
``calico_version(image) -> tuple[int, int] | None``
    ``quay.io/calico/node:v3.32.1`` -> ``(3, 32)``.
``run_patch(manifest, pod_cidr, autodetect, *, encapsulation, ..., output, in_place, echo) -> int``
    The CLI edge: check the options, read (``-`` = stdin), patch, print
    warnings, write stdout, ``-o FILE`` or ``--in-place`` (atomic, file mode kept).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from kconf.errors import KconfError
from kconf.lazyre import lazy
from kconf.yamlio import ODD_LINE_BREAKS

if TYPE_CHECKING:
    from kconf.yamlio import Document, Path

from kconf.calico import AUTODETECT_NAME, CIDR_NAME, ENCAPSULATIONS, calico_version  # noqa: E402  (names shared with lint)

__all__ = ["AUTODETECT_NAME", "CIDR_NAME", "CalicoNodeEnv", "EncapsulationError", "EnvEntry", "PatchResult", "PoolSettings", "calico_version", "find_calico_node", "patch_manifest", "run_patch"]
CONTAINER_NAME = "calico-node"
_CONTAINERS: tuple[str, ...] = ("spec", "template", "spec", "containers")

# Cheap pre-filter: a document can only be the DaemonSet if its text says so.
_DAEMONSET_KIND = lazy(r"""["']?\bkind["']?[ \t]*:[ \t]*(?:![^ \t]*[ \t]+)?["']?DaemonSet\b""")
# Line breaks other than \n and \r\n would make ruamel's line numbers differ from ours.
_ODD_BREAKS = ODD_LINE_BREAKS
_COMMENTED_NAME = lazy(
    r"^ *# *- +name: *(?P<q>[\"']?)" + CIDR_NAME + r"(?P=q) *$"
)
_COMMENTED_VALUE = lazy(r"^ *# *value: *(?P<value>.*?) *$")
_PLAIN_SAFE = lazy(r"^[A-Za-z0-9][A-Za-z0-9._/=,*+-]*$")  # no ":" (a trailing one starts a mapping)
_TRAILER = lazy(r"^[ \t]*(?:#.*)?\r?$")


class Echo(Protocol):
    """click.echo's shape: what run_patch prints through."""

    def __call__(self, message: str | bytes, *, err: bool = ..., nl: bool = ...) -> Any: ...


class EnvEntry(NamedTuple):
    """One item of the calico-node env list. ``value`` is as loaded (normally a
    str; None when the item has no ``value``, e.g. it uses ``valueFrom``)."""

    name: str
    value: object
    line: int  # 1-based line of the item (its ``- name:``)
    value_from: bool = False


class CalicoNodeEnv(NamedTuple):
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


class PatchResult(NamedTuple):
    text: str
    warnings: list[str]  # no default: a default list would be one list shared by every result
    changed_lines: int = 0  # removed + added lines, as `diff | grep -c '^[<>]'` counts them


# --- locating the DaemonSet ---------------------------------------------------------------


def _marker_starts(text: str) -> list[int]:
    """Where each document marker line starts: ``^---(?=[ \\t\\r]|$)`` in
    MULTILINE mode, found with str.find (the regular expression tries every
    line of a 350 KB manifest: ~3 ms a pass, three passes a patch)."""
    candidates = [0] if text.startswith("---") else []
    at = text.find("\n---")
    while at != -1:
        candidates.append(at + 1)
        at = text.find("\n---", at + 1)
    # the look-ahead: white space, a line break or the end of the text
    return [start for start in candidates if text[start + 3 : start + 4] in ("", " ", "\t", "\r", "\n")]


def _split(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each document's text, marker line included."""
    starts = _marker_starts(text)
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


def _candidates(text: str, path: str, mentions: Callable[[str], bool], wanted: Callable[[object], bool], what: str) -> list[_Found]:
    """Every document ``wanted`` accepts, parsing only the pieces whose text ``mentions`` it."""
    found: list[_Found] = []
    line_index = 0
    for chunk_index, (start, end) in enumerate(_split(text)):
        chunk = text[start:end]
        lines_here = chunk.count("\n")
        partial = 0 if chunk.endswith("\n") else 1
        if mentions(chunk):
            odd = _ODD_BREAKS.search(chunk)
            if odd:
                line = line_index + chunk.count("\n", 0, odd.start()) + 1
                raise KconfError(f"a line break other than LF or CRLF in {what}; kconf cannot edit it safely", path, line)
            docs = _load_chunk(chunk, path, line_index)
            piece_data = tuple(d.data for d in docs)
            for doc in docs:
                if wanted(doc.data):
                    found.append(_Found(doc, chunk_index, line_index, line_index + lines_here + partial, piece_data))
        line_index += lines_here
    return found


def _mentions_calico_node(chunk: str) -> bool:
    # the substrings first: the pattern has no literal start, and searching a
    # CRD that names calico-node (85 KB in v3.32) for it took 3 ms
    return CONTAINER_NAME in chunk and "DaemonSet" in chunk and _DAEMONSET_KIND.search(chunk) is not None


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
    found = _candidates(text, path, _mentions_calico_node, _is_calico_node, "the calico-node DaemonSet")
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


# --- the text edit -----------------------------------------------------------------------


class _Item(NamedTuple):
    """An env item as laid out in the text (0-based line indexes and columns)."""

    index: int  # type: ignore[assignment]  # the field hides tuple.index, which nothing here calls
    name: object
    first: int  # the ``- name:`` line
    last: int  # its last line that is neither blank nor a comment
    dash_col: int
    key_col: int


class _Edit(NamedTuple):
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


def _replace_scalar(
    document: Document, offset: int, end_line: int, lines: list[str], value_path: Path, value: str, what: str, path: str
) -> _Edit:
    """Replace the one-line scalar at ``value_path`` (a document path; ``offset``
    turns its lines into file lines), keeping its quoting and anything after it."""
    key_pos = document.keys[value_path]
    pos = document.values[value_path]
    index = pos.line - 1 + offset
    text = lines[index]
    stop = _scalar_end(text, pos.column - 1) if key_pos.line == pos.line else None
    following = next((lines[i] for i in range(index + 1, end_line) if _content(lines[i])), "")
    continues = _is_content(following) and _indent(following) > key_pos.column - 1
    if stop is None or continues or not _TRAILER.match(text[stop:]):
        raise _unsafe(f"the value of {what} is not a one-line scalar on the line of its key", path, key_pos.line + offset)
    start = pos.column - 1
    new = text[:start] + _format(value, _style(text[start:])) + text[stop:]
    return _Edit(index, index + 1, [new])


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
    return _replace_scalar(node.document, node.line_offset, node.end_line, lines, value_path, value, str(item.name), node.path)


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
    node: CalicoNodeEnv, lines: list[str], items: list[_Item], end: int, value: str, order: int
) -> tuple[_Edit, _Item] | None:
    """Turn the commented-out upstream ``# - name: CALICO_IPV4POOL_CIDR`` item
    into a real one; also the item whose layout it copies."""
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
    return _Edit(index, index + 2, new, {"name": CIDR_NAME, "value": value}, order), neighbour


def _the_item(node: CalicoNodeEnv, items: list[_Item], name: str) -> _Item | None:
    matching = [item for item in items if item.name == name]
    if len(matching) > 1:
        raise _unsafe(
            f"{name} is set {len(matching)} times (lines {', '.join(str(i.first + 1) for i in matching)})",
            node.path,
            matching[1].first + 1,
        )
    return matching[0] if matching else None


# --- what to set ---------------------------------------------------------------------------

IPIP_NAME = "CALICO_IPV4POOL_IPIP"
VXLAN_NAME = "CALICO_IPV4POOL_VXLAN"
IPV6_VXLAN_NAME = "CALICO_IPV6POOL_VXLAN"
BLOCK_SIZE_NAME = "CALICO_IPV4POOL_BLOCK_SIZE"
IPV6_CIDR_NAME = "CALICO_IPV6POOL_CIDR"
IP6_NAME = "IP6"
IPV6_AUTODETECT_NAME = "IP6_AUTODETECTION_METHOD"
IPV6_SUPPORT_NAME = "FELIX_IPV6SUPPORT"
CONFIG_NAME = "calico-config"  # the ConfigMap of veth_mtu, calico_backend and the CNI config

# (CALICO_IPV4POOL_IPIP, CALICO_IPV4POOL_VXLAN) per encapsulation: both are
# written, as Calico refuses a pool with IPIP and VXLAN both on.
_IPV4_MODES = {
    "IPIP": ("Always", "Never"),
    "IPIPCrossSubnet": ("CrossSubnet", "Never"),
    "VXLAN": ("Never", "Always"),
    "VXLANCrossSubnet": ("Never", "CrossSubnet"),
    "None": ("Never", "Never"),
}
# IPIP carries IPv4 only: the IPv6 pool gets VXLAN or nothing (as the Installation's pools).
_IPV6_VXLAN = {"VXLAN": "Always", "VXLANCrossSubnet": "CrossSubnet"}
# The first Calico with IPv6 VXLAN (CALICO_IPV6POOL_VXLAN): v3.23 (calico #6226, #5961).
IPV6_VXLAN_CALICO = (3, 23)
# Encapsulations whose routes only BIRD, Calico's BGP daemon, spreads between nodes.
_NEEDS_BIRD = {"IPIP": "IPIP routes", "IPIPCrossSubnet": "IPIP routes", "None": "unencapsulated pod routes"}
# calico-node's own default block size (node startup.go DEFAULT_IPV4_POOL_BLOCK_SIZE).
CALICO_BLOCK_SIZE = 26
BLOCK_SIZES = (20, 32)  # an IPv4 block, as Calico validates it
IPV6_BLOCK_SIZE = 122  # Calico's IPv6 default block: the IPv6 pool must hold one
MTU_RANGE = (1000, 9000)  # as spec.calico.mtu in the description schema


class EncapsulationError(KconfError):
    """The manifest cannot carry the encapsulation asked for (render adds where the value came from)."""


class PoolSettings(NamedTuple):
    """What a patch sets, normalised; None leaves that part of the manifest as it is."""

    pod_cidr: str
    autodetect: str | None = None
    encapsulation: str | None = None
    block_size: int | None = None
    mtu: int | None = None
    ipv6_pod_cidr: str | None = None
    ipv6_autodetect: str | None = None

    @property
    def needs_config(self) -> bool:
        """The calico-config ConfigMap is read: the backend (encapsulation), veth_mtu, the CNI config (IPv6)."""
        return self.encapsulation is not None or self.mtu is not None or self.ipv6_pod_cidr is not None


class _Want(NamedTuple):
    """An env item to set. A new one goes after the first of ``after`` that
    the env has (or gets), else at the end of the list; ``implicit``: calico-node
    treats a missing item as this value, so a missing item needs no line."""

    name: str
    value: str
    after: tuple[str, ...] = ()
    implicit: bool = False


def _wanted_env(settings: PoolSettings) -> list[_Want]:
    """The env items to set, in the order new ones are laid out."""
    wants: list[_Want] = []
    if settings.autodetect is not None:
        wants.append(_Want(AUTODETECT_NAME, settings.autodetect, ("IP",)))
    v6 = settings.ipv6_pod_cidr is not None
    if v6:
        # IP6 unset keeps the Node's address and never autodetects one
        wants.append(_Want(IP6_NAME, "autodetect", (AUTODETECT_NAME, "IP")))
        if settings.ipv6_autodetect is not None:
            wants.append(_Want(IPV6_AUTODETECT_NAME, settings.ipv6_autodetect, (IP6_NAME,)))
    if settings.encapsulation is not None:
        ipip, vxlan = _IPV4_MODES[settings.encapsulation]
        # a missing CALICO_IPV4POOL_IPIP is Never to calico-node's code and Always to its docs: always written
        wants.append(_Want(IPIP_NAME, ipip, (IPV6_AUTODETECT_NAME, IP6_NAME, AUTODETECT_NAME, "IP")))
        wants.append(_Want(VXLAN_NAME, vxlan, (IPIP_NAME,), implicit=vxlan == "Never"))
        if v6:
            ipv6_vxlan = _IPV6_VXLAN.get(settings.encapsulation, "Never")
            wants.append(_Want(IPV6_VXLAN_NAME, ipv6_vxlan, (VXLAN_NAME, IPIP_NAME), implicit=ipv6_vxlan == "Never"))
    wants.append(_Want(CIDR_NAME, settings.pod_cidr))
    if settings.block_size is not None:
        block = str(settings.block_size)
        wants.append(_Want(BLOCK_SIZE_NAME, block, (CIDR_NAME,), implicit=settings.block_size == CALICO_BLOCK_SIZE))
    if settings.ipv6_pod_cidr is not None:
        wants.append(_Want(IPV6_CIDR_NAME, settings.ipv6_pod_cidr, (BLOCK_SIZE_NAME, CIDR_NAME)))
        # unset is true to Felix and to calico-node (which then creates the IPv6 pool)
        wants.append(_Want(IPV6_SUPPORT_NAME, "true", implicit=True))
    return wants


def _spot(node: CalicoNodeEnv, items: list[_Item], spots: dict[str, tuple[int, _Item]], want: _Want) -> tuple[int, _Item]:
    """Where a new item goes (a line index) and the item whose layout it copies."""
    if want.name == CIDR_NAME:
        # not even the upstream comment: after the other pool settings, else at the end
        pools = [item for item in items if str(item.name).startswith("CALICO_IPV4POOL_")]
        after = (pools or items)[-1]
        return after.last + 1, after
    for name in want.after:
        if name in spots:
            return spots[name]
        item = _the_item(node, items, name)
        if item is not None:
            return item.last + 1, item
    return items[-1].last + 1, items[-1]


def _plan_env(node: CalicoNodeEnv, lines: list[str], wants: list[_Want]) -> tuple[list[_Item], list[_Edit]]:
    items, end = _layout(node, lines)
    style = _majority_style(node, lines, items)
    edits: list[_Edit] = []
    spots: dict[str, tuple[int, _Item]] = {}  # an item set here -> where one after it goes
    for order, want in enumerate(wants):
        item = _the_item(node, items, want.name)
        edit: _Edit | None
        if item is not None:
            edit = _replace_value(node, lines, item, want.value)
            spots[want.name] = (item.last + 1, item)
        elif want.implicit:
            continue
        elif want.name == CIDR_NAME and (uncommented := _uncomment(node, lines, items, end, want.value, order)) is not None:
            edit, like = uncommented
            spots[want.name] = (edit.end, like)
        else:
            at, like = _spot(node, items, spots, want)
            new = _new_item(like, want.name, want.value, style, _line_ending(lines[like.last]))
            edit = _Edit(at, at, new, {"name": want.name, "value": want.value}, order)
            spots[want.name] = (at, like)
        if edit is not None:
            edits.append(edit)
    return items, edits


# --- the calico-config ConfigMap ------------------------------------------------------------

_CONFIGMAP_KIND = lazy(r"""["']?\bkind["']?[ \t]*:[ \t]*(?:![^ \t]*[ \t]+)?["']?ConfigMap\b""")
_IPAM_OPEN = lazy(r'^[ ]*"ipam"[ ]*:[ ]*\{[ ]*\r?$')
_JSON_MEMBER = lazy(r'^(?P<indent>[ ]*)"(?P<key>[^"\\]*)"[ ]*:[ ]*(?P<value>"[^"\\]*"|true|false|-?[0-9]+)(?P<comma>[ ]*,)?[ ]*\r?$')
_JSON_CLOSE = lazy(r"^[ ]*\}[ ]*,?[ ]*\r?$")
_PLACEHOLDER = lazy(r"__[A-Z0-9_]+__")  # __CNI_MTU__ and friends, filled in by install-cni


class _Config(NamedTuple):
    """The calico-config ConfigMap, located in the text (as _Found)."""

    found: _Found
    path: str

    def line(self, path: Path, *, key: bool = False) -> int:
        return self.found.document.line(path, key=key) + self.found.first_line

    def value(self, key: str) -> object:
        return _get(self.found.document.data, ("data", key))


def _is_calico_config(data: object) -> bool:
    if not isinstance(data, dict) or data.get("kind") != "ConfigMap":
        return False
    metadata = data.get("metadata")
    return isinstance(metadata, dict) and metadata.get("name") == CONFIG_NAME


def _mentions_calico_config(chunk: str) -> bool:
    return CONFIG_NAME in chunk and "ConfigMap" in chunk and _CONFIGMAP_KIND.search(chunk) is not None


def _find_config(text: str, path: str) -> _Config | None:
    found = _candidates(text, path, _mentions_calico_config, _is_calico_config, "the calico-config ConfigMap")
    if len(found) > 1:
        first, second = (f.document.line(("kind",), key=True) + f.first_line for f in found[:2])
        raise KconfError(
            f"more than one calico-config ConfigMap (the first is at line {first}); kconf cannot tell which one calico-node reads",
            path,
            second,
        )
    return _Config(found[0], path) if found else None


def _networking_backend(node: CalicoNodeEnv, config: _Config | None) -> tuple[str, str, int] | None:
    """calico-node's CALICO_NETWORKING_BACKEND: (value, how the file says it,
    file line); None when unset (bird, calico-node's default) or not in the file."""
    env = _get(node.document.data, node.env_path)
    found = [(i, e) for i, e in enumerate(env or []) if isinstance(e, dict) and e.get("name") == "CALICO_NETWORKING_BACKEND"]
    if not found:
        return None
    index, entry = found[-1]  # Kubernetes lets the last one win
    if isinstance(entry.get("value"), str):
        line = node.line(node.env_path + (index, "value"))
        return entry["value"], f'CALICO_NETWORKING_BACKEND "{entry["value"]}"', line
    ref = _get(entry, ("valueFrom", "configMapKeyRef"))
    if config is None or not isinstance(ref, dict) or ref.get("name") != CONFIG_NAME or not isinstance(ref.get("key"), str):
        return None
    value = config.value(ref["key"])
    if not isinstance(value, str):
        return None
    return value, f'{ref["key"]}: "{value}" in the calico-config ConfigMap', config.line(("data", ref["key"]))


def _check_backend(node: CalicoNodeEnv, config: _Config | None, encapsulation: str) -> None:
    """IPIP and unencapsulated pools need BIRD; a manifest that runs calico-node without it is refused."""
    routes = _NEEDS_BIRD.get(encapsulation)
    backend = _networking_backend(node, config)
    if routes is None or backend is None or backend[0] == "bird":
        return
    value, said, line = backend
    like = ", as the upstream calico-vxlan.yaml has" if value == "vxlan" else ""
    raise EncapsulationError(
        f"encapsulation {encapsulation} needs BIRD, Calico's BGP daemon, to spread {routes} between the nodes, but "
        f"this manifest runs calico-node without it ({said}{like}): take the upstream calico.yaml (or "
        "calico-typha.yaml) of this Calico release for IPIP, IPIPCrossSubnet or None, or keep this manifest with "
        "encapsulation VXLAN or VXLANCrossSubnet",
        node.path,
        line,
    )


def _check_ipv6_vxlan(node: CalicoNodeEnv, settings: PoolSettings) -> list[str]:
    """An IPv6 pool on VXLAN needs Calico v3.23: an error below it, a warning when the version is unknown."""
    if settings.ipv6_pod_cidr is None or settings.encapsulation not in _IPV6_VXLAN:
        return []
    need = f"encapsulation {settings.encapsulation} puts the IPv6 pool on VXLAN, which needs Calico v{IPV6_VXLAN_CALICO[0]}.{IPV6_VXLAN_CALICO[1]} or later"
    version = calico_version(node.image)
    if version is None:
        return [f"{node.path}:{node.image_line}: cannot tell the Calico version from image {node.image!r}; {need}"]
    if version < IPV6_VXLAN_CALICO:
        raise EncapsulationError(
            f"{need}, but the calico-node image is {node.image}: take the manifest of a newer Calico, or encapsulation "
            "IPIP, IPIPCrossSubnet or None (the IPv6 pool is then routed without encapsulation, over BGP)",
            node.path,
            node.image_line,
        )
    return []


def _need_config(node: CalicoNodeEnv, config: _Config | None, what: str) -> _Config:
    if config is None:
        raise KconfError(
            f"no calico-config ConfigMap in the file: {what}; give kconf the whole upstream manifest",
            node.path,
            node.daemonset_line,
        )
    return config


def _config_key(config: _Config, key: str, why: str) -> None:
    data = _get(config.found.document.data, ("data",))
    if not isinstance(data, dict) or key not in data:
        raise KconfError(f"the calico-config ConfigMap has no data.{key}: {why}", config.path, config.line(("kind",), key=True))


def _cni_json(text: object) -> Any:
    """The CNI conflist as data (its __PLACEHOLDERS__ as zeros), or None when it is not JSON."""
    import json

    if not isinstance(text, str):
        return None
    try:
        return json.loads(_PLACEHOLDER.sub("0", text))
    except ValueError:
        return None


def _with_assign_ipv6(data: Any) -> Any:
    """``data`` with "assign_ipv6": "true" in every calico-ipam block."""
    if isinstance(data, list):
        return [_with_assign_ipv6(item) for item in data]
    if not isinstance(data, dict):
        return data
    out = {key: _with_assign_ipv6(value) for key, value in data.items()}
    ipam = out.get("ipam")
    if isinstance(ipam, dict) and ipam.get("type") == "calico-ipam":
        out["ipam"] = {**ipam, "assign_ipv6": "true"}
    return out


class _SameJson:
    """Equal to a string that holds this JSON data (what the verifier expects of the CNI config)."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def __eq__(self, other: object) -> bool:
        return bool(_cni_json(other) == self.data)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"_SameJson({self.data!r})"


def _assign_ipv6(config: _Config, lines: list[str]) -> tuple[list[_Edit], _SameJson]:
    """Add "assign_ipv6": "true" to the calico-ipam block of cni_network_config,
    the JSON text inside a block scalar; the other lines stay as they are."""
    key = "cni_network_config"
    why = "a dual-stack install sets its IPAM's assign_ipv6"
    _config_key(config, key, why)
    old = _cni_json(config.value(key))
    key_line = config.line(("data", key), key=True)  # 1-based
    if old is None:
        raise _unsafe(f"data.{key} of the calico-config ConfigMap is not the JSON of a CNI config", config.path, key_line)
    start = key_line  # 0-based index of the first line after the key
    key_indent = _indent(lines[key_line - 1])
    stop = next((i for i in range(start, config.found.end_line) if _content(lines[i]) and _indent(lines[i]) <= key_indent), config.found.end_line)
    opens = [i for i in range(start, stop) if _IPAM_OPEN.match(lines[i])]
    if len(opens) != 1:
        what = "no" if not opens else f"{len(opens)}"
        raise _unsafe(f'data.{key} of the calico-config ConfigMap has {what} "ipam": {{ line(s) of its own', config.path, (opens[1] if opens else key_line - 1) + 1)
    members: list[tuple[int, re.Match[str]]] = []
    index = opens[0] + 1
    while index < stop and not _JSON_CLOSE.match(lines[index]):
        match = _JSON_MEMBER.match(lines[index])
        if match is None:
            raise _unsafe(f'the "ipam" block of data.{key} is not one "key": value per line', config.path, index + 1)
        members.append((index, match))
        index += 1
    by_key = {m.group("key"): (i, m) for i, m in members}
    if index >= stop or "type" not in by_key or by_key["type"][1].group("value") != '"calico-ipam"':
        raise KconfError(
            f'dual stack needs Calico IPAM ("type": "calico-ipam" in the "ipam" block of data.{key}), which this manifest does not have',
            config.path,
            opens[0] + 1,
        )
    expected = _SameJson(_with_assign_ipv6(old))
    if "assign_ipv6" in by_key:
        at, match = by_key["assign_ipv6"]
        if match.group("value") == '"true"':
            return [], expected
        line = lines[at]
        return [_Edit(at, at + 1, [line[: match.start("value")] + '"true"' + line[match.end("value") :]])], expected
    at, last = members[-1]
    line = lines[at]
    with_comma = line if last.group("comma") else line[: last.end("value")] + "," + line[last.end("value") :]
    added = last.group("indent") + '"assign_ipv6": "true"' + _line_ending(line)
    return [_Edit(at, at + 1, [with_comma, added])], expected


def _plan_config(config: _Config, lines: list[str], settings: PoolSettings) -> tuple[list[_Edit], Any]:
    """The edits of the ConfigMap and the data it must then load to."""
    edits: list[_Edit] = []
    data = dict(_get(config.found.document.data, ("data",)) or {})
    if settings.mtu is not None:
        mtu = str(settings.mtu)
        _config_key(config, "veth_mtu", "calico-node and the CNI plugin read the pod MTU from it")
        if data["veth_mtu"] != mtu:
            document = config.found.document
            edits.append(_replace_scalar(document, config.found.first_line, config.found.end_line, lines, ("data", "veth_mtu"), mtu, "veth_mtu", config.path))
        data["veth_mtu"] = mtu
    if settings.ipv6_pod_cidr is not None:
        cni_edits, data["cni_network_config"] = _assign_ipv6(config, lines)
        edits += cni_edits
    return edits, {**config.found.document.data, "data": data}


# --- checking the edit -----------------------------------------------------------------------


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


def _expected_env(env: list[Any], items: Sequence[_Item], edits: list[_Edit], values: dict[str, str]) -> list[Any]:
    """The env list the edit must produce, ordered as the lines are."""
    keyed: list[tuple[float, int, Any]] = []
    for item, entry in zip(items, env):
        if entry.get("name") in values:
            entry = {**entry, "value": values[entry["name"]]}
        keyed.append((item.first, 0, entry))
    for edit in edits:
        if edit.new_item is not None:
            keyed.append((edit.start - 0.5, edit.order, edit.new_item))
    return [entry for _, _, entry in sorted(keyed, key=lambda k: (k[0], k[1]))]


class _Expect(NamedTuple):
    """An edited document: where it is and what it must load to."""

    found: _Found
    data: Any
    what: str  # for messages: "calico-node DaemonSet"

    @property
    def line(self) -> int:
        return self.found.document.line(("kind",), key=True) + self.found.first_line


def _daemonset_expect(node: CalicoNodeEnv, items: Sequence[_Item], edits: list[_Edit], values: dict[str, str]) -> _Expect:
    env = _get(node.document.data, node.env_path)
    data = _replace_at(node.document.data, node.env_path, _expected_env(env, items, edits, values))
    found = _Found(node.document, node.chunk_index, node.first_line, node.end_line, node.piece_data)
    return _Expect(found, data, "calico-node DaemonSet")


def _verify(path: str, text: str, new_text: str, expects: Sequence[_Expect]) -> None:
    """The file must still split into the same documents, all but the edited
    ones byte-identical, and each edited one must load to exactly the
    intended data."""
    from kconf.yamlio import load_documents

    def failed(expect: _Expect, problem: str) -> KconfError:
        message = f"internal check failed: the edited {expect.what} {problem}; nothing was written"
        return KconfError(message, path, expect.line)

    old_pieces, new_pieces = _split(text), _split(new_text)
    if len(old_pieces) != len(new_pieces):
        raise failed(expects[0], "changed the document structure")
    edited = {expect.found.piece for expect in expects}
    for index, ((old_start, old_end), (start, end)) in enumerate(zip(old_pieces, new_pieces)):
        if index not in edited and new_text[start:end] != text[old_start:old_end]:
            raise failed(expects[0], "changed other documents")
    for piece in sorted(edited):
        here = [expect for expect in expects if expect.found.piece == piece]
        start, end = new_pieces[piece]
        try:
            new_docs = load_documents(new_text[start:end], path)
        except KconfError as exc:
            raise failed(here[0], f"does not load ({exc.message})") from None
        wanted = list(here[0].found.piece_data)
        for expect in here:
            wanted[expect.found.document.index] = expect.data
        if [d.data for d in new_docs] != wanted:
            raise failed(here[0], "does not load to the intended data")


# --- the options -----------------------------------------------------------------------------


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


def check_ipv6_pod_cidr(ipv6_pod_cidr: str) -> str:
    """The normalised IPv6 pod CIDR; KconfError when it is not one that can hold a block."""
    from kconf.addresses import AddressError, parse_network

    try:
        network = parse_network(ipv6_pod_cidr)
    except AddressError as exc:
        raise KconfError(f"--ipv6-pod-cidr: {exc}") from None
    if network.version != 6:
        raise KconfError(f"--ipv6-pod-cidr: {network} is IPv4; CALICO_IPV6POOL_CIDR takes an IPv6 CIDR")
    if network.prefixlen > IPV6_BLOCK_SIZE:
        raise KconfError(
            f"--ipv6-pod-cidr: {network} is smaller than one /{IPV6_BLOCK_SIZE} block, Calico's IPv6 block size: "
            f"use a prefix length of {IPV6_BLOCK_SIZE} or less"
        )
    return str(network)


def check_autodetect(autodetect: str | None, option: str = "--autodetect") -> str | None:
    """The normalised autodetection method; KconfError when Calico would reject it."""
    from kconf.calico.autodetect import MethodError, parse

    if autodetect is None:
        return None
    try:
        return str(parse(autodetect))
    except MethodError as exc:
        raise KconfError(f"{option}: {exc}") from None


def _first_found_warning(option: str, method: str | None) -> list[str]:
    from kconf.calico.autodetect import FIRST_FOUND

    if method != FIRST_FOUND:
        return []
    return [
        f"{option} first-found: calico-node takes the first address of the first interface it finds, which on a "
        "host with more than one NIC is often the wrong one: a NAT adapter (VirtualBox and Vagrant give every VM "
        "the same 10.0.2.15) or an address the other nodes cannot reach, and pod traffic between the nodes goes "
        "nowhere; pin it to the nodes' network: cidr=<their CIDR>, interface=<the cluster NIC>, or "
        "kubernetes-internal-ip (Calico v3.22 and later)"
    ]


def check_settings(
    pod_cidr: str,
    autodetect: str | None,
    *,
    encapsulation: str | None = None,
    block_size: int | None = None,
    mtu: int | None = None,
    ipv6_pod_cidr: str | None = None,
    ipv6_autodetect: str | None = None,
) -> tuple[PoolSettings, list[str]]:
    """The options checked and normalised, and warnings for stderr; KconfError
    (naming the option) for a value Calico would reject."""
    cidr, warnings = check_pod_cidr(pod_cidr)
    method = check_autodetect(autodetect)
    if encapsulation is not None and encapsulation not in ENCAPSULATIONS:
        raise KconfError(f"--encapsulation: {encapsulation!r} is not one of {', '.join(ENCAPSULATIONS)}")
    if block_size is not None:
        low, high = BLOCK_SIZES
        prefix = int(cidr.rpartition("/")[2])
        if isinstance(block_size, bool) or not low <= block_size <= high:
            raise KconfError(f"--block-size: {block_size} is not an IPv4 block size ({low} to {high})")
        if block_size < prefix:
            raise KconfError(
                f"--block-size: a /{block_size} block does not fit in the pod CIDR {cidr}, and the pool must hold "
                f"at least one: use {prefix} or more"
            )
    if mtu is not None and (isinstance(mtu, bool) or not MTU_RANGE[0] <= mtu <= MTU_RANGE[1]):
        raise KconfError(f"--mtu: {mtu} is outside {MTU_RANGE[0]}-{MTU_RANGE[1]}")
    ipv6_cidr = check_ipv6_pod_cidr(ipv6_pod_cidr) if ipv6_pod_cidr is not None else None
    ipv6_method = check_autodetect(ipv6_autodetect, "--ipv6-autodetect")
    if ipv6_method is not None and ipv6_cidr is None:
        raise KconfError("--ipv6-autodetect: IPv6 autodetection is for a dual-stack pool: give --ipv6-pod-cidr too")
    warnings += _first_found_warning("--autodetect", method) + _first_found_warning("--ipv6-autodetect", ipv6_method)
    settings = PoolSettings(cidr, method, encapsulation, block_size, mtu, ipv6_cidr, ipv6_method)
    return settings, warnings


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


# --- the patch ---------------------------------------------------------------------------------


def patch_manifest(
    text: str,
    path: str,
    pod_cidr: str,
    autodetect: str | None,
    *,
    encapsulation: str | None = None,
    block_size: int | None = None,
    mtu: int | None = None,
    ipv6_pod_cidr: str | None = None,
    ipv6_autodetect: str | None = None,
) -> PatchResult:
    """Set the pool settings given (None: leave as it is) in the calico-node
    container of ``text`` and, for the MTU and dual stack, the calico-config
    ConfigMap, changing only the lines they need."""
    settings, warnings = check_settings(
        pod_cidr, autodetect, encapsulation=encapsulation, block_size=block_size, mtu=mtu,
        ipv6_pod_cidr=ipv6_pod_cidr, ipv6_autodetect=ipv6_autodetect,
    )  # fmt: skip
    node = find_calico_node(text, path)
    if node is None:
        raise KconfError("no calico-node DaemonSet (kind: DaemonSet, metadata.name: calico-node) in the file", path)
    warnings += _version_warnings(node, settings.autodetect) + _version_warnings(node, settings.ipv6_autodetect)
    config = _find_config(text, path) if settings.needs_config else None
    if settings.encapsulation is not None:
        _check_backend(node, config, settings.encapsulation)
    warnings += _check_ipv6_vxlan(node, settings)
    if settings.mtu is not None:
        _need_config(node, config, "the pod MTU is its veth_mtu")
    if settings.ipv6_pod_cidr is not None:
        _need_config(node, config, 'dual stack sets "assign_ipv6" in its CNI config')
    lines = text.split("\n")
    wants = _wanted_env(settings)
    items, edits = _plan_env(node, lines, wants)
    expects = [_daemonset_expect(node, items, edits, {want.name: want.value for want in wants})]
    if config is not None and (settings.mtu is not None or settings.ipv6_pod_cidr is not None):
        config_edits, config_data = _plan_config(config, lines, settings)
        if config_edits:
            edits += config_edits
            expects.append(_Expect(config.found, config_data, "calico-config ConfigMap"))
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
    _verify(path, text, new_text, expects)
    return PatchResult(new_text, warnings, changed)


# --- the CLI edge -------------------------------------------------------------------------


def run_patch(
    manifest: str,
    pod_cidr: str,
    autodetect: str | None,
    *,
    encapsulation: str | None = None,
    block_size: int | None = None,
    mtu: int | None = None,
    ipv6_pod_cidr: str | None = None,
    ipv6_autodetect: str | None = None,
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
    options: dict[str, Any] = {
        "encapsulation": encapsulation, "block_size": block_size, "mtu": mtu,
        "ipv6_pod_cidr": ipv6_pod_cidr, "ipv6_autodetect": ipv6_autodetect,
    }  # fmt: skip
    check_settings(pod_cidr, autodetect, **options)  # bad options fail before the file is read
    raw = read_bytes(manifest)
    display = "<stdin>" if manifest == "-" else manifest
    text = decode(raw, display)
    result = patch_manifest(text, display, pod_cidr, autodetect, **options)
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
