"""Reading keepalived.conf, as far as the lint rules need it: the
vrrp_instance blocks and their settings, with lines and columns.

keepalived's grammar: keywords and values separated by white space, `{ ... }`
blocks, comments from `#` or `!` to the end of the line. `include` and
`@host` conditionals are kept as they are (not followed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kconf.errors import KconfError

_TOKEN = re.compile(r'"[^"]*"|[{}]|[^\s{}"]+')
# settings read from a vrrp_instance; blocks whose words are kept as values
SETTINGS = ("state", "interface", "virtual_router_id", "priority", "unicast_src_ip")
LISTS = ("unicast_peer", "virtual_ipaddress")


@dataclass(frozen=True)
class Word:
    text: str
    line: int
    column: int


@dataclass
class VrrpInstance:
    name: str
    line: int
    settings: dict[str, Word] = field(default_factory=dict)
    lists: dict[str, list[Word]] = field(default_factory=dict)


@dataclass
class KeepalivedConfig:
    instances: list[VrrpInstance] = field(default_factory=list)


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


def parse_keepalived(text: str, path: str) -> KeepalivedConfig:
    config = KeepalivedConfig()
    depth = 0
    instance: VrrpInstance | None = None
    collecting: str | None = None  # the list block being read, inside an instance
    for words in _words(text):
        for index, word in enumerate(words):
            if word.text == "{":
                depth += 1
                if depth == 1 and index >= 2 and words[0].text == "vrrp_instance":
                    instance = VrrpInstance(words[1].text, word.line)
                    config.instances.append(instance)
                elif depth == 2 and instance is not None and index >= 1 and words[0].text in LISTS:
                    collecting = words[0].text
                    instance.lists.setdefault(collecting, [])
            elif word.text == "}":
                depth -= 1
                if depth < 0:
                    raise KconfError("a '}' closes no block", path, word.line)
                if depth < 2:
                    collecting = None
                if depth == 0:
                    instance = None
        if not words or instance is None or words[0].text in ("{", "}"):
            continue
        head = words[0]
        if collecting is not None and depth == 2 and head.text != collecting:
            instance.lists[collecting].append(head)
        elif depth == 1 and head.text in SETTINGS and len(words) >= 2:
            instance.settings[head.text] = words[1]
    if depth > 0:
        raise KconfError("a '{' is never closed", path, len(text.splitlines()) or 1)
    return config
