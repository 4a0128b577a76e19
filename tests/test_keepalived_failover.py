"""keepalived + haproxy for loadBalancer.mode: keepalived, run for real.

The files of the keepalived output family (keepalived-<host>.conf per load
balancer, check_apiserver.sh, haproxy.cfg) go onto two load balancers of a lab
of network namespaces (netns_lab.py) in front of three stand-in kube-apiservers,
with a client requesting https://VIP:PORT/readyz in a loop:

1. `keepalived --config-test` accepts each keepalived config (inside its load
   balancer's namespace: it checks that the interfaces exist, and that the
   check script is there and secure);
2. when the MASTER's keepalived is SIGKILLed, the VIP moves to the BACKUP and
   the client is served again, through the BACKUP (the backends see which load
   balancer a request came through): once with the main process and its VRRP
   child killed together (a crash), once with the main process alone (its
   VRRP child then resigns on its own);
3. when the MASTER's haproxy stops, check_apiserver.sh fails there, the
   MASTER's priority drops by the script's weight below the BACKUP's, the VIP
   moves, and the client is served again.

The failover gap (last success before the event -> first success through the
new MASTER) must stay under FAILOVER_BOUND_S, a generous bound: the test is not
a benchmark; the gap is printed and recorded (record_property) either way.

The files are kconf's own: lab_configs(lab) renders a cluster description of
the lab (its load balancers as loadBalancer.hosts). The only remaps made here are the ones two load
balancers on one machine force: the check script's path (keepalived runs it
from a secure temp dir instead of /etc/keepalived) and haproxy's stats socket.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import netns_lab
import tlsservers
from conftest import missing, require_tool
from netns_lab import Gap, Lab, Plan, Proc

CHECK_SCRIPT = "check_apiserver.sh"
CHECK_SCRIPT_PATH = f"/etc/keepalived/{CHECK_SCRIPT}"
HAPROXY_STATS_SOCKET = "/run/haproxy/admin.sock"
# The failover must be done within this long (keepalived's own timings, as
# configured, give about 4 s for a dead MASTER and about 10 s for a failing
# check script: 3 falls x 3 s interval, then a preempting BACKUP).
FAILOVER_BOUND_S = 30.0
# Getting everything running, from the first process to the client served
# through the MASTER (about 8 s here: keepalived 2.2.7 starts each instance in
# BACKUP and takes the VIP after the master-down interval, ~3.5 s). With the
# failover bound and teardown, a test stays well under 90 s.
START_BOUND_S = 25.0
# After the failover: the old MASTER gives the VIP up (it has already when it
# resigned or lost the election, so this is short).
SETTLE_BOUND_S = 10.0
SBIN_PATH = "/usr/sbin:/usr/local/sbin:/sbin"
# The lab: who is where. lab_configs() writes the files for it; rendered files
# must come from a description of this same plan (assert_fits_lab says so when
# they do not).
PLAN = Plan()


# --- the files under test ----------------------------------------------------------------


def lab_configs(lab: Lab) -> dict[str, str]:
    """{filename: text} of the keepalived family as kconf renders it for a
    cluster description of the lab's plan: its load balancers as
    loadBalancer.hosts, its stand-in kube-apiservers as the control planes."""
    import json

    from kconf.description import load_cluster
    from kconf.render import render_files

    plan = lab.plan
    description = {
        "apiVersion": "kconf/v1alpha1",
        "kind": "Cluster",
        "metadata": {"name": "lab"},
        "spec": {
            "kubernetesVersion": "v1.31.2",
            "controlPlaneEndpoint": f"{plan.vip}:{plan.frontend_port}",
            "networking": {"podSubnet": "172.16.0.0/16"},
            "loadBalancer": {
                "mode": "keepalived",
                "address": plan.vip,
                "port": plan.frontend_port,
                "virtualRouterID": 51,
                "hosts": [
                    {"name": lb.name, "address": f"{lb.address}/{plan.prefix_length}", "interface": plan.lb_interface}
                    for lb in plan.load_balancers
                ],
            },
            "nodes": [
                {"name": cp.name, "role": "control-plane", "address": f"{cp.address}/{plan.prefix_length}", "bindPort": plan.apiserver_port}
                for cp in plan.control_planes
            ],
        },
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cluster.yaml"
        path.write_text(json.dumps(description))
        files = render_files(load_cluster(str(path)))
    wanted = [f"keepalived-{lb.name}.conf" for lb in plan.load_balancers] + [CHECK_SCRIPT, "haproxy.cfg"]
    return {name: files[name].data.decode() for name in wanted}


# --- do the files fit the lab? ---------------------------------------------------------------


def keepalived_conf_name(lb: str) -> str:
    return f"keepalived-{lb}.conf"


def block(text: str, keyword: str) -> list[str]:
    """The words inside `keyword { ... }` (one level, as in unicast_peer)."""
    match = re.search(rf"^\s*{keyword}\s*\{{([^{{}}]*)\}}", text, re.MULTILINE)
    assert match, f"no {keyword} {{ ... }} block"
    return [line.split("#", 1)[0].strip() for line in match.group(1).splitlines() if line.split("#", 1)[0].strip()]


def directive(text: str, keyword: str) -> str:
    values = re.findall(rf"^\s*{keyword}\s+(\S+)", text, re.MULTILINE)
    assert len(values) == 1, f"expected one {keyword}, found {values}"
    return str(values[0])


def assert_fits_lab(configs: dict[str, str], plan: Plan) -> None:
    """The files describe this lab (its hosts, addresses, VIP, interface and
    port): a description that does not match the lab would make the failover
    tests fail in confusing ways, so say so first."""
    expected = {keepalived_conf_name(lb.name) for lb in plan.load_balancers} | {CHECK_SCRIPT, "haproxy.cfg"}
    assert expected <= configs.keys(), f"missing files: {sorted(expected - configs.keys())} (have {sorted(configs)})"
    lb_addresses = {lb.address for lb in plan.load_balancers}
    for lb in plan.load_balancers:
        name, text = keepalived_conf_name(lb.name), configs[keepalived_conf_name(lb.name)]
        try:
            assert directive(text, "interface") == plan.lb_interface, f"interface is not {plan.lb_interface}"
            assert directive(text, "unicast_src_ip") == lb.address, f"unicast_src_ip is not {lb.address}"
            assert set(block(text, "unicast_peer")) == lb_addresses - {lb.address}, "unicast_peer is not the other LBs"
            vips = block(text, "virtual_ipaddress")
            assert len(vips) == 1 and vips[0].split()[0] == f"{plan.vip}/{plan.prefix_length}", f"VIP is not {plan.vip}"
            assert directive(text, "script") == f'"{CHECK_SCRIPT_PATH}"', f"the check script is not {CHECK_SCRIPT_PATH}"
        except AssertionError as error:
            raise AssertionError(f"{name} does not fit the lab: {error}\n{text}") from None
    haproxy = configs["haproxy.cfg"]
    servers = re.findall(r"^\s*server\s+\S+\s+(\S+)", haproxy, re.MULTILINE)
    wanted = [f"{cp.address}:{plan.apiserver_port}" for cp in plan.control_planes]
    assert servers == wanted, f"haproxy.cfg: servers {servers}, the lab has {wanted}"
    assert re.search(rf"^\s*bind\s+\S*:{plan.frontend_port}(\s|$)", haproxy, re.MULTILINE), \
        f"haproxy.cfg does not bind port {plan.frontend_port}"


# --- putting the files in place ------------------------------------------------------------


def substitute(pattern: str, replacement: str, text: str, what: str) -> str:
    """Replace the one match of `pattern` (multiline) after its group 1 with
    `replacement`: it must match exactly once, so that a template change cannot
    leave the test silently running the wrong path."""
    new, found = re.subn(pattern, lambda m: m.group(1) + replacement, text, flags=re.MULTILINE)
    assert found == 1, f"remapping {what}: /{pattern}/ matched {found} times, expected 1, in:\n{text}"
    return new


@dataclass(frozen=True)
class Deployed:
    keepalived: dict[str, Path]  # load balancer -> its keepalived.conf
    haproxy: dict[str, Path]  # load balancer -> its haproxy.cfg
    check_script: Path


def deploy(lab: Lab, configs: dict[str, str]) -> Deployed:
    """Write the files where the lab's processes read them, remapping only what
    two load balancers on one machine force."""
    assert_fits_lab(configs, lab.plan)
    # enable_script_security: keepalived refuses a script that a non-root user
    # could change, i.e. one in (or under) a directory writable by anyone but
    # root. The lab's directory is mkdtemp's (root, 0700) under /tmp (sticky,
    # which keepalived accepts); the script's own directory is root's, 0755.
    scripts = lab.directory / "keepalived"
    scripts.mkdir(mode=0o755)
    scripts.chmod(0o755)
    check_script = scripts / CHECK_SCRIPT
    check_script.write_text(configs[CHECK_SCRIPT])
    check_script.chmod(0o755)
    keepalived, haproxy = {}, {}
    for lb in lab.plan.load_balancers:
        home = lab.directory / lb.name
        home.mkdir()
        text = substitute(rf'^(\s*script\s+)"{re.escape(CHECK_SCRIPT_PATH)}"', f'"{check_script}"',
                          configs[keepalived_conf_name(lb.name)], "the check script's path")
        keepalived[lb.name] = home / "keepalived.conf"
        keepalived[lb.name].write_text(text)
        # Both haproxies would share /run/haproxy/admin.sock (one filesystem).
        text = substitute(rf"^(\s*stats\s+socket\s+){re.escape(HAPROXY_STATS_SOCKET)}(?=\s)", str(home / "admin.sock"),
                          configs["haproxy.cfg"], "the stats socket")
        haproxy[lb.name] = home / "haproxy.cfg"
        haproxy[lb.name].write_text(text)
        if re.search(rf"^\s*bind\s+{re.escape(lab.plan.vip)}:", text, re.MULTILINE):
            # A frontend on the VIP itself: the BACKUP's haproxy must bind an
            # address it does not hold yet, as on a real load balancer.
            lab.exec(lb.name, "sysctl", "-q", "-w", "net.ipv4.ip_nonlocal_bind=1")
    return Deployed(keepalived, haproxy, check_script)


def priorities(configs: dict[str, str], plan: Plan) -> dict[str, int]:
    return {lb.name: int(directive(configs[keepalived_conf_name(lb.name)], "priority")) for lb in plan.load_balancers}


def script_weight(configs: dict[str, str], plan: Plan) -> int:
    return int(directive(configs[keepalived_conf_name(plan.load_balancers[0].name)], "weight"))


# --- running it ------------------------------------------------------------------------------

TOOLS = ("keepalived", "haproxy", "curl", "timeout", "ip", "bridge")
STATE = re.compile(r"\((VI_[^)]*)\) Entering (MASTER|BACKUP|FAULT) STATE")


@pytest.fixture(scope="module")
def tools() -> dict[str, str]:
    found = {name: require_tool(name, SBIN_PATH) for name in TOOLS}
    reason = netns_lab.can_make_namespaces()
    if reason is not None:
        missing(f"the keepalived failover lab needs network namespaces: {reason}")
    return found


@pytest.fixture
def lab(tools: dict[str, str]) -> Iterator[Lab]:
    """A fresh lab per test; everything in it is stopped and deleted afterwards,
    whether the test passed or not."""
    directory = Path(tempfile.mkdtemp(prefix="kconf-failover-"))
    problems: list[str] = []
    leftovers: list[str] = []
    lab = Lab(PLAN, directory)
    try:
        lab.up()
        yield lab
    finally:
        problems = lab.down()
        leftovers = lab.leftovers()
        shutil.rmtree(directory, ignore_errors=True)
    assert not problems and not leftovers, f"tearing down the lab: {problems}, namespaces left: {leftovers}"


def keepalived_argv(tools: dict[str, str], lab: Lab, lb: str, config: Path) -> list[str]:
    # In the foreground (-n), logging to the console (-l) in detail (-D), not to
    # syslog (-G); pid files of its own so that two instances do not clash
    # (keepalived otherwise refuses to start a second one on /run/keepalived.pid).
    home = lab.directory / lb
    return [tools["keepalived"], "-n", "-l", "-D", "-G", "-f", str(config),
            "-p", str(home / "keepalived.pid"), "-r", str(home / "vrrp.pid"), "-c", str(home / "checkers.pid")]


def vrrp_state(proc: Proc) -> str | None:
    """The last state keepalived logged entering (MASTER, BACKUP, FAULT)."""
    states = STATE.findall(netns_lab.tail(proc.log, lines=10_000))
    return states[-1][1] if states else None


@dataclass
class Running:
    configs: dict[str, str]
    deployed: Deployed
    haproxy: dict[str, Proc]
    keepalived: dict[str, Proc]
    client: Proc
    attempts: Path
    master: str  # the load balancer of the highest priority
    backup: str


def all_alive(lab: Lab, procs: list[Proc]) -> bool:
    return all(lab.alive_or_fail(proc) for proc in procs)


def start_everything(lab: Lab, tools: dict[str, str]) -> Running:
    """Servers, haproxies, keepalived on both load balancers and the client;
    returns once the VIP is on the MASTER and the client is served through it,
    all within START_BOUND_S."""
    deadline = netns_lab.Deadline(START_BOUND_S)
    plan = lab.plan
    configs = lab_configs(lab)
    deployed = deploy(lab, configs)
    prio = priorities(configs, plan)
    assert len(prio) == 2 and len(set(prio.values())) == 2, f"two load balancers of distinct priorities: {prio}"
    master, backup = sorted(prio, key=lambda name: -prio[name])
    cert, key = tlsservers.make_self_signed(lab.directory)
    lab.start_apiservers(cert, key, timeout=deadline.left())

    haproxy = {lb.name: lab.spawn(lb.name, f"haproxy-{lb.name}", [tools["haproxy"], "-db", "-f", str(deployed.haproxy[lb.name])])
               for lb in plan.load_balancers}
    local = lab.url("localhost")

    def serves(name: str) -> bool:
        curl = lab.exec(name, tools["curl"], "-sfk", "--max-time", "2", "-o", "/dev/null", local, check=False)
        return lab.alive_or_fail(haproxy[name]) and curl.returncode == 0

    for name in haproxy:
        netns_lab.wait_for(f"haproxy on {name} to serve {local}", functools.partial(serves, name),
                           timeout=deadline.left(), describe=lab.describe, interval=0.2)

    keepalived = {lb.name: lab.spawn(lb.name, f"keepalived-{lb.name}",
                                     keepalived_argv(tools, lab, lb.name, deployed.keepalived[lb.name]))
                  for lb in plan.load_balancers}
    started = [*haproxy.values(), *keepalived.values()]
    netns_lab.wait_for(
        f"the VIP {plan.vip} on {master} only, {backup} in BACKUP state, check_apiserver succeeding on both",
        lambda: all_alive(lab, started) and lab.holders_of_vip() == [master] and vrrp_state(keepalived[master]) == "MASTER"
        and vrrp_state(keepalived[backup]) == "BACKUP"
        and all("VRRP_Script(check_apiserver) succeeded" in netns_lab.tail(p.log, 10_000) for p in keepalived.values()),
        timeout=deadline.left(), describe=lab.describe, interval=0.2)

    attempts = lab.directory / "attempts.jsonl"
    client = lab.start_client(lab.url(), attempts)
    master_address = plan.host(master).address
    netns_lab.wait_for(
        f"the client to be served through {master} ({master_address})",
        lambda: all_alive(lab, [*started, client])
        and sum(a.ok and a.peer == master_address for a in netns_lab.read_attempts(attempts)) >= 5,
        timeout=deadline.left(), describe=lambda: lab.describe() + "\n" + summary(attempts), interval=0.2)
    return Running(configs, deployed, haproxy, keepalived, client, attempts, master, backup)


def summary(attempts: Path, last: int = 15) -> str:
    """The client's record, run-length encoded: '<t> ok via X' / '<t> failed: why'."""
    rows: list[str] = []
    previous = None
    for attempt in netns_lab.read_attempts(attempts):
        key = f"ok via {attempt.peer}" if attempt.ok else f"failed: {attempt.error}"
        if key != previous:
            rows.append(f"{attempt.start:.2f} {key}")
            previous = key
    return "client attempts (monotonic start, from then on):\n" + "\n".join(rows[-last:])


def wait_for_failover(lab: Lab, running: Running, event: float) -> Gap:
    """Poll until the BACKUP holds the VIP and the client has been served
    through it a few times in a row since `event`; fail after FAILOVER_BOUND_S."""
    plan = lab.plan
    via = plan.host(running.backup).address

    def failed_over() -> Gap | None:
        if running.backup not in lab.holders_of_vip():
            return None
        return netns_lab.gap_around(netns_lab.read_attempts(running.attempts), event, via, settled=5)

    try:
        return netns_lab.wait_for(f"the VIP to move to {running.backup} and the client to be served through it",
                                  failed_over, timeout=FAILOVER_BOUND_S, interval=0.2)
    except netns_lab.LabError as error:
        pytest.fail(f"no failover within {FAILOVER_BOUND_S}s: {error}\n{lab.describe()}\n{summary(running.attempts)}",
                    pytrace=False)


def report(lab: Lab, gap: Gap, name: str, record_property: Callable[[str, object], None]) -> str:
    """Print and record the measured gap; returns the line, for assertion messages."""
    holders = lab.holders_of_vip()
    record_property("failover_gap_s", round(gap.seconds, 3))
    record_property("failover_since_event_s", round(gap.since_event, 3))
    record_property("failover_longest_without_success_s", round(gap.longest_without_success, 3))
    record_property("failover_failed_requests", gap.failures_between)
    record_property("failover_old_path_successes", gap.successes_between)
    record_property("vip_holders_after", ",".join(holders))
    line = f"failover {name}: {gap}; VIP then on {', '.join(holders)}"
    print(line)
    return line


def pid_in(path: Path) -> int:
    def written() -> str | None:
        return path.read_text().strip() if path.exists() else None

    return int(netns_lab.wait_for(f"{path} to be written", written, timeout=5))


# --- the tests -------------------------------------------------------------------------------


def test_keepalived_config_test_accepts_each_config(lab: Lab, tools: dict[str, str]) -> None:
    """`keepalived --config-test`, in the load balancer's namespace: it also
    checks that the interfaces named exist and that the check script is there,
    executable and secure (enable_script_security)."""
    deployed = deploy(lab, lab_configs(lab))
    problems = []
    for name, config in deployed.keepalived.items():
        result = lab.exec(name, tools["keepalived"], "--config-test", "-f", str(config), check=False, timeout=30)
        output = (result.stdout + result.stderr).strip()
        if result.returncode != 0 or output:
            problems.append(f"{name}: keepalived --config-test exited {result.returncode}:\n{output}\n{config.read_text()}")
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("kill", ["crash", "main-process"])
def test_vip_moves_when_the_masters_keepalived_is_killed(
    lab: Lab, tools: dict[str, str], kill: str, record_property: Callable[[str, object], None]
) -> None:
    """SIGKILL the MASTER's keepalived: the BACKUP takes the VIP and serves.

    crash: the main process and its VRRP child together: nothing says goodbye,
    the BACKUP takes over when the adverts stop (3 x advert_int + skew), and the
    VIP stays on the dead MASTER's interface, as after any keepalived crash (the
    client follows the new MASTER's gratuitous ARPs).
    main-process: the main process only: its VRRP child notices that its parent
    is gone and shuts down cleanly (priority-0 advert, VIP removed), so the
    BACKUP takes over at once. keepalived 2.2.7 behaves so; a test that wants a
    crash must kill the VRRP child too."""
    running = start_everything(lab, tools)
    home = lab.directory / running.master
    main, vrrp = pid_in(home / "keepalived.pid"), pid_in(home / "vrrp.pid")
    inside = lab.pids(running.master)
    assert {main, vrrp} <= inside, f"keepalived's pids {main}, {vrrp} are not in {running.master}'s namespace: {inside}"
    event = time.monotonic()
    if kill == "crash":
        os.kill(vrrp, signal.SIGKILL)
    os.kill(main, signal.SIGKILL)
    gap = wait_for_failover(lab, running, event)
    line = report(lab, gap, f"{running.master}'s keepalived SIGKILLed ({kill})", record_property)
    assert gap.seconds <= FAILOVER_BOUND_S, line
    if kill == "main-process":
        netns_lab.wait_for(f"the VIP to leave {running.master}", lambda: lab.holders_of_vip() == [running.backup],
                           timeout=SETTLE_BOUND_S, describe=lab.describe)
    assert vrrp_state(running.keepalived[running.backup]) == "MASTER", lab.describe()


def test_vip_moves_when_the_masters_haproxy_stops(
    lab: Lab, tools: dict[str, str], record_property: Callable[[str, object], None]
) -> None:
    """Stop the MASTER's haproxy: check_apiserver.sh fails there `fall` times,
    the MASTER's priority drops by the script's weight below the BACKUP's, the
    BACKUP preempts, and the client is served through it."""
    running = start_everything(lab, tools)
    prio = priorities(running.configs, lab.plan)
    weight = script_weight(running.configs, lab.plan)
    assert prio[running.master] + weight < prio[running.backup], \
        f"the weight {weight} cannot bring {running.master} ({prio[running.master]}) below {running.backup} ({prio[running.backup]})"
    event = time.monotonic()
    running.haproxy[running.master].stop()
    gap = wait_for_failover(lab, running, event)
    line = report(lab, gap, f"{running.master}'s haproxy stopped", record_property)
    assert gap.seconds <= FAILOVER_BOUND_S, line
    netns_lab.wait_for(f"the VIP to leave {running.master}", lambda: lab.holders_of_vip() == [running.backup],
                       timeout=SETTLE_BOUND_S, describe=lab.describe)
    master_log = netns_lab.tail(running.keepalived[running.master].log, 10_000)
    expected = f"Changing effective priority from {prio[running.master]} to {prio[running.master] + weight}"
    assert expected in master_log, f"{running.master}'s keepalived did not log {expected!r}:\n{lab.describe()}"
    assert vrrp_state(running.keepalived[running.master]) == "BACKUP", lab.describe()
