"""An HAProxy configuration read the way HAProxy reads it, for the lint rules.

``parse_haproxy(text, path) -> HAProxyConfig`` splits the file into sections
(``global``, ``defaults``, ``frontend``, ``backend``, ``listen`` and the
other section kinds HAProxy knows) and each section into directives, words
split as HAProxy splits them (quotes, backslash escapes, ``#`` comments).
On top of that it models what the rules ask about, with HAProxy's own
semantics (configuration manual, section 4 and 5):

- a proxy takes its initial settings from the last ``defaults`` section
  before it, or from the named one given with ``from NAME``; an unnamed
  ``defaults`` resets everything (``defaults X from Y`` inherits from Y);
- ``mode`` is the proxy's own, else its defaults', else ``tcp`` (the manual:
  "tcp ... This is the default mode.");
- a ``server`` gets the ``default-server`` settings in force where it is
  declared: its defaults section's, then those of its own section above it;
  flags are negated with ``no-`` (``no-check``), the last word wins;
- the health-check type (``option httpchk``, ``option ssl-hello-chk``, ...)
  is one setting: a later check option replaces an earlier one, and a proxy's
  own replaces the inherited one.

A line before the first section is an error (KconfError with its line): the
file is no HAProxy configuration HAProxy would load.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import NamedTuple

from kconf.addresses import Address
from kconf.errors import KconfError

# HAProxy configuration manual, "mode { tcp|http }": "tcp ... This is the default mode."
DEFAULT_MODE = "tcp"

PROXY_KINDS = frozenset({"frontend", "backend", "listen"})
SERVER_KINDS = frozenset({"backend", "listen"})
BIND_KINDS = frozenset({"frontend", "listen"})
SECTION_KINDS = frozenset(
    {
        "global", "defaults", *PROXY_KINDS, "peers", "resolvers", "userlist", "mailers", "program",
        "http-errors", "ring", "log-forward", "cache", "fcgi-app", "crt-store", "traces",
    }
)
# ``option X`` values that choose the health-check type; each replaces the previous one.
CHECK_OPTIONS = frozenset(
    {
        "httpchk", "ssl-hello-chk", "tcp-check", "smtpchk", "pgsql-check", "redis-check",
        "mysql-check", "ldap-check", "spop-check", "external-check",
    }
)
# Server and default-server settings followed by a value (configuration manual 5.2).
_VALUED_SERVER_OPTIONS = frozenset(
    {
        "addr", "agent-addr", "agent-inter", "agent-port", "agent-send", "alpn", "ca-file", "check-alpn",
        "check-proto", "check-sni", "ciphers", "ciphersuites", "client-sigalgs", "cookie", "crl-file", "crt",
        "curves", "downinter", "error-limit", "fall", "fastinter", "guid", "hash-key", "id", "init-addr",
        "init-state", "inter", "log-bufsize", "log-proto", "max-reuse", "maxconn", "maxqueue", "minconn",
        "namespace", "npn", "observe", "on-error", "on-marked-down", "on-marked-up", "pool-conn-name",
        "pool-low-conn", "pool-max-conn", "pool-purge-delay", "port", "proto", "proxy-v2-options", "redir",
        "resolve-net", "resolve-opts", "resolve-prefer", "resolvers", "rise", "set-proxy-v2-tlv-fmt", "shard",
        "sigalgs", "slowstart", "sni", "socks4", "source", "ssl-max-ver", "ssl-min-ver", "tcp-ut", "track",
        "verify", "verifyhost", "weight", "ws",
    }
)
# Address prefixes (``ipv6@::1:6443``) that name a family; the others name sockets without a port.
_IP_FAMILIES = frozenset({"ipv4", "ipv6", "udp", "udp4", "udp6", "quic4", "quic6", "tcp", "tcp4", "tcp6"})
_SOCKET_FAMILIES = frozenset({"unix", "abns", "abnsz", "fd", "sockpair", "uxst", "uxdg", "rhttp"})
_PREFIXES = frozenset({"no", "default"})


# --- the model -----------------------------------------------------------------------------


class Word(NamedTuple):
    text: str
    column: int  # 1-based


class Directive(NamedTuple):
    """One configuration line: ``keyword args...``; ``prefix`` is ``no`` or
    ``default`` when the line starts with one (``no option httpchk``)."""

    keyword: str
    args: tuple[str, ...]
    line: int
    column: int
    arg_columns: tuple[int, ...] = ()
    prefix: str = ""

    def arg_column(self, index: int) -> int:
        return self.arg_columns[index] if 0 <= index < len(self.arg_columns) else self.column

    def is_option(self, name: str) -> bool:
        return self.keyword == "option" and not self.prefix and bool(self.args) and self.args[0] == name


class SocketAddress(NamedTuple):
    """``[family@]host[:port]`` of a server or bind line. ``port`` is None when
    none is written or it is not a plain number (a range, ``+1000``)."""

    text: str
    host: str  # without brackets and family prefix; "" for ``:6443``
    port: int | None
    port_text: str
    family: str | None
    ip: Address | None
    column: int

    @property
    def is_wildcard(self) -> bool:
        """Listens on every address (``:6443``, ``*:6443``, ``0.0.0.0``, ``::``)."""
        return self.host in ("", "*") or (self.ip is not None and self.ip.is_unspecified)

    @property
    def is_socket(self) -> bool:
        return self.family in _SOCKET_FAMILIES or self.host.startswith("/")


class ServerOption(NamedTuple):
    name: str
    value: str | None
    column: int


class Server(NamedTuple):
    """A ``server`` line. ``inherited`` are the default-server settings in force
    where it stands (defaults section first); ``options`` its own."""

    name: str
    address: SocketAddress
    options: tuple[ServerOption, ...]
    inherited: tuple[ServerOption, ...]
    line: int
    column: int

    @property
    def effective(self) -> tuple[ServerOption, ...]:
        return self.inherited + self.options

    def enabled(self, flag: str) -> bool:
        """Whether a flag (``check``, ``check-ssl``, ``ssl``, ...) is on; the
        last of ``flag`` / ``no-flag`` wins."""
        state = False
        for option in self.effective:
            if option.name == flag:
                state = True
            elif option.name == "no-" + flag:
                state = False
        return state

    def value(self, name: str) -> str | None:
        """The last value given to a setting (``verify``, ``port``), or None."""
        found: str | None = None
        for option in self.effective:
            if option.name == name:
                found = option.value
        return found


class Bind(NamedTuple):
    addresses: tuple[SocketAddress, ...]
    options: tuple[str, ...]
    line: int
    column: int


class Section:
    """A section and, for proxies, what the rules ask about. ``defaults`` is the
    defaults section this one takes its initial settings from. (A plain class,
    not a dataclass: those cost ~0.5 ms each at import.)"""

    __slots__ = ("kind", "name", "line", "column", "from_name", "defaults", "directives", "servers", "binds", "default_server")

    def __init__(
        self,
        kind: str,
        name: str | None,
        line: int,
        column: int,
        from_name: str | None = None,
        defaults: Section | None = None,
        directives: list[Directive] | None = None,
        servers: list[Server] | None = None,
        binds: list[Bind] | None = None,
        default_server: tuple[ServerOption, ...] = (),  # in force at the end of the section
    ) -> None:
        self.kind = kind
        self.name = name
        self.line = line
        self.column = column
        self.from_name = from_name
        self.defaults = defaults
        self.directives: list[Directive] = [] if directives is None else directives
        self.servers: list[Server] = [] if servers is None else servers
        self.binds: list[Bind] = [] if binds is None else binds
        self.default_server = default_server

    @property
    def title(self) -> str:
        return f"{self.kind} {self.name}" if self.name else self.kind

    def own(self, keyword: str) -> list[Directive]:
        return [d for d in self.directives if d.keyword == keyword and not d.prefix]

    def _inherited(self) -> Iterator[Section]:
        """This section, then its defaults chain (guarded against loops)."""
        seen: set[int] = set()
        section: Section | None = self
        while section is not None and id(section) not in seen:
            seen.add(id(section))
            yield section
            section = section.defaults

    @property
    def lineage(self) -> tuple[Section, ...]:
        """The defaults sections this one inherits from, outermost first, then
        itself: the order in which HAProxy applies their settings."""
        return tuple(reversed(tuple(self._inherited())))

    @property
    def mode_directive(self) -> Directive | None:
        """The ``mode`` line that decides the mode (own or inherited); None
        when nothing sets it (HAProxy's default, tcp)."""
        for section in self._inherited():
            own = [d for d in section.own("mode") if d.args]
            if own:
                return own[-1]
        return None

    @property
    def mode(self) -> str:
        directive = self.mode_directive
        return directive.args[0] if directive is not None else DEFAULT_MODE

    @property
    def check_options(self) -> tuple[Directive, ...]:
        """The health-check option lines of the section that decides the check
        type: this one when it has any, else the nearest defaults that has."""
        for section in self._inherited():
            own = tuple(d for d in section.own("option") if d.args and d.args[0] in CHECK_OPTIONS)
            if own:
                return own
        return ()

    @property
    def health_check(self) -> Directive | None:
        """The check option in force (the last one wins), or None: a plain TCP connect."""
        options = self.check_options
        return options[-1] if options else None

    @property
    def http_checks(self) -> tuple[Directive, ...]:
        for section in self._inherited():
            own = tuple(section.own("http-check"))
            if own:
                return own
        return ()

    @property
    def default_backend(self) -> Directive | None:
        for section in self._inherited():
            own = [d for d in section.own("default_backend") if d.args]
            if own:
                return own[-1]
        return None

    @property
    def use_backends(self) -> list[Directive]:
        return [d for d in self.own("use_backend") if d.args]

    def bound_ports(self) -> set[int]:
        return {a.port for b in self.binds for a in b.addresses if a.port is not None}


class HAProxyConfig:
    __slots__ = ("path", "sections")

    def __init__(self, path: str, sections: list[Section]) -> None:
        self.path = path
        self.sections = sections

    @property
    def proxies(self) -> list[Section]:
        return [s for s in self.sections if s.kind in PROXY_KINDS]

    def of_kind(self, *kinds: str) -> list[Section]:
        return [s for s in self.sections if s.kind in kinds]

    def backend(self, name: str) -> Section | None:
        """The backend (or listen) called ``name``, as use_backend finds it."""
        found = [s for s in self.sections if s.kind in SERVER_KINDS and s.name == name]
        return found[-1] if found else None

    def targets(self, frontend: Section) -> list[tuple[Directive, Section | None]]:
        """Where a frontend sends traffic: (default_backend / use_backend line,
        the backend or None when it does not exist). A listen is its own target."""
        out: list[tuple[Directive, Section | None]] = []
        default = frontend.default_backend
        for directive in ([default] if default is not None else []) + frontend.use_backends:
            name = directive.args[0]
            out.append((directive, None if "%[" in name else self.backend(name)))
        return out


# --- words ---------------------------------------------------------------------------------


def split_words(line: str, number: int, path: str) -> list[Word]:
    """Words of a line as HAProxy splits them: white space separates, quotes
    group (and are removed), a backslash escapes the next character, and an
    unquoted, unescaped ``#`` starts a comment."""
    words: list[Word] = []
    current: list[str] = []
    start = -1
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"' and i + 1 < len(line):
                i += 1
                current.append(line[i])
            else:
                current.append(ch)
        elif ch in " \t\r":
            if start >= 0:
                words.append(Word("".join(current), start + 1))
                current, start = [], -1
        elif ch == "#":
            break
        else:
            if start < 0:
                start = i
            if ch in "\"'":
                quote = ch
            elif ch == "\\" and i + 1 < len(line):
                i += 1
                current.append(line[i])
            else:
                current.append(ch)
        i += 1
    if quote:
        raise KconfError(f"unmatched {quote} quote (HAProxy refuses the line)", path, number)
    if start >= 0:
        words.append(Word("".join(current), start + 1))
    return words


def parse_socket_address(text: str, column: int) -> SocketAddress:
    """``[family@]host[:port]``; like HAProxy, without brackets the port is the
    text after the last colon (``ipv6@2001:db8::1:6443``)."""
    family: str | None = None
    rest = text
    prefix, at, after = text.partition("@")
    if at and (prefix in _IP_FAMILIES or prefix in _SOCKET_FAMILIES):
        family, rest = prefix, after
    if family in _SOCKET_FAMILIES or rest.startswith("/"):
        return SocketAddress(text, rest, None, "", family, None, column)
    if rest.startswith("[") and "]" in rest:
        end = rest.index("]")
        host, tail = rest[1:end], rest[end + 1 :]
        port_text = tail[1:] if tail.startswith(":") else ""
    elif ":" in rest:
        host, _, port_text = rest.rpartition(":")
    else:
        host, port_text = rest, ""
    port = int(port_text) if port_text.isdigit() else None
    ip: Address | None
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    return SocketAddress(text, host, port, port_text, family, ip, column)


# --- sections ------------------------------------------------------------------------------


def _server_options(words: list[Word]) -> tuple[ServerOption, ...]:
    options: list[ServerOption] = []
    i = 0
    while i < len(words):
        word = words[i]
        value: str | None = None
        if word.text in _VALUED_SERVER_OPTIONS and i + 1 < len(words):
            value = words[i + 1].text
            i += 1
        options.append(ServerOption(word.text, value, word.column))
        i += 1
    return tuple(options)


def server_options(directive: Directive) -> tuple[ServerOption, ...]:
    """The settings of a ``server`` (after its name and address) or
    ``default-server`` line, with their columns."""
    skip = 2 if directive.keyword == "server" else 0
    words = [Word(text, directive.arg_column(i)) for i, text in enumerate(directive.args)]
    return _server_options(words[skip:])


def _directive(words: list[Word], number: int) -> Directive:
    prefix = ""
    if words[0].text in _PREFIXES and len(words) > 1:
        prefix, words = words[0].text, words[1:]
    return Directive(
        words[0].text, tuple(w.text for w in words[1:]), number, words[0].column,
        tuple(w.column for w in words[1:]), prefix,
    )


class _Parser:
    def __init__(self, path: str) -> None:
        self.path = path
        self.sections: list[Section] = []
        self.last_defaults: Section | None = None
        self.named_defaults: dict[str, Section] = {}
        self.current: Section | None = None
        self.default_server: list[ServerOption] = []

    def open(self, words: list[Word], number: int) -> None:
        kind = words[0].text
        args = [w.text for w in words[1:]]
        name = args[0] if args and args[0] != "from" else None
        if kind in PROXY_KINDS and name is None:
            raise KconfError(f"'{kind}' needs a name (HAProxy refuses the section)", self.path, number)
        from_name = args[args.index("from") + 1] if "from" in args[:-1] else None
        section = Section(kind, name, number, words[0].column, from_name=from_name)
        if kind in PROXY_KINDS or kind == "defaults":
            section.defaults = self._parent(section)
        self.default_server = list(section.defaults.default_server) if section.defaults is not None else []
        section.default_server = tuple(self.default_server)
        if kind == "listen" and len(args) > 1 and args[1] != "from":
            # The old ``listen NAME ADDRESS:PORT`` form.
            self._bind(section, words[2:], number)
        if kind == "defaults":
            self.last_defaults = section
            if name is not None:
                self.named_defaults[name] = section
        self.sections.append(section)
        self.current = section

    def _parent(self, section: Section) -> Section | None:
        if section.from_name is not None:
            fallback = self.last_defaults if section.kind != "defaults" else None
            return self.named_defaults.get(section.from_name, fallback)
        # An unnamed-parent defaults section starts afresh from HAProxy's documented settings.
        return None if section.kind == "defaults" else self.last_defaults

    def _bind(self, section: Section, words: list[Word], number: int) -> None:
        if not words:
            return
        first = words[0]
        addresses: list[SocketAddress] = []
        offset = 0
        for part in first.text.split(","):
            if part:
                addresses.append(parse_socket_address(part, first.column + offset))
            offset += len(part) + 1
        section.binds.append(Bind(tuple(addresses), tuple(w.text for w in words[1:]), number, first.column))

    def add(self, words: list[Word], number: int) -> None:
        section = self.current
        if section is None:
            raise KconfError(
                f"{words[0].text!r} before any section: an HAProxy configuration starts with a section "
                "(global, defaults, frontend, backend, listen)",
                self.path,
                number,
            )
        directive = _directive(words, number)
        section.directives.append(directive)
        if directive.prefix:
            return
        keyword = directive.keyword
        if keyword == "default-server" and (section.kind in SERVER_KINDS or section.kind == "defaults"):
            self.default_server.extend(_server_options(words[1:]))
            section.default_server = tuple(self.default_server)
        elif keyword == "server" and section.kind in SERVER_KINDS:
            if len(words) < 3:
                raise KconfError("'server' needs a name and an address (HAProxy refuses the line)", self.path, number)
            section.servers.append(
                Server(
                    name=words[1].text,
                    address=parse_socket_address(words[2].text, words[2].column),
                    options=_server_options(words[3:]),
                    inherited=tuple(self.default_server),
                    line=number,
                    column=words[0].column,
                )
            )
        elif keyword == "bind" and section.kind in BIND_KINDS:
            self._bind(section, words[1:], number)


def parse_haproxy(text: str, path: str) -> HAProxyConfig:
    """The sections of an HAProxy configuration; KconfError (with the line)
    for text before the first section, an unmatched quote, or a proxy or
    server line without its name."""
    parser = _Parser(path)
    for number, line in enumerate(text.splitlines(), start=1):
        words = split_words(line, number, path)
        if not words:
            continue
        if words[0].text in SECTION_KINDS:
            parser.open(words, number)
        else:
            parser.add(words, number)
    return HAProxyConfig(path, parser.sections)
