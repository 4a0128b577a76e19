"""All YAML handling of kconf: loading with positions, and stable dumping.

Loading does not use ruamel's composer/constructor: an iterative composer over
the parser's event stream builds plain Python data (dict, list, str, int,
float, bool, None) and records the 1-based line and column of every key and
value. Being iterative and bounded, it ends fast with a KconfError on hostile
input: deep nesting, alias bombs, huge or binary files, duplicate keys (an
error, as in kubeadm's strict decoder) and tags it does not know.
"""

from __future__ import annotations

import functools
import io
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from kconf.errors import KconfError
from kconf.lazyre import lazy

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 200
MAX_NODES = 500_000  # nodes after alias expansion, per document (the largest upstream CRD has ~20,000)
# Characters of keys and scalar values after alias expansion, over the whole
# stream: a file without aliases holds fewer than MAX_BYTES, so only aliases
# can pass this, and they may not turn one big value into gigabytes of output.
MAX_EXPANDED_CHARS = MAX_BYTES

Path = tuple["str | int", ...]


class Position(NamedTuple):
    """Ordered as (line, column). A named tuple: the composer makes one per
    node, and a frozen dataclass costs several times more to create."""

    line: int  # 1-based
    column: int  # 1-based


class Document:
    """One YAML document: plain data plus where each key and value stands.

    A plain class, not a dataclass: importing dataclasses pulls in inspect
    (~9 ms of every start of a command that reads YAML)."""

    __slots__ = ("data", "index", "start", "values", "keys", "spans")

    def __init__(
        self,
        data: Any,
        index: int,
        start: Position,
        values: dict[Path, Position] | None = None,
        keys: dict[Path, Position] | None = None,
        spans: Spans | None = None,  # with load_documents(..., spans=True)
    ) -> None:
        self.data = data
        self.index = index
        self.start = start
        self.values: dict[Path, Position] = {} if values is None else values
        self.keys: dict[Path, Position] = {} if keys is None else keys
        self.spans = spans

    def __eq__(self, other: object) -> bool:
        """Equal data and positions, as the dataclass compared (a description
        read twice from the same text is the same description)."""
        if type(other) is not Document:
            return NotImplemented
        return (self.data, self.index, self.start, self.values, self.keys, self.spans) == (
            other.data, other.index, other.start, other.values, other.keys, other.spans
        )  # fmt: skip

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Where the value (or key) at ``path`` is written; the nearest
        written ancestor when it is not (a missing field, or one that came
        through an alias)."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), self.start)

    def line(self, path: Path, *, key: bool = False) -> int:
        return self.position(path, key=key).line


class Spans:
    """Where each node ends, for editing the text in place: a scalar's
    exact end (just past its closing quote), a flow collection's end (past
    ``]`` or ``}``), a key's end; which collections are flow style; whether
    any alias or merge key was used (then one node's text may stand for
    several paths, or a path's text be elsewhere)."""

    __slots__ = ("value_ends", "key_ends", "flow", "block_scalars", "shared")

    def __init__(
        self,
        value_ends: dict[Path, Position] | None = None,
        key_ends: dict[Path, Position] | None = None,
        flow: set[Path] | None = None,
        block_scalars: set[Path] | None = None,
        shared: bool = False,
    ) -> None:
        self.value_ends: dict[Path, Position] = {} if value_ends is None else value_ends
        self.key_ends: dict[Path, Position] = {} if key_ends is None else key_ends
        self.flow: set[Path] = set() if flow is None else flow
        self.block_scalars: set[Path] = set() if block_scalars is None else block_scalars
        self.shared = shared

    def __eq__(self, other: object) -> bool:
        """Equal field by field, as the dataclass compared (Document's equality compares its spans)."""
        if type(other) is not Spans:
            return NotImplemented
        return (self.value_ends, self.key_ends, self.flow, self.block_scalars, self.shared) == (
            other.value_ends, other.key_ends, other.flow, other.block_scalars, other.shared
        )  # fmt: skip


def decode(data: bytes, path: str) -> str:
    """Bytes of a YAML file -> text; binary or non-UTF-8 input is an error."""
    if len(data) > MAX_BYTES:
        raise KconfError(
            f"file is {len(data):,} bytes; kconf reads YAML files up to {MAX_BYTES:,} bytes", path
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise KconfError("binary data (a NUL byte): not a YAML file", path, line)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise KconfError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", path, line
        ) from None


# --- plain scalar resolution: the YAML 1.2 core schema --------------------------------

_NULL = lazy(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = lazy(r"^[-+]?[0-9]+$")
_INT8 = lazy(r"^0o[0-7]+$")
_INT16 = lazy(r"^0x[0-9a-fA-F]+$")
_FLOAT = lazy(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = lazy(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = lazy(r"^\.(?:nan|NaN|NAN)$")

_SURROGATE = lazy("[\ud800-\udfff]")

_STR_TAG = "tag:yaml.org,2002:str"
_KNOWN_TAGS = {
    _STR_TAG,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}


# What a non-string plain scalar can start with (null, bools, numbers, .inf, .nan).
_NON_STRING_START = frozenset("~nNtTfF0123456789-+.")


def resolve_plain(text: str) -> Any:
    """The value of an untagged plain scalar (YAML 1.2 core schema)."""
    if text and text[0] not in _NON_STRING_START and text != "\n":  # "\n": $ matches before a final newline
        return text  # most scalars: none of the patterns below can match
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT10.match(text):
        return int(text)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def _tagged(text: str, tag: str, path: str, pos: Position) -> Any:
    if tag in (_STR_TAG, "!"):
        return text
    value = resolve_plain(text)
    kind = tag.rsplit(":", 1)[-1]
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "null": value is None,
    }.get(kind, False)
    if not ok:
        raise KconfError(f"{text!r} is not a valid !!{kind}", path, pos.line)
    return float(value) if kind == "float" else value


# --- the composer ----------------------------------------------------------------------


def _scalar_tag(event: Any) -> str | None:
    tag = event.tag
    if tag is None:
        return None
    return str(tag.value if hasattr(tag, "value") else tag)


# Position(line, column) without the named tuple's Python-level __new__ (one per node)
_new_position: Callable[[type[Position], tuple[int, int]], Position] = tuple.__new__


class _Frame:
    __slots__ = ("container", "path", "pending_key", "pending_key_pos", "pending_key_end", "pending_merge", "anchor", "size", "chars", "merged")

    def __init__(self, container: Any, path: Path, anchor: str | None) -> None:
        self.container = container
        self.path = path
        self.pending_key: Any = _NO_KEY
        self.pending_key_pos: Position | None = None
        self.pending_key_end: Position | None = None
        self.pending_merge = False  # the key is a plain, untagged << (a quoted "<<" is a string)
        self.anchor = anchor
        self.size = 1
        self.chars = 0
        self.merged: set[str] = set()


_NO_KEY = object()


class _Composer:
    def __init__(self, path: str, spans: bool = False) -> None:
        self.path = path
        self.spans = spans
        self.documents: list[Document] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.open_anchors: set[str] = set()
        self.doc: Document | None = None
        self.nodes = 0
        self.chars = 0  # over the whole stream
        self.expanded = 0  # nodes that came through aliases, of self.nodes

    def error(self, message: str, pos: Position) -> KconfError:
        return KconfError(message, self.path, pos.line, column=pos.column)

    @staticmethod
    def pos(event: Any) -> Position:
        mark = event.start_mark
        return _new_position(Position, (mark.line + 1, mark.column + 1))

    @staticmethod
    def end(event: Any) -> Position:
        mark = event.end_mark
        return _new_position(Position, (mark.line + 1, mark.column + 1))

    # where the next node goes ------------------------------------------------------
    def _slot(self) -> tuple[Path, bool]:
        """(path of the next node, whether it is a mapping key)."""
        if not self.stack:
            return (), False
        top = self.stack[-1]
        if isinstance(top.container, dict):
            if top.pending_key is _NO_KEY:
                return top.path, True
            return top.path + (top.pending_key,), False
        return top.path + (len(top.container),), False

    def _count(self, n: int, pos: Position) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            if self.expanded:
                raise self.error(
                    f"more than {MAX_NODES:,} nodes once aliases are expanded (an alias bomb?)", pos
                )
            raise self.error(
                f"more than {MAX_NODES:,} YAML nodes in one document (no aliases among them); "
                "kconf reads documents up to that size", pos
            )

    def _count_chars(self, n: int, pos: Position, alias: str | None = None) -> None:
        self.chars += n
        if self.chars > MAX_EXPANDED_CHARS:
            through = f"alias *{alias} expands" if alias else "aliases expand"
            raise self.error(
                f"{through} the text to more than {MAX_EXPANDED_CHARS:,} characters "
                "(the size limit of a file); kconf refuses such an amplification", pos
            )

    def _place(
        self, value: Any, size: int, pos: Position, chars: int = 0, end: Position | None = None, plain: bool = False
    ) -> None:
        """Put a finished node into its parent (or make it the document)."""
        assert self.doc is not None
        if not self.stack:
            self.doc.data = value
            return
        top = self.stack[-1]
        top.size += size
        top.chars += chars
        if isinstance(top.container, list):
            top.container.append(value)
            return
        if top.pending_key is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise self.error("a mapping or sequence used as a mapping key is not supported", pos)
            key = "null" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
            if key in top.container and key not in top.merged:
                raise self.error(
                    f"duplicate key {key!r} (kubeadm's strict decoder rejects it too)", pos
                )
            top.merged.discard(key)
            top.pending_key = key
            top.pending_key_pos = pos
            top.pending_key_end = end
            top.pending_merge = plain and key == "<<"
            return
        key = top.pending_key
        if top.pending_merge:
            self._merge(top, value, pos)
            if self.doc.spans is not None:
                self.doc.spans.shared = True
        else:
            top.container[key] = value
            self.doc.keys[top.path + (key,)] = top.pending_key_pos or pos
            if self.doc.spans is not None and top.pending_key_end is not None:
                self.doc.spans.key_ends[top.path + (key,)] = top.pending_key_end
        top.pending_key = _NO_KEY

    def _merge(self, top: _Frame, value: Any, pos: Position) -> None:
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict):
                raise self.error("a merge key (<<) needs a mapping or a list of mappings", pos)
            for k, v in source.items():
                if k not in top.container:
                    top.container[k] = v
                    top.merged.add(k)

    # events -----------------------------------------------------------------------
    def run(self, events: Iterable[Any]) -> None:
        """Compose every event of ``events`` (the loop is here, with its
        handler table in a local: a 5,000-node description has 85,000)."""
        handlers = self._handlers
        for event in events:
            kind = type(event)
            handler = handlers.get(kind)
            if handler is None:
                handler = handlers[kind] = getattr(type(self), "on_" + kind.__name__, _Composer._ignore)
            handler(self, event)

    def _ignore(self, event: Any) -> None:
        pass

    # event class -> unbound handler, shared by every composer (both parsers' classes)
    _handlers: dict[type, Callable[[_Composer, Any], None]] = {}

    def on_DocumentStartEvent(self, event: Any) -> None:
        self.doc = Document(None, len(self.documents), self.pos(event), spans=Spans() if self.spans else None)
        self.anchors = {}
        self.nodes = 0
        self.expanded = 0

    def on_DocumentEndEvent(self, event: Any) -> None:
        assert self.doc is not None
        self.documents.append(self.doc)
        self.doc = None

    def _register(self, anchor: str | None, value: Any, size: int, chars: int) -> None:
        if anchor:
            self.anchors[anchor] = (value, size, chars)

    def on_ScalarEvent(self, event: Any) -> None:
        # the hottest handler (two of every three events): _count,
        # _count_chars, _register, pos and _scalar_tag written out here
        mark = event.start_mark
        pos = _new_position(Position, (mark.line + 1, mark.column + 1))
        path, is_key = self._slot()
        tag = event.tag
        if tag is not None:
            tag = str(tag.value if hasattr(tag, "value") else tag)
            if tag not in _KNOWN_TAGS:
                raise self.error(f"unsupported YAML tag {tag!r}", pos)
        text = event.value
        if _SURROGATE.search(text):
            text = self._combine_surrogates(text, pos)
        style = event.style
        if tag is not None and tag != "!":
            value = _tagged(text, tag, self.path, pos)
        elif not style and tag is None:  # plain: None (ruamel) or "" (libyaml)
            value = resolve_plain(text)
        else:
            value = text
        if self.nodes + 1 > MAX_NODES:
            self._count(1, pos)  # raises
        self.nodes += 1
        size = len(text)
        if self.chars + size > MAX_EXPANDED_CHARS:
            self._count_chars(size, pos)  # raises
        self.chars += size
        doc = self.doc
        assert doc is not None
        spans = doc.spans
        if not is_key:
            doc.values[path] = pos
            if spans is not None:
                spans.value_ends[path] = self.end(event)
                if style in ("|", ">"):
                    spans.block_scalars.add(path)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1, size)
        self._place(value, 1, pos, size, self.end(event) if spans is not None else None, not style and tag is None)

    def _combine_surrogates(self, text: str, pos: Position) -> str:
        """``"\\ud83d\\ude42"`` (JSON's escape of one emoji, as json.dumps
        writes it) is one character; a lone surrogate is none, and no UTF-8
        output could hold it."""
        try:
            return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError:
            raise self.error("a \\u escape names a lone UTF-16 surrogate, which is not a character", pos) from None

    def on_AliasEvent(self, event: Any) -> None:
        pos = self.pos(event)
        anchor = event.anchor
        if anchor in self.open_anchors:
            raise self.error(f"recursive alias *{anchor}", pos)
        if anchor not in self.anchors:
            raise self.error(f"alias *{anchor} names no anchor", pos)
        value, size, chars = self.anchors[anchor]
        self.expanded += size
        self._count(size, pos)
        self._count_chars(chars, pos, anchor)
        path, is_key = self._slot()
        assert self.doc is not None
        if not is_key:
            self.doc.values[path] = pos
        if self.doc.spans is not None:
            self.doc.spans.shared = True
        self._place(value, size, pos, chars)

    def _start(self, event: Any, container: Any) -> None:
        pos = self.pos(event)
        tag = _scalar_tag(event)
        if tag is not None and tag not in _KNOWN_TAGS:
            raise self.error(f"unsupported YAML tag {tag!r}", pos)
        if len(self.stack) >= MAX_DEPTH:
            raise self.error(f"nesting deeper than {MAX_DEPTH} levels", pos)
        path, is_key = self._slot()
        if is_key:
            raise self.error("a mapping or sequence used as a mapping key is not supported", pos)
        self._count(1, pos)
        assert self.doc is not None
        self.doc.values[path] = pos
        if self.doc.spans is not None and event.flow_style:
            self.doc.spans.flow.add(path)
        if event.anchor:
            self.open_anchors.add(event.anchor)
        frame = _Frame(container, path, event.anchor)
        self.stack.append(frame)

    def _end(self, event: Any) -> None:
        frame = self.stack.pop()
        if self.doc is not None and self.doc.spans is not None:
            self.doc.spans.value_ends[frame.path] = self.end(event)
        if frame.anchor:
            self.open_anchors.discard(frame.anchor)
            self._register(frame.anchor, frame.container, frame.size, frame.chars)
        self._place(frame.container, frame.size, self.pos(event), frame.chars)

    def on_MappingStartEvent(self, event: Any) -> None:
        self._start(event, {})

    def on_SequenceStartEvent(self, event: Any) -> None:
        self._start(event, [])

    def on_MappingEndEvent(self, event: Any) -> None:
        self._end(event)

    def on_SequenceEndEvent(self, event: Any) -> None:
        self._end(event)


def _import_pyyaml() -> Any:
    """PyYAML, imported with the regular expressions its own modules compile
    at import made lazy (compiled on first use). Eleven are compiled there,
    ~10 ms of CPU in all, ~5 ms of it the Unicode class of its pure-Python
    reader; kconf reads through libyaml, whose events need none of them.
    Only PyYAML's modules get lazy patterns (a module imported meanwhile
    gets re.compile's), and re.compile is itself again once the import ends.
    Raises ImportError when PyYAML is not installed."""
    loaded = sys.modules.get("yaml")
    if loaded is not None:
        return loaded
    real = re.compile

    def compile_lazily(pattern: Any, flags: int = 0) -> Any:
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if isinstance(pattern, str) and (caller == "yaml" or caller.startswith("yaml.")):
            return lazy(pattern, flags)
        return real(pattern, flags)

    setattr(re, "compile", compile_lazily)  # noqa: B010  (a module attribute, for the import below)
    try:
        import yaml
    finally:
        setattr(re, "compile", real)  # noqa: B010
    return yaml


def _libyaml() -> bool:
    """Whether PyYAML's libyaml parser is here: about 50 times faster than
    ruamel's pure-Python one (85,000 events: 0.16 s against 8 s)."""
    try:
        yaml = _import_pyyaml()
    except ImportError:
        return False
    return bool(getattr(yaml, "__with_libyaml__", False))


def _parse(text: str) -> tuple[Iterator[Any], Callable[[], None], type[Exception], type[Exception]]:
    """The event stream of ``text``, what releases the parser when it is
    done with (or not), and the (marked, any) error classes of the parser
    that produces it: libyaml where present, else ruamel's."""
    if _libyaml():
        yaml = _import_pyyaml()
        from yaml.cyaml import CParser  # type: ignore[attr-defined]

        parser = CParser(text)
        # get_event() is None past the stream's end: iter() calls it from C,
        # without a Python generator step per event (85,000 in 5,000 nodes)
        return iter(parser.get_event, None), parser.dispose, yaml.MarkedYAMLError, yaml.YAMLError
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    return YAML(typ="safe", pure=True).parse(io.StringIO(text)), _nothing, MarkedYAMLError, YAMLError


def _nothing() -> None:
    pass


def _check_flow_depth(text: str, path: str) -> None:
    """ruamel's scanner is quadratic in the flow nesting of a single line
    (``[[[[...``); refuse such a line before the parser sees it."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.count("[") + line.count("{") <= MAX_DEPTH:
            continue
        depth = 0
        for char in line:
            if char in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise KconfError(f"nesting deeper than {MAX_DEPTH} levels", path, number)
            elif char in "]}":
                depth = max(0, depth - 1)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""


def load_documents(text: str, path: str, *, spans: bool = False) -> list[Document]:
    """Every document of a YAML stream, with positions (and with ``spans``,
    where each node ends: for editing the text). Raises KconfError."""
    _check_flow_depth(text, path)
    events, release, MarkedYAMLError, YAMLError = _parse(text)
    composer = _Composer(path, spans)
    try:
        composer.run(events)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark  # type: ignore[attr-defined]
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"  # type: ignore[attr-defined]
        if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
            problem = "found a tab character that cannot start any token (tabs are not allowed for indentation in YAML)"
        column = mark.column + 1 if mark is not None else None
        raise KconfError(f"invalid YAML: {problem}", path, line, column=column) from None
    except YAMLError as exc:
        raise KconfError(f"invalid YAML: {exc}", path) from None
    except RecursionError:
        raise KconfError(f"nesting deeper than {MAX_DEPTH} levels", path) from None
    finally:
        release()
    return composer.documents


# A line ``<indent><"- " items and/or a plain key and ": "><plain scalar>``:
# the scalar is a single-line plain value (no quote, indicator, space or
# comment can be in it).
_VALUE_LINE = lazy(
    r"^(?P<prefix> *(?:(?:- +)+|(?:- +)*[A-Za-z_][A-Za-z0-9_.-]*: +))(?P<value>[A-Za-z0-9_./][A-Za-z0-9_./-]*)$",
    re.MULTILINE,
)


def _string_value(match: re.Match[str]) -> bool:
    return isinstance(resolve_plain(match["value"]), str)


class ShapeMemo:
    """load_documents() for many texts of one shape (render's 5,000 join
    configs differ in a node's name and address only): a text that differs
    from one already loaded only in single-line plain string values is
    composed from that one's documents, not parsed again.

    Exact, not a guess: each differing line must be ``<same prefix><plain
    string>`` in both texts, and the first text's documents must hold the
    first string, whole, as the value written at that line and column; the
    values are swapped in a copy of the data, and every position stays (the
    lines and the columns where values start are the same). A text with an
    anchor or alias (``&``, ``*``) is always parsed (one node's text may
    stand for several paths)."""

    def __init__(self) -> None:
        self._shapes: dict[str, tuple[list[str], list[Document], dict[Position, tuple[int, Path]]]] = {}

    @staticmethod
    def _skeleton(text: str) -> str:
        return _VALUE_LINE.sub(lambda m: m["prefix"] + "\0" if _string_value(m) else m[0], text)

    def load(self, text: str, path: str) -> list[Document]:
        if "&" in text or "*" in text or "\0" in text:
            return load_documents(text, path)
        skeleton = self._skeleton(text)
        known = self._shapes.get(skeleton)
        if known is not None:
            documents = self._like(text, *known)
            if documents is not None:
                return documents
        documents = load_documents(text, path)
        if known is None:
            at = {pos: (index, value_path) for index, doc in enumerate(documents) for value_path, pos in doc.values.items()}
            self._shapes[skeleton] = (text.split("\n"), documents, at)
        return documents

    @staticmethod
    def _like(text: str, lines: list[str], documents: list[Document], at: dict[Position, tuple[int, Path]]) -> list[Document] | None:
        new_lines = text.split("\n")
        if len(new_lines) != len(lines):
            return None
        changes: dict[int, list[tuple[Path, str]]] = {}
        for number, (old, new) in enumerate(zip(lines, new_lines), 1):
            if old == new:
                continue
            old_match, new_match = _VALUE_LINE.match(old), _VALUE_LINE.match(new)
            if old_match is None or new_match is None or old_match["prefix"] != new_match["prefix"]:
                return None
            if not (_string_value(old_match) and _string_value(new_match)):
                return None
            found = at.get(_new_position(Position, (number, len(old_match["prefix"]) + 1)))
            if found is None:
                return None
            index, value_path = found
            if not value_path or value_at(documents[index].data, value_path) != old_match["value"]:
                return None
            changes.setdefault(index, []).append((value_path, new_match["value"]))
        result = []
        for index, doc in enumerate(documents):
            data = _copy(doc.data)
            for value_path, value in changes.get(index, ()):
                data = set_value(data, value_path, value)
            result.append(Document(data, doc.index, doc.start, dict(doc.values), dict(doc.keys)))
        return result


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _copy(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_copy(value) for value in data]
    return data


def value_at(data: Any, path: Path) -> Any:
    """The value at ``path`` (keys and indexes) of loaded data; KeyError or IndexError when it is not there."""
    for step in path:
        data = data[step]
    return data


def set_value(data: Any, path: Path, value: Any) -> Any:
    """``data`` with ``value`` put at ``path`` (in place; ``value`` itself for the empty path)."""
    if not path:
        return value
    value_at(data, path[:-1])[path[-1]] = value
    return data


def load_one(text: str, path: str) -> Document:
    """Exactly one non-empty document."""
    docs = [d for d in load_documents(text, path) if d.data is not None]
    if not docs:
        raise KconfError("the file holds no YAML document", path, 1)
    if len(docs) > 1:
        raise KconfError(
            f"expected one YAML document, found {len(docs)}", path, docs[1].start.line
        )
    return docs[0]


# --- dumping ---------------------------------------------------------------------------


# Plain scalars that a YAML 1.1 reader (go-yaml, under kubeadm and kubectl)
# resolves to something other than a string: booleans, null, numbers in any
# base, sexagesimal and floats, timestamps (``2024-01-02``, a valid node or
# cluster name), ``=`` (the value key) and ``<<`` (the merge key). ruamel (YAML 1.2) would write some of them
# unquoted (``on``, ``yes``, ``0755``, ``12:30``), so they are quoted explicitly.
_YAML11_NON_STRING = lazy(
    r"""^(?:=|<<|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    |[0-9]{4}-[0-9]{2}-[0-9]{2}
    |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[\ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
     (?:[\ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?
    |~|null|Null|NULL|
    |[-+]?(?:0b[01_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)
    |[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    re.VERBOSE,
)


def needs_quotes(text: str) -> bool:
    """Whether a string must be quoted to stay a string for YAML 1.1 and 1.2 readers."""
    return bool(_YAML11_NON_STRING.match(text)) or resolve_plain(text) is not text


class Quoted(str):
    """A string that is always written double-quoted (placeholders, values that
    must stay strings after a shell fills them in)."""


# A string written plain in block context: no indicator first, no ": " or
# " #" inside, no trailing ":", nothing that is not printable.
_PLAIN_START = lazy(r"^[^-?:,\[\]{}#&*!|>'\"%@`\s]")


# Characters YAML does not allow raw, and the ones YAML 1.1 reads as line
# breaks (NEL, LS, PS), which would fold inside a quoted scalar.
_NOT_YAML_PRINTABLE = lazy("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


@functools.lru_cache(maxsize=8192)  # keys and values repeat across documents and files
def _plain_ok(text: str) -> bool:
    return (
        bool(_PLAIN_START.match(text))
        and text == text.strip()
        and text.isprintable()
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and not needs_quotes(text)
    )


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    text = str(value)
    if not isinstance(value, Quoted) and _plain_ok(text):
        return text
    # A JSON string is a valid YAML double-quoted scalar (escapes included),
    # once the characters YAML does not allow raw (DEL, C1 controls,
    # U+FFFE/U+FFFF) are escaped too.
    return _double_quoted(text)


def _double_quoted(text: str) -> str:
    import json  # only for quoting: reading YAML (lint, calico patch) does not need it

    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def _block(value: Any, indent: int, lines: list[str]) -> None:
    """A non-empty mapping or sequence at ``indent``; a sequence under a key
    is indented two more than the key, its items' content two past the dash."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            head = f"{pad}{_scalar(key)}:"
            if isinstance(item, (dict, list)) and item:
                lines.append(head)
                _block(item, indent + 2, lines)
            else:
                text = _inline(item)
                lines.append(f"{head} {text}" if text else head)
        return
    for item in value:
        if isinstance(item, (dict, list)) and item:
            start = len(lines)
            _block(item, indent + 2, lines)
            lines[start] = f"{pad}- {lines[start][indent + 2:]}"
        else:
            text = _inline(item)
            lines.append(f"{pad}- {text}" if text else f"{pad}-")


def dump_documents(documents: list[Any]) -> str:
    """Stable block-style YAML of plain data (mappings, lists, strings,
    numbers, booleans, null): insertion order kept, no line wrapping,
    sequences indented under their key, ``---`` between documents. Strings
    are plain only where no YAML 1.1 or 1.2 reader could read them as
    anything else; otherwise double-quoted.

    kconf writes only such data, so a direct emitter does the job of
    ruamel's representer/serializer/emitter pipeline at a fraction of its
    cost (render of a 6-node cluster: 72 ms of dumping before)."""
    out: list[str] = []
    for index, document in enumerate(documents):
        if index:
            out.append("---")
        if isinstance(document, (dict, list)) and document:
            _block(document, 0, out)
        else:
            out.append(_inline(document))
    return "\n".join(out) + "\n"


# --- editing the text in place ---------------------------------------------------------
#
# Comments are not data: a round trip through data loses them. An edit that
# must keep them changes the text itself, at the positions the parser gave
# (load_documents(..., spans=True)), and the caller checks that the edited
# text loads to the data it means.

# Line breaks YAML knows that a split on "\n" would not see (or YAML 1.1 readers would see more).
ODD_LINE_BREAKS = lazy("\r(?!\n)|[\x85\u2028\u2029]")


class TextEdit(NamedTuple):
    start: int  # character offsets into the text
    end: int
    text: str


class Lines:
    """A text split into lines (on "\\n"; a "\\r" before it belongs to the
    line break), with offsets for parser positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.starts.append(index + 1)
        self.newline = "\r\n" if "\r\n" in text and text.count("\r\n") == text.count("\n") else "\n"

    def __len__(self) -> int:
        """The number of lines; a text ending in a line break has no empty last line."""
        count = len(self.starts)
        return count - 1 if self.text.endswith("\n") or not self.text else count

    def offset(self, position: Position) -> int:
        return self.starts[position.line - 1] + position.column - 1

    def start(self, line: int) -> int:
        """Offset of the first character of a 1-based line (len(text) past the end)."""
        return self.starts[line - 1] if line <= len(self.starts) else len(self.text)

    def end(self, line: int) -> int:
        """Offset just past the line's content (before its line break)."""
        stop = self.start(line + 1)
        if stop > self.start(line) and self.text[stop - 1 : stop] == "\n":
            stop -= 1
            if self.text[stop - 1 : stop] == "\r":
                stop -= 1
        return stop

    def __getitem__(self, line: int) -> str:
        return self.text[self.start(line) : self.end(line)]

    def is_comment_or_blank(self, line: int) -> bool:
        content = self[line].strip()
        return not content or content.startswith("#")


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """The text with every edit made; edits must not overlap (ValueError)."""
    out: list[str] = []
    done = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < done:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        out.append(text[done : edit.start])
        out.append(edit.text)
        done = edit.end
    out.append(text[done:])
    return "".join(out)


def block_scalar(value: Any) -> str:
    """A scalar as dump_documents writes it in block context."""
    return _scalar(value)


_FLOW_PLAIN = lazy(r"^[A-Za-z0-9_./=+-]+$")


def flow_scalar(value: Any) -> str:
    """A scalar for a flow collection (``[...]``, ``{...}``): plain when it
    cannot be mistaken for anything else there, else double-quoted."""
    if isinstance(value, str) and not isinstance(value, Quoted):
        if _FLOW_PLAIN.match(value) and _plain_ok(value):
            return value
        return _double_quoted(value)
    return _scalar(value)


def has_comment(text: str) -> bool:
    """Whether a piece of YAML may hold a comment (a ``#`` at a line's start
    or after white space; inside a quoted string it is not one, so this errs
    towards yes)."""
    return re.search(r"(?:^|\s)#", text) is not None
