"""kconf.lint.haproxy: sections, directives, words, addresses, and the HAProxy
semantics the rules rely on (mode and default-server inheritance, check type)."""

from __future__ import annotations

from ipaddress import ip_address
from pathlib import Path

import pytest

from kconf.errors import KconfError
from kconf.lint.haproxy import DEFAULT_MODE, HAProxyConfig, Section, parse_haproxy, parse_socket_address, split_words
from lintkit import BASE_CLUSTER, lay_out, lint, render_into, where

# The shape of Debian's /etc/haproxy/haproxy.cfg (haproxy 2.6 package), tabs and all.
DEBIAN = """\
global
\tlog /dev/log\tlocal0
\tlog /dev/log\tlocal1 notice
\tchroot /var/lib/haproxy
\tstats socket /run/haproxy/admin.sock mode 660 level admin
\tstats timeout 30s
\tuser haproxy
\tgroup haproxy
\tdaemon

\t# Default SSL material locations
\tca-base /etc/ssl/certs
\tcrt-base /etc/ssl/private

\t# See: https://ssl-config.mozilla.org/#server=haproxy&server-version=2.0.3&config=intermediate
        ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256
        ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets

defaults
\tlog\tglobal
\tmode\thttp
\toption\thttplog
\toption\tdontlognull
        timeout connect 5000
        timeout client  50000
        timeout server  50000
\terrorfile 400 /etc/haproxy/errors/400.http
\terrorfile 403 /etc/haproxy/errors/403.http
\terrorfile 503 /etc/haproxy/errors/503.http
"""


def parsed(text: str) -> HAProxyConfig:
    return parse_haproxy(text, "haproxy.cfg")


def section(config: HAProxyConfig, title: str) -> Section:
    return next(s for s in config.sections if s.title == title)


# --- whole files ----------------------------------------------------------------------------


def test_debian_default_config() -> None:
    config = parsed(DEBIAN)
    assert [(s.kind, s.name, s.line) for s in config.sections] == [("global", None, 1), ("defaults", None, 19)]
    glob = section(config, "global")
    assert [d.keyword for d in glob.directives] == [
        "log", "log", "chroot", "stats", "stats", "user", "group", "daemon", "ca-base", "crt-base",
        "ssl-default-bind-ciphers", "ssl-default-bind-options",
    ]
    stats = glob.own("stats")[0]
    assert (stats.args, stats.line, stats.column) == (("socket", "/run/haproxy/admin.sock", "mode", "660", "level", "admin"), 5, 2)
    assert glob.own("daemon")[0].args == ()
    defaults = section(config, "defaults")
    assert defaults.mode == "http"
    assert defaults.mode_directive is not None and defaults.mode_directive.line == 21
    assert [d.args for d in defaults.own("errorfile")] == [
        ("400", "/etc/haproxy/errors/400.http"), ("403", "/etc/haproxy/errors/403.http"), ("503", "/etc/haproxy/errors/503.http"),
    ]
    assert [d.args for d in defaults.own("timeout")] == [("connect", "5000"), ("client", "50000"), ("server", "50000")]
    assert config.proxies == []


def test_kconf_rendered_config(tmp_path: Path) -> None:
    out = render_into(tmp_path)
    config = parse_haproxy((out / "haproxy.cfg").read_text(), "haproxy.cfg")
    assert [s.title for s in config.sections] == ["global", "defaults", "frontend kube-apiserver", "backend kube-apiserver"]
    front, back = section(config, "frontend kube-apiserver"), section(config, "backend kube-apiserver")
    assert front.mode == back.mode == "tcp"
    assert front.bound_ports() == {6443}
    assert [(d.args, target is back) for d, target in config.targets(front)] == [(("kube-apiserver",), True)]
    lines = (out / "haproxy.cfg").read_text().splitlines()
    first = next(n for n, line in enumerate(lines, 1) if line.strip().startswith("server cp-1 "))
    assert [(s.name, s.address.ip, s.address.port, s.line) for s in back.servers] == [
        ("cp-1", ip_address("192.168.51.81"), 6443, first),
        ("cp-2", ip_address("192.168.51.82"), 6443, first + 1),
        ("cp-3", ip_address("192.168.51.83"), 6443, first + 2),
    ]
    server = back.servers[0]
    assert [o.name for o in server.options] == ["check", "check-ssl", "verify"]
    assert server.enabled("check") and server.enabled("check-ssl") and server.value("verify") == "none"
    assert [(o.name, o.value) for o in server.inherited] == [("inter", "5s"), ("fall", "3"), ("rise", "2")]
    httpchk = next(n for n, line in enumerate(lines, 1) if line.strip() == "option httpchk")
    assert back.health_check is not None and (back.health_check.args, back.health_check.line) == (("httpchk",), httpchk)
    assert [d.args[0] for d in back.http_checks] == ["send", "expect"]


# --- words -------------------------------------------------------------------------------------

WORDS = [
    pytest.param("  server a 10.0.0.1:6443 check", [("server", 3), ("a", 10), ("10.0.0.1:6443", 12), ("check", 26)], id="plain"),
    pytest.param("\tmode\thttp  # comment", [("mode", 2), ("http", 7)], id="tabs-and-comment"),
    pytest.param("# only a comment", [], id="comment-line"),
    pytest.param('http-check send hdr Host "a # b"', [("http-check", 1), ("send", 12), ("hdr", 17), ("Host", 21), ("a # b", 26)], id="hash-in-quotes"),
    pytest.param("acl x path_beg /a\\ b", [("acl", 1), ("x", 5), ("path_beg", 7), ("/a b", 16)], id="escaped-space"),
    pytest.param("x 'a\"b' \"c\\\"d\"", [("x", 1), ('a"b', 3), ('c"d', 9)], id="quotes"),
    pytest.param("x a#b", [("x", 1), ("a", 3)], id="hash-ends-word"),
    pytest.param("x a\\#b", [("x", 1), ("a#b", 3)], id="escaped-hash"),
]


@pytest.mark.parametrize(("line", "expected"), WORDS)
def test_split_words(line: str, expected: list[tuple[str, int]]) -> None:
    assert [(w.text, w.column) for w in split_words(line, 1, "f")] == expected


def test_unmatched_quote_is_an_error() -> None:
    with pytest.raises(KconfError) as caught:
        parsed('global\n  log "x\n')
    assert caught.value.line == 2


# --- addresses -------------------------------------------------------------------------------

ADDRESSES = [
    pytest.param("192.168.51.81:6443", "192.168.51.81", 6443, None, "192.168.51.81", id="ipv4"),
    pytest.param("[2001:db8::81]:6443", "2001:db8::81", 6443, None, "2001:db8::81", id="ipv6-brackets"),
    pytest.param("ipv6@2001:db8::81:6443", "2001:db8::81", 6443, "ipv6", "2001:db8::81", id="ipv6-prefix-last-colon"),
    pytest.param("ipv4@10.0.0.1:80", "10.0.0.1", 80, "ipv4", "10.0.0.1", id="ipv4-prefix"),
    pytest.param("cp-1.example:6443", "cp-1.example", 6443, None, None, id="hostname"),
    pytest.param("10.0.0.1", "10.0.0.1", None, None, "10.0.0.1", id="no-port"),
    pytest.param("10.0.0.1:+1000", "10.0.0.1", None, None, "10.0.0.1", id="port-offset"),
    pytest.param(":6443", "", 6443, None, None, id="bind-any"),
    pytest.param("*:6443", "*", 6443, None, None, id="bind-star"),
    pytest.param(":::6443", "::", 6443, None, "::", id="bind-ipv6-any"),
    pytest.param("unix@/run/api.sock", "/run/api.sock", None, "unix", None, id="unix"),
]


@pytest.mark.parametrize(("text", "host", "port", "family", "ip"), ADDRESSES)
def test_socket_address(text: str, host: str, port: int | None, family: str | None, ip: str | None) -> None:
    address = parse_socket_address(text, 7)
    assert (address.host, address.port, address.family, address.ip, address.column) == (
        host, port, family, ip_address(ip) if ip else None, 7,
    )


def test_bind_lists_and_old_listen_form() -> None:
    config = parsed("listen api 10.0.0.1:6443\n  bind :8443,[::]:9443 v4v6\n")
    api = section(config, "listen api")
    assert [([a.text for a in b.addresses], [a.column for a in b.addresses], b.options) for b in api.binds] == [
        (["10.0.0.1:6443"], [12], ()),
        ([":8443", "[::]:9443"], [8, 14], ("v4v6",)),
    ]
    assert api.bound_ports() == {6443, 8443, 9443}


# --- mode inheritance ----------------------------------------------------------------------------

MODES = [
    pytest.param("defaults\n  mode http\nbackend b\n  mode tcp\n", "tcp", 4, id="own-wins"),
    pytest.param("defaults\n  mode http\nbackend b\n", "http", 2, id="from-defaults"),
    pytest.param("backend b\n", DEFAULT_MODE, None, id="haproxy-default"),
    pytest.param("defaults\n  mode http\ndefaults\n  log global\nbackend b\n", "tcp", None, id="next-defaults-resets"),
    pytest.param("defaults\n  mode tcp\nbackend a\ndefaults\n  mode http\nbackend b\n", "http", 5, id="last-defaults-before"),
    pytest.param("defaults web\n  mode http\ndefaults plain\n  mode tcp\nbackend b from web\n", "http", 2, id="named-from"),
    pytest.param("defaults base\n  mode http\ndefaults child from base\n  log global\nbackend b\n", "http", 2, id="defaults-from-defaults"),
    pytest.param("defaults other\n  mode http\nbackend b from missing\n", "http", 2, id="unknown-from-tolerated"),
]


@pytest.mark.parametrize(("text", "mode", "line"), MODES)
def test_mode_inheritance(text: str, mode: str, line: int | None) -> None:
    backend = section(parsed(text), "backend b")
    assert backend.mode == mode
    assert (backend.mode_directive.line if backend.mode_directive else None) == line


def test_default_mode_is_tcp() -> None:
    # HAProxy configuration manual, "mode": "tcp ... This is the default mode."
    assert DEFAULT_MODE == "tcp"


# --- servers and default-server ---------------------------------------------------------------

SERVER_CHECKS = [
    pytest.param("backend b\n  server s 10.0.0.1:6443 check\n", True, id="own-check"),
    pytest.param("backend b\n  server s 10.0.0.1:6443\n", False, id="no-check"),
    pytest.param("defaults\n  default-server check\nbackend b\n  server s 10.0.0.1:6443\n", True, id="defaults-default-server"),
    pytest.param("backend b\n  default-server check inter 2s\n  server s 10.0.0.1:6443\n", True, id="section-default-server"),
    pytest.param("backend b\n  server s 10.0.0.1:6443\n  default-server check\n", False, id="default-server-after-server"),
    pytest.param("defaults\n  default-server check\nbackend b\n  server s 10.0.0.1:6443 no-check\n", False, id="no-check-wins"),
    pytest.param("defaults\n  default-server check\ndefaults\nbackend b\n  server s 10.0.0.1:6443\n", False, id="reset-by-next-defaults"),
    pytest.param("backend b\n  server s 10.0.0.1:6443 cookie check\n", False, id="check-as-a-value"),
]


@pytest.mark.parametrize(("text", "enabled"), SERVER_CHECKS)
def test_server_check_inheritance(text: str, enabled: bool) -> None:
    assert section(parsed(text), "backend b").servers[0].enabled("check") is enabled


def test_server_fields() -> None:
    config = parsed("backend b\n    server cp-1 [2001:db8::1]:6443 check check-ssl verify none inter 3s\n")
    server = section(config, "backend b").servers[0]
    assert (server.name, server.address.ip, server.address.port, server.line, server.column, server.address.column) == (
        "cp-1", ip_address("2001:db8::1"), 6443, 2, 5, 17,
    )
    assert [(o.name, o.value) for o in server.options] == [("check", None), ("check-ssl", None), ("verify", "none"), ("inter", "3s")]


# --- health-check type -------------------------------------------------------------------------

CHECK_TYPES = [
    pytest.param("backend b\n  option httpchk\n", "httpchk", id="httpchk"),
    pytest.param("backend b\n  option httpchk\n  option ssl-hello-chk\n", "ssl-hello-chk", id="last-wins"),
    pytest.param("defaults\n  option ssl-hello-chk\nbackend b\n  option httpchk\n", "httpchk", id="own-replaces-inherited"),
    pytest.param("defaults\n  option httpchk GET /readyz\nbackend b\n", "httpchk", id="inherited"),
    pytest.param("backend b\n  option redispatch\n", None, id="tcp-connect"),
]


@pytest.mark.parametrize(("text", "check"), CHECK_TYPES)
def test_check_type(text: str, check: str | None) -> None:
    found = section(parsed(text), "backend b").health_check
    assert (found.args[0] if found else None) == check


def test_no_prefix_is_kept_apart() -> None:
    backend = section(parsed("backend b\n  no option httpchk\n  option redispatch\n"), "backend b")
    assert [(d.prefix, d.keyword, d.args) for d in backend.directives] == [("no", "option", ("httpchk",)), ("", "option", ("redispatch",))]
    assert backend.health_check is None


# --- broken files ----------------------------------------------------------------------------

BROKEN = [
    pytest.param("maxconn 100\nglobal\n", 1, id="line-before-any-section"),
    pytest.param("# comment\n\n  bogus line\nfrontend f\n", 3, id="after-comments"),
    pytest.param("global\nfrontend\n  bind :80\n", 2, id="proxy-without-name"),
    pytest.param("backend b\n  server only-a-name\n", 2, id="server-without-address"),
]


@pytest.mark.parametrize(("text", "line"), BROKEN)
def test_broken_config(text: str, line: int) -> None:
    with pytest.raises(KconfError) as caught:
        parsed(text)
    assert caught.value.line == line


def test_a_broken_config_is_a_finding(tmp_path: Path) -> None:
    lay_out(tmp_path, {"lb/haproxy.cfg": "stray words\nfrontend f\n  bind :6443\n"})
    assert where(lint(tmp_path), tmp_path) == [("lb/haproxy.cfg", 1, "yaml-syntax")]


def test_rendered_base_cluster_parses_without_finding(tmp_path: Path) -> None:
    render_into(tmp_path, BASE_CLUSTER)
    assert lint(tmp_path / "lab" / "haproxy.cfg", select="yaml-syntax") == []
