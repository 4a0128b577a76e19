"""The one exception type for mistakes in user input.

Raised anywhere in the core; caught only at the CLI edge, which prints
``kconf: error: FILE:LINE: message`` and exits 2.
"""

from __future__ import annotations

from collections.abc import Sequence

from kconf.lazyre import lazy

FieldPath = Sequence["str | int"]


_PLAIN_KEY = lazy(r"[A-Za-z0-9_-]+")


def format_field_path(path: FieldPath) -> str:
    """``("spec", "nodes", 0, "address")`` -> ``spec.nodes[0].address``: the
    one way every message writes a field path (list items in brackets, never
    ``spec.nodes.0``). A key that is not a plain name (``memory.available``,
    a label key ``node-role.kubernetes.io/x``) is quoted in brackets, so its
    dots are not read as steps: ``labels["node-role.kubernetes.io/x"]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(str(part)):
            import json  # only for a key that is not a plain name: every command imports this module

            out += f"[{json.dumps(str(part), ensure_ascii=False)}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class KconfError(Exception):
    """A user's input is wrong: a message naming file, line and field."""

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        field: FieldPath | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.field = tuple(field) if field else ()
        self.column = column  # 1-based, where known: lint's findings show it (the message keeps FILE:LINE)

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = plain_line(self.path) + (f":{self.line}" if self.line is not None else "") + ": "
        field = f"{format_field_path(self.field)}: " if self.field else ""
        return f"{where}{field}{self.message}"


def printable_name(name: str) -> str:
    """A file name for a comment line of an output file: its bytes read as
    UTF-8 whatever the locale (with an ASCII file system encoding, LC_ALL=C
    without UTF-8 mode, Python decodes ``clüster.yaml`` to surrogate escapes
    and the output would differ), and in repr() form when it holds a line
    break or another character that would end or garble the comment."""
    import os

    try:
        name = os.fsencode(name).decode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # not from the file system (a str made in code): as it is
        pass
    return name if name.isprintable() else repr(name)


def _escape_char(char: str) -> str:
    if char == "\\":
        return "\\\\"
    return repr(char)[1:-1] if len(repr(char)) > 3 else f"\\x{ord(char):02x}"


def plain_line(text: str) -> str:
    """``text`` as part of one line: line breaks, tabs, escape sequences
    and other control or separator characters are written as Python
    escapes (``\\n``, ``\\x1b``, ``\\u2028``), so a file name cannot start a
    line of its own (a GitHub workflow command such as ``::error``) or
    colour a terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() and c != "\\" else _escape_char(c) for c in text)
