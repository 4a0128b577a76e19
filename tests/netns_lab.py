"""A lab of network namespaces for the keepalived failover test.

One "lan" namespace holds a bridge; every host of the lab (two load balancers,
three control-plane nodes, one client) is a namespace of its own with one veth
end on that bridge. Nothing is ever created in the host's own namespace: each
veth pair is made inside the lan namespace with its other end sent straight
into the host's namespace, so no address of the lab is reachable from the
machine's own networks, nor the other way round. Addresses come only from the
documentation ranges 192.0.2.0/24 and 198.51.100.0/24 (checked in Plan).

What runs in the namespaces:

* on each control-plane node, `python netns_lab.py serve`: the HTTPS server of
  tlsservers.py on 0.0.0.0:6443 (GET /readyz -> 200 "ok"; every answer names
  the server and the peer it came from in X-Served-By / X-Peer);
* on the load balancers, whatever the test starts with Lab.spawn (keepalived,
  haproxy);
* on the client, `python netns_lab.py client`: a loop of short GETs to the
  VIP, one JSON line per attempt (monotonic clock, system-wide on Linux, so
  the test process can compare it with its own), see read_attempts().

Every subprocess has a timeout; every long-running process is wrapped in
`timeout` so it ends by itself even if the test process dies; Lab.down() stops
them all, kills whatever is still inside the lab's namespaces (`ip netns pids`:
only processes the lab started can be there), and deletes the namespaces.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import ipaddress
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

T = TypeVar("T")

# Documentation ranges (RFC 5737): never routed, never anyone's real network.
ALLOWED_NETWORKS = (ipaddress.ip_network("192.0.2.0/24"), ipaddress.ip_network("198.51.100.0/24"))
# Every command run to build, probe or tear down the lab.
COMMAND_TIMEOUT_S = 15.0
# A long-running process of the lab (server, daemon, client loop) ends by
# itself after this long, whatever happens to the test process.
DEFAULT_LIFETIME_S = 300
# PATH for everything run in the lab (the check script calls curl, ip, grep).
LAB_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
HERE = Path(__file__).resolve().parent


class LabError(AssertionError):
    """The lab could not be built, or a wait ran out: a test failure with the reason."""


# --- the plan: names and addresses -----------------------------------------------------


@dataclass(frozen=True)
class Host:
    name: str
    address: str  # without prefix length


@dataclass(frozen=True)
class Plan:
    """Who is in the lab and at which address. 198.51.100.0/24 by default: on
    some machines the host's own interface is in 192.0.2.0/24, and although the
    namespaces could not reach it anyway, a second range keeps the lab's
    addresses from even looking like the host's."""

    load_balancers: tuple[Host, ...] = (Host("lb1", "198.51.100.11"), Host("lb2", "198.51.100.12"))
    control_planes: tuple[Host, ...] = (
        Host("cp1", "198.51.100.21"),
        Host("cp2", "198.51.100.22"),
        Host("cp3", "198.51.100.23"),
    )
    client: Host = Host("client", "198.51.100.50")
    vip: str = "198.51.100.100"
    prefix_length: int = 24
    # The load balancers' interface, named as keepalived's config names it
    # (the veth end in each load-balancer namespace gets this name).
    lb_interface: str = "enp0s8"
    frontend_port: int = 6443
    apiserver_port: int = 6443

    def __post_init__(self) -> None:
        hosts = self.hosts
        names = [h.name for h in hosts]
        if len(set(names)) != len(names) or "lan" in names:
            raise ValueError(f"host names must be unique and not 'lan': {names}")
        addresses = [h.address for h in hosts] + [self.vip]
        if len(set(addresses)) != len(addresses):
            raise ValueError(f"addresses must be unique: {addresses}")
        network = ipaddress.ip_interface(f"{self.vip}/{self.prefix_length}").network
        if not any(network.subnet_of(allowed) for allowed in ALLOWED_NETWORKS):  # type: ignore[arg-type]
            raise ValueError(f"{network} is not inside {', '.join(map(str, ALLOWED_NETWORKS))}")
        for address in addresses:
            if ipaddress.ip_address(address) not in network:
                raise ValueError(f"{address} is not in the lab's network {network}")
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,15}", self.lb_interface):
            raise ValueError(f"not a Linux interface name: {self.lb_interface!r}")

    @property
    def hosts(self) -> tuple[Host, ...]:
        return (*self.load_balancers, *self.control_planes, self.client)

    def host(self, name: str) -> Host:
        for host in self.hosts:
            if host.name == name:
                return host
        raise KeyError(name)

    def interface_of(self, name: str) -> str:
        return self.lb_interface if name in {h.name for h in self.load_balancers} else "eth0"


# --- small helpers -----------------------------------------------------------------------


def run(argv: Sequence[str], timeout: float = COMMAND_TIMEOUT_S, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            list(argv), check=False, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
            env={"PATH": LAB_PATH, "LC_ALL": "C"},
        )
    except subprocess.TimeoutExpired as error:
        raise LabError(f"timed out after {timeout}s: {' '.join(argv)}") from error
    if check and result.returncode != 0:
        raise LabError(f"exit {result.returncode}: {' '.join(argv)}\n{result.stdout}{result.stderr}")
    return result


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, describe: Callable[[], str] | None = None,
             interval: float = 0.1) -> T:
    """Poll `probe` until it returns something truthy; LabError after `timeout`
    seconds, with what `describe` says about the state then."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() >= deadline:
            raise LabError(f"timed out after {timeout:.1f}s waiting for {what}" + (f"\n{describe()}" if describe else ""))
        time.sleep(interval)


class Deadline:
    """One time budget shared by several waits."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())


def tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as error:
        return f"({path}: {error})"
    return "\n".join(text.splitlines()[-lines:])


def can_make_namespaces() -> str | None:
    """None when this process can build a lab, else why not."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip", path=LAB_PATH) is None:
        return "the ip command (iproute2) is not installed"
    probe = f"kfo{secrets.token_hex(4)}-probe"
    try:
        made = subprocess.run(["ip", "netns", "add", probe], check=False, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S,
                              env={"PATH": LAB_PATH})
    except subprocess.TimeoutExpired:
        return "`ip netns add` timed out"
    if made.returncode != 0:
        return f"`ip netns add` failed: {made.stderr.strip()}"
    try:
        veth = subprocess.run(["ip", "-n", probe, "link", "add", "a0", "type", "veth", "peer", "name", "b0"],
                              check=False, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S,
                              env={"PATH": LAB_PATH})
        bridge = subprocess.run(["ip", "-n", probe, "link", "add", "br0", "type", "bridge"],
                                check=False, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S,
                                env={"PATH": LAB_PATH})
    finally:
        subprocess.run(["ip", "netns", "del", probe], check=False, capture_output=True, timeout=COMMAND_TIMEOUT_S, env={"PATH": LAB_PATH})
    if veth.returncode != 0:
        return f"cannot make a veth pair in a namespace: {veth.stderr.strip()}"
    if bridge.returncode != 0:
        return f"cannot make a bridge in a namespace: {bridge.stderr.strip()}"
    return None


# --- processes ---------------------------------------------------------------------------


@dataclass
class Proc:
    """A process the lab started, in a session (process group) of its own."""

    name: str
    host: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal_group(self, sig: signal.Signals) -> None:
        if self.popen.returncode is not None:
            return  # reaped: its group id may belong to someone else now
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, timeout: float = 5) -> None:
        """SIGTERM to the group, SIGKILL after `timeout`; idempotent. Signals go
        only to a group whose leader is not reaped yet, so the group id cannot
        have been reused; whatever outlives its leader in the lab's namespaces
        Lab.down() kills by pid."""
        if not self.alive:
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            pass
        self.signal_group(signal.SIGKILL)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise LabError(f"{self.name} (pid {self.popen.pid}) did not die after SIGKILL") from error

    def describe(self) -> str:
        state = "running" if self.alive else f"exited {self.popen.returncode}"
        return f"--- {self.name} on {self.host} ({state}), {self.log}:\n{tail(self.log)}"


# --- the lab -----------------------------------------------------------------------------


@dataclass
class Lab:
    plan: Plan
    directory: Path  # logs, configs, pid files: the caller owns and removes it
    lifetime: int = DEFAULT_LIFETIME_S
    token: str = field(default_factory=lambda: secrets.token_hex(3))
    procs: list[Proc] = field(default_factory=list)
    _made: list[str] = field(default_factory=list)

    # names ------------------------------------------------------------------------------

    def ns(self, host: str) -> str:
        if host != "lan":
            self.plan.host(host)  # KeyError for a name not in the plan
        return f"kfo{self.token}-{host}"

    def url(self, address: str | None = None, path: str = "/readyz") -> str:
        return f"https://{address or self.plan.vip}:{self.plan.frontend_port}{path}"

    # building and tearing down ----------------------------------------------------------

    def up(self) -> None:
        """Build the topology; on any failure, tear down what was made and raise."""
        try:
            self._build()
        except BaseException:
            self.down()
            raise

    def _build(self) -> None:
        plan = self.plan
        lan = self.ns("lan")
        self._add_namespace(lan)
        run(["ip", "-n", lan, "link", "add", "br0", "type", "bridge"])
        # no STP delay, no multicast snooping surprises: a plain switch
        run(["ip", "-n", lan, "link", "set", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "0"])
        run(["ip", "-n", lan, "link", "set", "br0", "up"])
        for index, host in enumerate(plan.hosts):
            ns = self.ns(host.name)
            self._add_namespace(ns)
            port, interface = f"p{index}", plan.interface_of(host.name)
            # Made in the lan namespace, the other end sent straight into the host's.
            run(["ip", "-n", lan, "link", "add", port, "type", "veth", "peer", "name", interface, "netns", ns])
            run(["ip", "-n", lan, "link", "set", port, "master", "br0"])
            run(["ip", "-n", lan, "link", "set", port, "up"])
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
            run(["ip", "-n", ns, "addr", "add", f"{host.address}/{plan.prefix_length}", "dev", interface])
            run(["ip", "-n", ns, "link", "set", interface, "up"])
        # Links come up in a moment; wait until each is, so that the first
        # VRRP adverts and requests are not lost to a link still going up.
        for host in plan.hosts:
            wait_for(f"{host.name}'s {plan.interface_of(host.name)} to be up",
                     functools.partial(self._link_up, self.ns(host.name), plan.interface_of(host.name)), timeout=10)
        for index in range(len(plan.hosts)):
            wait_for(f"bridge port p{index} to forward", functools.partial(self._port_forwarding, f"p{index}"), timeout=10)

    def _link_up(self, ns: str, interface: str) -> bool:
        shown = json.loads(run(["ip", "-n", ns, "-j", "link", "show", "dev", interface]).stdout or "[]")
        return bool(shown) and shown[0].get("operstate") == "UP"

    def _port_forwarding(self, port: str) -> bool:
        shown = json.loads(run(["bridge", "-n", self.ns("lan"), "-j", "link", "show", "dev", port]).stdout or "[]")
        return bool(shown) and shown[0].get("state") == "forwarding"

    def _add_namespace(self, name: str) -> None:
        run(["ip", "netns", "add", name])
        self._made.append(name)

    def down(self) -> list[str]:
        """Stop every process, kill what is left in the namespaces, delete them.
        Idempotent; returns the problems met (it goes on past each)."""
        problems: list[str] = []
        for proc in reversed(self.procs):
            try:
                proc.stop()
            except Exception as error:  # noqa: BLE001 (teardown goes on)
                problems.append(f"stopping {proc.name}: {error}")
        for ns in reversed(self._made):
            try:
                self._kill_inside(ns)
            except Exception as error:  # noqa: BLE001
                problems.append(f"killing what is left in {ns}: {error}")
            result = subprocess.run(["ip", "netns", "del", ns], check=False, capture_output=True, text=True,
                                    timeout=COMMAND_TIMEOUT_S, env={"PATH": LAB_PATH})
            if result.returncode != 0 and ns in self._namespaces_now():
                problems.append(f"ip netns del {ns}: {result.stderr.strip()}")
        self._made.clear()
        return problems

    def _kill_inside(self, ns: str) -> None:
        if ns not in self._namespaces_now():
            return
        for _ in range(3):
            pids = self._pids_in(ns)
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.2)
        raise LabError(f"processes still in {ns}: {sorted(pids)}")

    def pids(self, host: str) -> set[int]:
        """The processes inside the host's namespace (all of them the lab's)."""
        return self._pids_in(self.ns(host))

    @staticmethod
    def _pids_in(ns: str) -> set[int]:
        return {int(p) for p in run(["ip", "netns", "pids", ns], check=False).stdout.split()}

    def _namespaces_now(self) -> set[str]:
        listing = subprocess.run(["ip", "netns", "list"], check=False, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S,
                                 env={"PATH": LAB_PATH}).stdout
        return {line.split()[0] for line in listing.splitlines() if line.strip()}

    def leftovers(self) -> list[str]:
        """Namespaces of this lab that still exist (none after down())."""
        prefix = f"kfo{self.token}-"
        return sorted(n for n in self._namespaces_now() if n.startswith(prefix))

    # running things ---------------------------------------------------------------------

    def exec(self, host: str, *argv: str, timeout: float = COMMAND_TIMEOUT_S, check: bool = True
             ) -> subprocess.CompletedProcess[str]:
        return run(["ip", "netns", "exec", self.ns(host), *argv], timeout=timeout, check=check)

    def spawn(self, host: str, name: str, argv: Sequence[str], lifetime: int | None = None) -> Proc:
        """Start argv in the host's namespace, in a session of its own, output to
        <directory>/<name>.log; it ends by itself after `lifetime` seconds."""
        log = self.directory / f"{name}.log"
        limit = str(lifetime or self.lifetime)
        with log.open("wb") as out:
            popen = subprocess.Popen(
                ["timeout", "--kill-after=5", limit, "ip", "netns", "exec", self.ns(host), *argv],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                env={"PATH": LAB_PATH, "LC_ALL": "C", "PYTHONUNBUFFERED": "1"},
            )
        proc = Proc(name, host, popen, log)
        self.procs.append(proc)
        return proc

    def start_apiservers(self, cert: Path, key: Path, timeout: float = 15) -> list[Proc]:
        """The stand-in kube-apiservers, one per control-plane host; returns once
        each listens."""
        procs = []
        for host in self.plan.control_planes:
            procs.append(self.spawn(host.name, f"apiserver-{host.name}", [
                sys.executable, str(HERE / "netns_lab.py"), "serve", "--name", host.name,
                "--port", str(self.plan.apiserver_port), "--cert", str(cert), "--key", str(key),
                "--lifetime", str(self.lifetime),
            ]))
        deadline = Deadline(timeout)
        for proc in procs:
            wait_for(f"{proc.name} to listen", functools.partial(self._listening, proc), timeout=deadline.left(),
                     describe=proc.describe)
        return procs

    def _listening(self, proc: Proc) -> bool:
        return self.alive_or_fail(proc) and "listening" in tail(proc.log)

    def start_client(self, url: str, out: Path, interval: float = 0.1, request_timeout: float = 1.0) -> Proc:
        return self.spawn(self.plan.client.name, "client", [
            sys.executable, str(HERE / "netns_lab.py"), "client", "--url", url, "--out", str(out),
            "--interval", str(interval), "--timeout", str(request_timeout), "--lifetime", str(self.lifetime),
        ])

    def alive_or_fail(self, proc: Proc) -> bool:
        if not proc.alive:
            raise LabError(f"{proc.name} exited early\n{proc.describe()}")
        return True

    # looking ----------------------------------------------------------------------------

    def addresses(self, host: str) -> list[str]:
        """IPv4 addresses on the host's lab interface."""
        shown = self.exec(host, "ip", "-j", "-4", "addr", "show", "dev", self.plan.interface_of(host))
        return [a["local"] for link in json.loads(shown.stdout or "[]") for a in link.get("addr_info", [])]

    def holders_of_vip(self) -> list[str]:
        return [h.name for h in self.plan.load_balancers if self.plan.vip in self.addresses(h.name)]

    def describe(self) -> str:
        """State for a failure message: who holds the VIP and every process's log tail."""
        parts = []
        try:
            parts.append(f"VIP {self.plan.vip} on: {self.holders_of_vip() or 'nobody'}")
        except LabError as error:
            parts.append(f"(could not read addresses: {error})")
        parts += [proc.describe() for proc in self.procs]
        return "\n".join(parts)


# --- the client's record -----------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    start: float  # time.monotonic() when the request started
    end: float
    ok: bool
    peer: str  # X-Peer: the address the backend saw (the load balancer that carried it)
    served_by: str
    error: str


def read_attempts(path: Path) -> list[Attempt]:
    attempts = []
    try:
        text = path.read_text()
    except FileNotFoundError:
        return []
    for line in text.splitlines():
        if not line.endswith("}"):
            continue  # a line being written
        record = json.loads(line)
        attempts.append(Attempt(record["start"], record["end"], record["ok"], record.get("peer", ""),
                                record.get("served_by", ""), record.get("error", "")))
    return attempts


@dataclass(frozen=True)
class Gap:
    """Around an event (time.monotonic() at `event`): the last success at or
    before it, the first success through the new path after it, and what
    happened between."""

    event: float
    last_before: float
    first_after: float
    longest_without_success: float  # the longest stretch between two successes (any path) in that window
    failures_between: int
    successes_between: int  # through some other path (e.g. a VIP left behind on the old host)

    @property
    def seconds(self) -> float:
        """The gap: last success before the event -> first success through the new path."""
        return self.first_after - self.last_before

    @property
    def since_event(self) -> float:
        return self.first_after - self.event

    def __str__(self) -> str:
        return (f"gap {self.seconds:.2f}s (last success before the event -> first success through the new path; "
                f"{self.since_event:.2f}s after the event), longest stretch without a success "
                f"{self.longest_without_success:.2f}s, {self.failures_between} failed requests and "
                f"{self.successes_between} successes through the old path in between")


def gap_around(attempts: list[Attempt], event: float, via: str, settled: int = 3) -> Gap | None:
    """The Gap once `settled` consecutive successes through `via` (the peer the
    backends saw) followed the event; None until then."""
    before = [a for a in attempts if a.ok and a.start <= event]
    after = [a for a in attempts if a.start > event]
    run_length, first = 0, None
    for attempt in after:
        if attempt.ok and attempt.peer == via:
            if run_length == 0:
                first = attempt
            run_length += 1
            if run_length >= settled:
                break
        else:
            run_length, first = 0, None
    if not before or first is None or run_length < settled:
        return None
    between = [a for a in after if a.start < first.start]
    successes = [before[-1].start, *(a.start for a in between if a.ok), first.start]
    longest = max(b - a for a, b in itertools.pairwise(successes))
    return Gap(event, before[-1].start, first.start, longest, sum(not a.ok for a in between), sum(a.ok for a in between))


# --- the programs run inside the namespaces ----------------------------------------------


def _block_sigterm() -> None:
    """SIGTERM (from Lab.down, or from `timeout`, often both) stays pending
    until sigtimedwait() takes it: no handler runs in the middle of anything
    (an Event.set() in a handler can deadlock on the lock its own thread holds).
    Called before any thread starts, so that every thread has it blocked."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})


def _terminated(within: float) -> bool:
    return signal.sigtimedwait({signal.SIGTERM}, max(0.0, within)) is not None


def _serve(args: argparse.Namespace) -> int:
    _block_sigterm()
    sys.path.insert(0, str(HERE))
    import tlsservers

    server = tlsservers.TLSServer(args.name, tlsservers.server_context(Path(args.cert), Path(args.key)),
                                  host="0.0.0.0", port=args.port)  # inside the lab's namespace only
    print(f"{args.name}: listening on {server.address}", flush=True)
    try:
        _terminated(args.lifetime)
    finally:
        server.stop()
    return 0


def _client(args: argparse.Namespace) -> int:
    _block_sigterm()
    sys.path.insert(0, str(HERE))
    from urllib.parse import urlsplit

    import tlsservers

    url = urlsplit(args.url)
    assert url.hostname and url.port
    context = tlsservers.client_context()
    deadline = time.monotonic() + args.lifetime
    out: IO[str]
    with open(args.out, "a") as out:
        while time.monotonic() < deadline:
            start = time.monotonic()
            record: dict[str, object] = {"start": start}
            connection = http.client.HTTPSConnection(url.hostname, url.port, timeout=args.timeout, context=context)
            try:
                connection.request("GET", url.path or "/", headers={"Connection": "close"})
                response = connection.getresponse()
                body = response.read(1024)
                record.update(ok=response.status == 200 and body == b"ok", status=response.status,
                              peer=response.getheader("X-Peer", ""), served_by=response.getheader("X-Served-By", ""))
            except (OSError, http.client.HTTPException) as error:
                record.update(ok=False, error=f"{type(error).__name__}: {error}")
            finally:
                connection.close()
            record["end"] = time.monotonic()
            out.write(json.dumps(record) + "\n")
            out.flush()
            if _terminated(args.interval - (time.monotonic() - start)):
                break
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="a stand-in kube-apiserver on 0.0.0.0:PORT")
    serve.add_argument("--name", required=True)
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--cert", required=True)
    serve.add_argument("--key", required=True)
    serve.add_argument("--lifetime", type=float, default=DEFAULT_LIFETIME_S)
    client = commands.add_parser("client", help="GET URL in a loop, one JSON line per attempt")
    client.add_argument("--url", required=True)
    client.add_argument("--out", required=True)
    client.add_argument("--interval", type=float, default=0.1)
    client.add_argument("--timeout", type=float, default=1.0)
    client.add_argument("--lifetime", type=float, default=DEFAULT_LIFETIME_S)
    args = parser.parse_args(argv)
    return _serve(args) if args.command == "serve" else _client(args)


if __name__ == "__main__":
    sys.exit(main())
