"""Reading keepalived.conf, as far as the lint rules need it: the
vrrp_instance blocks and their settings, with lines and columns.

keepalived's grammar: keywords and values separated by white space, `{ ... }`
blocks (a brace is a word of its own wherever it stands: on the keyword's
line, alone on the next line, or a whole block on one line), comments from
`#` or `!` to the end of the line. `include` and
`@host` conditionals are kept as they are (not followed).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kconf.errors import KconfError
from kconf.lazyre import lazy

_TOKEN = lazy(r'"[^"]*"|[{}]|[^\s{}"]+')
# settings read from a vrrp_instance; blocks whose words are kept as values
SETTINGS = ("state", "interface", "virtual_router_id", "priority", "unicast_src_ip")
LISTS = ("unicast_peer", "virtual_ipaddress")


# NamedTuple and plain classes, not dataclasses: each @dataclass costs ~0.5 ms at import.


class Word(NamedTuple):
    text: str
    line: int
    column: int


class VrrpInstance:
    __slots__ = ("name", "line", "settings", "lists")

    def __init__(self, name: str, line: int, settings: dict[str, Word] | None = None, lists: dict[str, list[Word]] | None = None) -> None:
        self.name = name
        self.line = line
        self.settings: dict[str, Word] = {} if settings is None else settings
        self.lists: dict[str, list[Word]] = {} if lists is None else lists


class KeepalivedConfig:
    __slots__ = ("instances",)

    def __init__(self, instances: list[VrrpInstance] | None = None) -> None:
        self.instances: list[VrrpInstance] = [] if instances is None else instances


def _words(text: str) -> list[list[Word]]:
    lines: list[list[Word]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        words: list[Word] = []
        for match in _TOKEN.finditer(raw):
            token = match.group()
            if token[0] in "#!":
                break
            words.append(Word(token.strip('"'), number, match.start() + 1))
        lines.append(words)
    return lines


def _statements(text: str) -> list[tuple[list[Word], Word | None]]:
    """The statements of the file, each (its words, the brace that ends it
    or None at the end of its line). keepalived reads a brace anywhere as a
    word of its own: `unicast_peer { 192.0.2.12 }` on one line is a block
    with one entry, and a "{" that starts a line opens the block of the
    statement on the line before (`vrrp_instance VI_1`, then `{` below)."""
    statements: list[tuple[list[Word], Word | None]] = []
    for words in _words(text):
        statement: list[Word] = []
        for word in words:
            if word.text in ("{", "}"):
                statements.append((statement, word))
                statement = []
            else:
                statement.append(word)
        if statement:
            statements.append((statement, None))
    return statements


def parse_keepalived(text: str, path: str) -> KeepalivedConfig:
    config = KeepalivedConfig()
    blocks: list[list[Word]] = []  # the statement that opened each open block, innermost last
    instance: VrrpInstance | None = None
    previous: list[Word] = []  # the statement that ended its line just before, for a "{" starting the next
    for words, brace in _statements(text):
        if brace is not None and brace.text == "{":
            opener = words or previous
            blocks.append(opener)
            if len(blocks) == 1 and len(opener) >= 2 and opener[0].text == "vrrp_instance":
                instance = VrrpInstance(opener[1].text, opener[0].line)
                config.instances.append(instance)
            elif len(blocks) == 2 and instance is not None and opener and opener[0].text in LISTS:
                instance.lists.setdefault(opener[0].text, [])
            previous = []
            continue
        if words and instance is not None:
            if len(blocks) == 1 and words[0].text in SETTINGS and len(words) >= 2:
                instance.settings[words[0].text] = words[1]
            elif len(blocks) == 2 and blocks[1] and blocks[1][0].text in LISTS:
                instance.lists[blocks[1][0].text].append(words[0])
        previous = words if brace is None else []
        if brace is not None:  # "}"
            if not blocks:
                raise KconfError("a '}' closes no block", path, brace.line)
            blocks.pop()
            if not blocks:
                instance = None
    if blocks:
        raise KconfError("a '{' is never closed", path, len(text.splitlines()) or 1)
    return config
