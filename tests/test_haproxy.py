"""haproxy.cfg: what kconf renders is valid for the real haproxy (`haproxy -c`),
has the promised shape (mode tcp, one server per control-plane node, the health
check asked for, sane timeouts), and, run for real on 127.0.0.1 in front of three
local TLS servers, keeps answering when one of them stops and marks it down."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from ipaddress import ip_address
from pathlib import Path
from typing import Any, TypeVar

import pytest

import tlsservers
from netns_lab import wait_for
from conftest import EXAMPLES, GOLDEN, missing
from kconf.description import Cluster, load_cluster
from kconf.outputs.haproxy import haproxy_files
from kconf.render import render_files

T = TypeVar("T")

# --- haproxy binary ------------------------------------------------------------------------


def haproxy_binary() -> str | None:
    # /usr/sbin is not on a non-root PATH on Debian: look there too, so the
    # tests do not skip for a user who has haproxy installed.
    return shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin:/sbin")


@pytest.fixture(scope="module")
def haproxy() -> str:
    """Only for the tests that run haproxy itself: the shape checks of the
    text run everywhere, haproxy installed or not."""
    found = haproxy_binary()
    if found is None:
        missing("haproxy is not installed (apt-get install haproxy)")
    assert found is not None
    return found


# --- descriptions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """A generated description and what its haproxy.cfg must contain."""

    spec: dict[str, Any]
    frontend_port: int
    health_check: str
    servers: list[tuple[str, str]]  # (name, address:port), in description order


def node(name: str, address: str, role: str = "control-plane", **extra: Any) -> dict[str, Any]:
    return {"name": name, "role": role, "address": address, **extra}


def spec(nodes: list[dict[str, Any]], load_balancer: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "kubernetesVersion": "v1.31.2",
        "controlPlaneEndpoint": f"k8s-vip:{load_balancer.get('port', 6443)}",
        "networking": {"podSubnet": "172.16.0.0/16"},
        "loadBalancer": load_balancer,
        "nodes": nodes,
        **extra,
    }


def write_description(directory: Path, spec_: dict[str, Any], name: str = "lab") -> Path:
    # JSON is YAML: the loader reads it like any cluster.yaml.
    path = directory / "cluster.yaml"
    document = {"apiVersion": "kconf/v1alpha1", "kind": "Cluster", "metadata": {"name": name}, "spec": spec_}
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


LB = {"hostname": "lab-lb", "address": "192.168.51.80", "port": 6443}
WORKER = node("worker-1", "192.168.51.90/24", role="worker")


def cps(count: int, **extra: Any) -> list[dict[str, Any]]:
    return [node(f"cp-{i}", f"192.168.51.{80 + i}/24", **extra) for i in range(1, count + 1)]


VARIANTS = [
    pytest.param(
        Variant(spec(cps(3) + [WORKER], {**LB, "healthCheck": "readyz"}), 6443, "readyz",
                [("cp-1", "192.168.51.81:6443"), ("cp-2", "192.168.51.82:6443"), ("cp-3", "192.168.51.83:6443")]),
        id="readyz-3cp",
    ),
    pytest.param(
        Variant(spec(cps(3) + [WORKER], {**LB, "healthCheck": "tcp"}), 6443, "tcp",
                [("cp-1", "192.168.51.81:6443"), ("cp-2", "192.168.51.82:6443"), ("cp-3", "192.168.51.83:6443")]),
        id="tcp-3cp",
    ),
    pytest.param(
        Variant(spec(cps(1) + [WORKER], {"address": "192.168.51.80"}), 6443, "readyz", [("cp-1", "192.168.51.81:6443")]),
        id="1cp-defaults",
    ),
    pytest.param(
        Variant(spec(cps(1), {**LB, "healthCheck": "tcp"}), 6443, "tcp", [("cp-1", "192.168.51.81:6443")]),
        id="1cp-tcp",
    ),
    pytest.param(
        Variant(spec(cps(5) + [WORKER], LB), 6443, "readyz", [(f"cp-{i}", f"192.168.51.{80 + i}:6443") for i in range(1, 6)]),
        id="5cp",
    ),
    pytest.param(
        Variant(
            spec([node("cp-1", "192.168.51.81/24", bindPort=16443), node("cp-2", "192.168.51.82/24"),
                  node("cp-3", "192.168.51.83/24", bindPort=443)], {**LB, "port": 8443}),
            8443, "readyz",
            [("cp-1", "192.168.51.81:16443"), ("cp-2", "192.168.51.82:6443"), ("cp-3", "192.168.51.83:443")],
        ),
        id="ports",
    ),
    pytest.param(
        Variant(
            spec([node("cp-1", "fd00:51::81/64"), node("cp-2", "192.168.51.82/24"), node("cp-3", "fd00:51::83/64", bindPort=7443)],
                 {**LB, "healthCheck": "tcp"}),
            6443, "tcp",
            [("cp-1", "[fd00:51::81]:6443"), ("cp-2", "192.168.51.82:6443"), ("cp-3", "[fd00:51::83]:7443")],
        ),
        id="ipv6-nodes",
    ),
    # dual stack: one server per control plane, at its primary (first) address
    pytest.param(
        Variant(
            spec([node("cp-1", "192.168.51.81/24,fd00:51::81/64"), node("cp-2", "192.168.51.82/24,fd00:51::82/64"), WORKER],
                 {**LB, "address": "192.168.51.80,fd00:51::80"}),
            6443, "readyz", [("cp-1", "192.168.51.81:6443"), ("cp-2", "192.168.51.82:6443")],
        ),
        id="dual-stack-nodes",
    ),
    pytest.param(
        Variant(
            spec([node("cp-1", "fd00:51::81/64,192.168.51.81/24"), node("cp-2", "fd00:51::82/64,192.168.51.82/24")],
                 {**LB, "address": "fd00:51::80,192.168.51.80"}),
            6443, "readyz", [("cp-1", "[fd00:51::81]:6443"), ("cp-2", "[fd00:51::82]:6443")],
        ),
        id="dual-stack-ipv6-primary",
    ),
    pytest.param(
        Variant(
            spec([node("cp-1.lab.example.com", "192.168.51.81/24"), node("cp-2.lab.example.com", "192.168.51.82/24"),
                  node("ip-192-168-51-83.eu-west-1.compute.internal", "192.168.51.83/24"), WORKER], LB),
            6443, "readyz",
            [("cp-1.lab.example.com", "192.168.51.81:6443"), ("cp-2.lab.example.com", "192.168.51.82:6443"),
             ("ip-192-168-51-83.eu-west-1.compute.internal", "192.168.51.83:6443")],
        ),
        id="dotted-names",
    ),
]


def example_descriptions() -> list[Path]:
    return sorted({*EXAMPLES.glob("*/cluster.yaml"), *GOLDEN.glob("*/cluster.yaml")})


def described_id(path: Path) -> str:
    return f"{path.parent.parent.name}-{path.parent.name}"


EXAMPLE_PARAMS = [pytest.param(p, id=described_id(p)) for p in example_descriptions()]

HA_EXAMPLE_SERVERS = [("cka-cp-1", "192.168.51.81:6443"), ("cka-cp-2", "192.168.51.82:6443"), ("cka-cp-3", "192.168.51.83:6443")]
# What each example's haproxy.cfg must hold, written down from its cluster.yaml
# (None: no loadBalancer, so no haproxy.cfg).
EXAMPLE_EXPECTED: dict[str, Variant | None] = {
    "dual-stack": Variant({}, 6443, "readyz", [
        ("dual-cp-1", "192.168.60.81:6443"), ("dual-cp-2", "192.168.60.82:6443"), ("dual-cp-3", "192.168.60.83:6443"),
    ]),
    "ha-haproxy": Variant({}, 6443, "readyz", HA_EXAMPLE_SERVERS),
    "ha-keepalived": Variant({}, 6443, "readyz", HA_EXAMPLE_SERVERS),
    "ha-kube-vip": None,  # kube-vip holds the VIP on the control planes: no HAProxy
    "aws": None,
    "virtualbox-lab": None,
}
LB_EXAMPLE_PARAMS = [p for p in EXAMPLE_PARAMS if EXAMPLE_EXPECTED[p.values[0].parent.name] is not None]  # type: ignore[union-attr]


def rendered_haproxy(cluster: Cluster) -> str:
    files = render_files(cluster)
    assert "haproxy.cfg" in files, f"{cluster.path}: loadBalancer is set but render_files wrote no haproxy.cfg"
    rendered = haproxy_files(cluster).get("haproxy.cfg")
    assert rendered is not None and rendered.data == files["haproxy.cfg"].data
    return files["haproxy.cfg"].data.decode()


# --- reading a haproxy.cfg -----------------------------------------------------------------

SECTION_KEYWORDS = ("global", "defaults", "frontend", "backend", "listen", "resolvers", "peers", "userlist")


def sections(text: str) -> dict[str, list[str]]:
    """{"frontend NAME": [directive lines, stripped, comments dropped], ...}"""
    result: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not line[0].isspace():
            assert line.split()[0] in SECTION_KEYWORDS, f"unexpected top-level line: {raw!r}"
            header = " ".join(line.split())
            assert header not in result, f"section {header!r} twice"
            current = result[header] = []
        else:
            assert current is not None, f"directive before any section: {raw!r}"
            current.append(" ".join(line.split()))
    return result


def one_section(parsed: dict[str, list[str]], kind: str) -> tuple[str, list[str]]:
    found = [(h, lines) for h, lines in parsed.items() if h.split()[0] == kind]
    assert len(found) == 1, f"expected one {kind} section, found {[h for h, _ in found]}"
    return found[0]


DURATION = re.compile(r"^(\d+)(us|ms|s|m|h|d)?$")
UNIT_MS = {"us": 0.001, "ms": 1, None: 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def duration_ms(text: str) -> float:
    match = DURATION.match(text)
    assert match, f"not a haproxy duration: {text!r}"
    return int(match.group(1)) * UNIT_MS[match.group(2)]


def timeouts(lines: list[str]) -> dict[str, float]:
    return {parts[1]: duration_ms(parts[2]) for parts in (line.split() for line in lines) if parts[0] == "timeout"}


SERVER_LINE = re.compile(r"^server (\S+) (\S+)(?: (.*))?$")


def server_lines(backend: list[str]) -> list[tuple[str, str, list[str]]]:
    result = []
    for line in backend:
        if line.startswith("server "):
            match = SERVER_LINE.match(line)
            assert match, line
            result.append((match.group(1), match.group(2), (match.group(3) or "").split()))
    return result


def assert_shape(text: str, expected: Variant) -> None:
    parsed = sections(text)
    _, frontend = one_section(parsed, "frontend")
    backend_header, backend = one_section(parsed, "backend")
    _, defaults = one_section(parsed, "defaults")
    _, global_ = one_section(parsed, "global")
    # Not root after start-up; the runtime API where Debian's haproxy has it.
    assert {"user haproxy", "group haproxy"} <= set(global_), global_
    assert any(line.startswith("stats socket /run/haproxy/admin.sock ") for line in global_), global_

    assert "mode tcp" in frontend, frontend
    assert "mode tcp" in backend, backend
    binds = [line for line in frontend if line.startswith("bind ")]
    # One listener on loadBalancer.port (which addresses it covers: see the
    # address-family test below).
    assert len(binds) == 1 and re.match(rf"^bind \S*:{expected.frontend_port}(\s|$)", binds[0]), binds
    assert f"default_backend {backend_header.split()[1]}" in frontend, frontend

    servers = server_lines(backend)
    assert [(name, address) for name, address, _ in servers] == expected.servers
    for name, _, options in servers:
        # TLS passes through untouched: haproxy must not speak TLS to the
        # apiservers itself (check-ssl is for the health check only).
        assert "ssl" not in options, (name, options)

    directives = [line for lines in parsed.values() for line in lines]
    assert not any("ssl-hello-chk" in line for line in directives), "ssl-hello-chk never goes with (or replaces) httpchk"
    if expected.health_check == "readyz":
        assert "option httpchk" in backend, backend
        sends = [line for line in backend if line.startswith("http-check send")]
        assert len(sends) == 1 and re.match(r"^http-check send meth GET uri /readyz(\s|$)", sends[0]), sends
        assert "http-check expect status 200" in backend, backend
        for name, _, options in servers:
            assert "check" in options and "check-ssl" in options, (name, options)
            assert "verify none" in " ".join(options), (name, options)
    else:
        assert not any("httpchk" in line or line.startswith("http-check") for line in backend + defaults), backend
        for name, _, options in servers:
            assert "check" in options, (name, options)
            assert not {"check-ssl", "verify"} & set(options), (name, options)

    # Sane timeouts: a quick connect and check, long-lived client/server so that
    # watches and exec/logs streams are not cut while idle, but not infinite.
    merged = {**timeouts(defaults), **timeouts(frontend), **timeouts(backend)}
    assert {"connect", "client", "server", "check"} <= merged.keys(), merged
    assert 1_000 <= merged["connect"] <= 10_000, merged
    assert 1_000 <= merged["check"] <= 10_000, merged
    for side in ("client", "server"):
        assert 10 * 60_000 <= merged[side] <= 24 * 3_600_000, (side, merged)


def run_check(haproxy: str, config: Path) -> None:
    result = subprocess.run(
        [haproxy, "-c", "-f", str(config)], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"haproxy -c rejected {config}:\n{output}"
    assert "[WARNING]" not in output and "[ALERT]" not in output, f"haproxy -c on {config}:\n{output}"
    assert "Configuration file is valid" in output, output


# --- haproxy -c and the shape of the text --------------------------------------------------


def test_every_example_has_written_down_expectations() -> None:
    assert sorted({p.parent.name for p in example_descriptions()}) == sorted(EXAMPLE_EXPECTED)
    assert [p.id for p in LB_EXAMPLE_PARAMS] == [
        "examples-dual-stack", "examples-ha-haproxy", "examples-ha-keepalived",
        "golden-dual-stack", "golden-ha-haproxy", "golden-ha-keepalived",
    ]


@pytest.mark.parametrize("description", EXAMPLE_PARAMS)
def test_example_haproxy_cfg_shape(description: Path) -> None:
    """Pure text: runs with or without haproxy installed."""
    cluster = load_cluster(str(description))
    expected = EXAMPLE_EXPECTED[description.parent.name]
    if expected is None:
        assert cluster.load_balancer is None or cluster.load_balancer.mode == "kube-vip"
        assert "haproxy.cfg" not in render_files(cluster)
        assert haproxy_files(cluster) == {}
    else:
        assert_shape(rendered_haproxy(cluster), expected)


@pytest.mark.parametrize("description", LB_EXAMPLE_PARAMS)
def test_example_haproxy_cfg_passes_haproxy_check(description: Path, haproxy: str, tmp_path: Path) -> None:
    cluster = load_cluster(str(description))
    text = rendered_haproxy(cluster)
    config = tmp_path / "haproxy.cfg"
    config.write_text(text)
    run_check(haproxy, config)
    # The committed golden output beside the description passes too.
    golden = description.parent / cluster.name / "haproxy.cfg"
    if description.is_relative_to(GOLDEN) and golden.exists():
        run_check(haproxy, golden)


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_haproxy_cfg_shape(variant: Variant, tmp_path: Path) -> None:
    """Pure text: runs with or without haproxy installed."""
    cluster = load_cluster(str(write_description(tmp_path, variant.spec)))
    assert_shape(rendered_haproxy(cluster), variant)


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_haproxy_cfg_passes_haproxy_check(variant: Variant, haproxy: str, tmp_path: Path) -> None:
    cluster = load_cluster(str(write_description(tmp_path, variant.spec)))
    text = rendered_haproxy(cluster)
    config = tmp_path / "haproxy.cfg"
    config.write_text(text)
    run_check(haproxy, config)


@pytest.mark.parametrize(
    ("lb_address", "client_address"),
    [
        pytest.param("192.168.51.80", "127.0.0.1", id="ipv4"),
        pytest.param("fd00:51::80", "::1", id="ipv6"),
        # a dual-stack HAProxy host: both families, on one listener
        pytest.param("192.168.51.80,fd00:51::80", "127.0.0.1", id="dual-stack-ipv4-client"),
        pytest.param("192.168.51.80,fd00:51::80", "::1", id="dual-stack-ipv6-client"),
    ],
)
def test_frontend_listens_on_the_load_balancer_address_family(
    lb_address: str, client_address: str, haproxy: str, tmp_path: Path
) -> None:
    """The frontend must accept connections on the family of loadBalancer.address
    (tested on loopback: the same wildcard bind serves the real address)."""
    if ip_address(client_address).version == 6 and not can_bind(client_address):
        missing(f"cannot bind {client_address} here (no IPv6 loopback)")
    cluster = load_cluster(str(write_description(tmp_path, spec(cps(1), {**LB, "address": lb_address}))))
    port = free_port()
    text = rendered_haproxy(cluster)
    # Only the port changes: the address part (wildcard) is what is under test.
    text = substitute(r"^([ \t]*bind[ \t]+\S*:)6443(?=[ \t]|$)", rf"\g<1>{port}", text, "frontend bind")
    text = substitute(r"^([ \t]*stats[ \t]+socket[ \t]+)\S+", rf"\g<1>{tmp_path / 'admin.sock'}", text, "stats socket")
    if os.geteuid() != 0:
        text = substitute(r"^[ \t]*user[ \t]+\S+\n", "", text, "user")
        text = substitute(r"^[ \t]*group[ \t]+\S+\n", "", text, "group")
    config = tmp_path / "haproxy.cfg"
    config.write_text(text)
    with running_haproxy(haproxy, config, tmp_path / "haproxy.log") as process:
        wait_for(f"haproxy to listen on 127.0.0.1:{port}", lambda: alive_and(process, tmp_path / "haproxy.log",
                 tlsservers.port_accepts("127.0.0.1", port)), timeout=10)
        assert tlsservers.port_accepts(client_address, port, timeout=2), f"nothing listens on [{client_address}]:{port}"


# --- integration: haproxy on 127.0.0.1 in front of three TLS servers -----------------------


def can_bind(address: str) -> bool:
    family = socket.AF_INET6 if ip_address(address).version == 6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.bind((address, 0))
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def substitute(pattern: str, replacement: str | Callable[[re.Match[str]], str], text: str, what: str, count: int = 1) -> str:
    """re.sub (multiline) that fails the test unless the pattern matches exactly
    `count` times: a template change must not silently leave the test running
    against the wrong ports or paths."""
    new, found = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    assert found == count, f"remapping {what}: /{pattern}/ matched {found} times, expected {count}, in:\n{text}"
    return new


@dataclass(frozen=True)
class Remapped:
    text: str
    frontend_port: int
    stats_socket: Path
    backend: str


def remap(text: str, cluster: Cluster, backends: list[tlsservers.TLSServer], directory: Path, as_root: bool) -> Remapped:
    lb = cluster.load_balancer
    assert lb is not None
    frontend_port = free_port()
    text = substitute(rf"^([ \t]*bind[ \t]+)\S*:{lb.port}(?=[ \t]|$)", rf"\g<1>127.0.0.1:{frontend_port}", text, "frontend bind")

    nodes = list(cluster.control_plane_nodes)
    assert len(nodes) == len(backends)
    expected = dict(HA_EXAMPLE_SERVERS)  # only the ha-haproxy example is remapped
    by_name = {n.name: b for n, b in zip(nodes, backends)}

    def server(match: re.Match[str]) -> str:
        name, address = match.group(2), match.group(3)
        assert expected.get(name) == address, f"server line {match.group(0)!r}: expected {name} at {expected.get(name)}"
        return f"{match.group(1)}{name} {by_name[name].address}{match.group(4) or ''}"

    text = substitute(r"^([ \t]*server[ \t]+)(\S+)[ \t]+(\S+)([ \t].*)?$", server, text, "server lines", count=len(nodes))
    # Fast checks, fall/rise as rendered.
    text = substitute(r"^([ \t]*default-server[ \t].*\binter[ \t]+)\d+(?:us|ms|s|m)?\b", r"\g<1>200ms", text, "check interval")
    stats_socket = directory / "admin.sock"
    text = substitute(r"^([ \t]*stats[ \t]+socket[ \t]+)/run/haproxy/admin\.sock\b", rf"\g<1>{stats_socket}", text, "stats socket")
    # No global maxconn is rendered: haproxy sizes it to the file-descriptor
    # limit (a fixed 20000 needs ~40000 descriptors and fails to start in a
    # container with a lower limit).
    assert not re.search(r"^[ \t]*maxconn\b", text, re.MULTILINE)
    if not as_root:
        # As root they stay: haproxy binds, then drops to the haproxy user.
        text = substitute(r"^[ \t]*user[ \t]+haproxy\n", "", text, "user")
        text = substitute(r"^[ \t]*group[ \t]+haproxy\n", "", text, "group")
    assert "/run/haproxy" not in text and f":{lb.port}\n" not in text
    backend = one_section(sections(text), "backend")[0].split()[1]
    return Remapped(text, frontend_port, stats_socket, backend)


@contextmanager
def running_haproxy(haproxy: str, config: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [haproxy, "-db", "-f", str(config)], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)




def alive_and(process: subprocess.Popen[bytes], log: Path, value: T) -> T:
    if process.poll() is not None:
        pytest.fail(f"haproxy exited with {process.returncode}:\n{log.read_text(errors='replace')}")
    return value


@dataclass(frozen=True)
class ServerStat:
    status: str  # UP, DOWN, "UP 1/3" (going down), "DOWN 1/2" (going up), ...
    check_status: str  # L4OK, L7OK, L4CON, L7STS, INI, ...
    check_code: str


def show_stat(socket_path: Path, backend: str) -> dict[str, ServerStat]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        sock.connect(str(socket_path))
        sock.sendall(b"show stat\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    lines = b"".join(chunks).decode().splitlines()
    assert lines and lines[0].startswith("# "), lines[:3]
    header = lines[0][2:].split(",")
    result = {}
    for line in lines[1:]:
        if not line:
            continue
        row = dict(zip(header, line.split(",")))
        if row["pxname"] == backend and row["svname"] not in ("FRONTEND", "BACKEND"):
            result[row["svname"]] = ServerStat(row["status"], row["check_status"], row["check_code"])
    return result


def request_through(port: int, path: str = "/who") -> tuple[int, str]:
    """GET through the frontend: TLS end to end (haproxy passes the bytes on)."""
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=tlsservers.client_context())
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def ha_description(tmp_path: Path, health_check: str) -> Path:
    """The ha-haproxy example as it is, or with healthCheck changed."""
    source = EXAMPLES / "ha-haproxy" / "cluster.yaml"
    text = source.read_text()
    if health_check == "readyz":
        assert re.search(r"^\s*healthCheck: readyz$", text, re.MULTILINE), "the example no longer uses readyz"
        return source
    target = tmp_path / "cluster.yaml"
    target.write_text(substitute(r"^([ \t]*healthCheck: )readyz$", rf"\g<1>{health_check}", text, "healthCheck"))
    return target


CHECK_OK = {"readyz": "L7OK", "tcp": "L4OK"}


@pytest.mark.parametrize("health_check", [pytest.param("readyz", id="readyz"), pytest.param("tcp", id="tcp")])
def test_haproxy_fails_over_when_an_apiserver_stops(health_check: str, haproxy: str, tmp_path: Path) -> None:
    cluster = load_cluster(str(ha_description(tmp_path, health_check)))
    assert cluster.load_balancer is not None and cluster.load_balancer.health_check == health_check
    names = [n.name for n in cluster.control_plane_nodes]
    assert len(names) == 3, names
    try:
        cert, key = tlsservers.make_self_signed(tmp_path)
    except RuntimeError as exc:
        missing(str(exc))

    with ExitStack() as stack:
        backends = tlsservers.start_tls_servers(names, cert, key)
        stack.callback(tlsservers.stop_all, backends)
        first, stopped, third = backends

        socket_dir = tmp_path
        if len(str(tmp_path / "admin.sock")) > 100:  # sun_path is 108 bytes
            socket_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kconf-hap-")))
        remapped = remap(rendered_haproxy(cluster), cluster, backends, socket_dir, as_root=os.geteuid() == 0)
        config, log = tmp_path / "haproxy.cfg", tmp_path / "haproxy.log"
        config.write_text(remapped.text)
        process = stack.enter_context(running_haproxy(haproxy, config, log))

        def logged() -> str:
            return log.read_text(errors="replace")

        port = remapped.frontend_port
        # haproxy creates the stats socket under a temporary name and renames
        # it, possibly after the frontend listens: wait for both.
        wait_for(
            "the frontend to accept connections and the stats socket",
            lambda: alive_and(process, log, remapped.stats_socket.is_socket() and tlsservers.port_accepts("127.0.0.1", port)),
            10,
            describe=lambda: f"haproxy log:\n{logged()}",
        )

        def states() -> dict[str, ServerStat]:
            return alive_and(process, log, show_stat(remapped.stats_socket, remapped.backend))

        def describe() -> str:
            try:
                now: object = states()
            except (OSError, pytest.fail.Exception) as exc:
                now = exc
            return f"servers: {now}\nhaproxy log:\n{logged()}"

        def all_checked_up() -> dict[str, ServerStat] | None:
            now = states()
            ok = sorted(now) == sorted(names) and all(s.status == "UP" and s.check_status == CHECK_OK[health_check] for s in now.values())
            return now if ok else None

        wait_for(f"all servers UP with {CHECK_OK[health_check]}", all_checked_up, 5, describe)
        if health_check == "readyz":
            for backend in backends:
                assert tlsservers.Request("GET", "/readyz") in backend.requests, (backend.name, backend.requests)
        else:
            for backend in backends:
                assert all(r.path != "/readyz" for r in backend.requests), (backend.name, backend.requests)

        answers = [request_through(port) for _ in range(9)]
        assert all(status == 200 for status, _ in answers), answers
        assert {body for _, body in answers} == set(names), answers

        # Stop the second apiserver; requests keep succeeding while haproxy notices.
        stopped.stop()
        assert not tlsservers.port_accepts("127.0.0.1", stopped.port), "the stopped server still accepts connections"
        during: list[tuple[int, str]] = []

        def marked_down() -> dict[str, ServerStat] | None:
            during.append(request_through(port))
            now = states()
            down = now[stopped.name].status == "DOWN" and all(now[b.name].status == "UP" for b in (first, third))
            return now if down else None

        final = wait_for(f"{stopped.name} to be marked DOWN", marked_down, 5, describe)
        assert final[stopped.name].check_status.startswith("L4"), final  # connection refused
        assert all(status == 200 and body in names for status, body in during), during

        answers = [request_through(port) for _ in range(30)]
        assert all(status == 200 for status, _ in answers), answers
        bodies = [body for _, body in answers]
        assert stopped.name not in bodies, bodies
        assert set(bodies) == {first.name, third.name}, bodies

        if health_check == "readyz":
            # Not ready (the server still accepts TLS) is down too: that is what
            # the /readyz check adds over a TCP check.
            third.set_ready(False)

            def not_ready_down() -> dict[str, ServerStat] | None:
                now = states()
                return now if now[third.name].status == "DOWN" else None

            final = wait_for(f"{third.name} (answering 503) to be marked DOWN", not_ready_down, 5, describe)
            assert (final[third.name].check_status, final[third.name].check_code) == ("L7STS", "503"), final
            assert final[first.name].status == "UP", final
            answers = [request_through(port) for _ in range(6)]
            assert answers == [(200, first.name)] * 6, answers

        assert process.poll() is None, logged()
