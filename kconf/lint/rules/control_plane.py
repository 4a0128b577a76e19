"""Control plane, load balancer, etcd: control-plane-endpoint-missing,
control-plane-endpoint-target, haproxy-backends, haproxy-mode,
haproxy-http-in-tcp-mode, haproxy-health-check, lb-port-collision,
etcd-quorum."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kconf.addresses import Address, AddressError, split_host_port
from kconf import description as model
from kconf.description import DEFAULT_BIND_PORT, Cluster, Node
from kconf.lazyre import lazy
from kconf.lint.haproxy import (
    BIND_KINDS,
    PROXY_KINDS,
    SERVER_KINDS,
    Directive,
    HAProxyConfig,
    Section,
    Server,
    SocketAddress,
    server_options,
)
from kconf.lint.model import (
    ERROR,
    WARNING,
    DocumentView,
    Group,
    HAProxyFile,
    Loc,
    RawFinding,
)
from kconf.lint.registry import Rule
from kconf.outputs import bracketed
from kconf.wording import counted

# Names people give the API server's proxies (a standalone haproxy.cfg has no description to tell).
_APISERVER_NAME = lazy(r"api[-_]?server|kube[-_]?api|k8s[-_]?api|control[-_]?plane", re.IGNORECASE)


# --- where things are ------------------------------------------------------------------------


def _description(group: Group) -> DocumentView | None:
    """The group's cluster description, as written (also when it is invalid)."""
    source = group.cluster_file
    return source.view if source is not None else None


def _configs(group: Group) -> Iterator[tuple[str, HAProxyConfig]]:
    for source in group.of(HAProxyFile):
        if source.config is not None:
            yield source.path, source.config


def _apiserver_sections(config: HAProxyConfig, front_ports: set[int], back_ports: set[int]) -> list[Section]:
    """Proxies that serve the Kubernetes API: binding a front port, holding
    servers on a back port, named like it, or reached from such a frontend."""
    chosen: dict[int, Section] = {}
    for section in config.proxies:
        by_bind = section.kind in BIND_KINDS and bool(section.bound_ports() & front_ports)
        by_server = section.kind in SERVER_KINDS and any(s.address.port in back_ports for s in section.servers)
        if by_bind or by_server or _APISERVER_NAME.search(section.name or ""):
            chosen.setdefault(id(section), section)
            if section.kind == "frontend":
                for _, target in config.targets(section):
                    if target is not None:
                        chosen.setdefault(id(target), target)
    return sorted(chosen.values(), key=lambda s: s.line)


def _ports(group: Group) -> tuple[set[int], set[int]]:
    """(frontend ports, backend ports) of the API server for this group."""
    cluster = group.cluster
    if cluster is None:
        return {DEFAULT_BIND_PORT}, {DEFAULT_BIND_PORT}
    back = {n.bind_port for n in cluster.control_plane_nodes}
    lb = cluster.load_balancer
    return ({lb.port} if lb is not None else set(back)), back


def _api_sections(group: Group) -> Iterator[tuple[str, HAProxyConfig, Section]]:
    front, back = _ports(group)
    for path, config in _configs(group):
        for section in _apiserver_sections(config, front, back):
            yield path, config, section


def _control_plane_count(view: DocumentView) -> int:
    nodes = view.get("spec", "nodes")
    if not isinstance(nodes, list):
        return 0
    return sum(1 for n in nodes if isinstance(n, dict) and n.get("role") == "control-plane")


# --- control-plane-endpoint-missing ------------------------------------------------------------


def control_plane_endpoint_missing(group: Group) -> Iterator[RawFinding]:
    """No controlPlaneEndpoint. With more than one control-plane node this is
    an error, in the cluster description or in a kubeadm ClusterConfiguration
    of its output folder; with one control-plane node, or in a standalone
    ClusterConfiguration (kubeadm file or kubeadm-config ConfigMap), a warning.

    Why: without an endpoint every kubeconfig and every kubelet points at the
    first control-plane node's own address; with several control planes the
    cluster dies with that node. A single control plane made without an
    endpoint cannot be turned HA later without a rebuild: the address is baked
    into the certificates and kubeconfigs.

    Fix: set controlPlaneEndpoint to a DNS name (or the load balancer) with
    its port, e.g. `k8s-vip:6443`, even for one control plane: the name can
    point at the node now and at a load balancer later."""
    described = _description(group)
    several = False
    if described is not None:
        view = described
        count = _control_plane_count(view)
        several = count > 1
        if not view.get("spec", "controlPlaneEndpoint") and count:
            loc = view.loc(("spec",), key=True)
            if several:
                yield RawFinding(
                    "control-plane-endpoint-missing", loc,
                    f"{count} control-plane nodes and no spec.controlPlaneEndpoint: every node would reach the "
                    "API through the first control plane alone; set it to the load balancer (host:port)",
                )
            else:
                yield RawFinding(
                    "control-plane-endpoint-missing", loc,
                    "no spec.controlPlaneEndpoint: a single control plane made without it cannot be turned HA "
                    "later without a rebuild; set a DNS name for it (e.g. k8s-api:6443)",
                    severity=WARNING,
                )
    for view in group.kubeadm_documents("ClusterConfiguration"):
        if view.get("controlPlaneEndpoint"):
            continue
        loc = view.loc(("kind",))
        if described is None:
            yield RawFinding(
                "control-plane-endpoint-missing", loc,
                "ClusterConfiguration without controlPlaneEndpoint: a single control plane made without it "
                "cannot be turned HA later without a rebuild",
                severity=WARNING,
            )
        elif several:
            yield RawFinding(
                "control-plane-endpoint-missing", loc,
                "ClusterConfiguration without controlPlaneEndpoint, but the cluster has several control-plane "
                "nodes: kubeadm would point everything at the first one",
            )


# --- control-plane-endpoint-target ------------------------------------------------------------


def _parse_endpoint(value: object) -> tuple[str, int | None] | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        host, port = split_host_port(value)
    except AddressError:
        return None
    return host.lower(), port


def _description_target(cluster: Cluster, view: DocumentView) -> Iterator[RawFinding]:
    endpoint = cluster.endpoint()
    if endpoint is None:
        return
    host, port = endpoint
    loc = view.loc(("spec", "controlPlaneEndpoint"))
    resolved = cluster.resolve(host)
    lb = cluster.load_balancer
    if lb is not None:
        if resolved is None:
            yield RawFinding(
                "control-plane-endpoint-target", loc,
                f"controlPlaneEndpoint host {host!r} does not resolve through spec.hosts, loadBalancer.hostname or "
                f"a node name, so nothing says it reaches the load balancer {lb.address}: add it to spec.hosts",
            )
        elif resolved != lb.address:
            yield RawFinding(
                "control-plane-endpoint-target", loc,
                f"controlPlaneEndpoint host {host!r} resolves to {resolved}, not to the load balancer {lb.address}: "
                "clients would bypass it and depend on one machine",
            )
        if port != lb.port:
            yield RawFinding(
                "control-plane-endpoint-target", loc,
                f"controlPlaneEndpoint port {port} is not the load balancer's frontend port {lb.port}",
            )
        return
    if resolved is None:
        return  # resolved by DNS outside the description
    nodes = {n.ip: n for n in cluster.control_plane_nodes}
    node = nodes.get(resolved)
    if node is None:
        yield RawFinding(
            "control-plane-endpoint-target", loc,
            f"controlPlaneEndpoint host {host!r} resolves to {resolved}, which is no control-plane node "
            "(and there is no loadBalancer)",
        )
    elif port != node.bind_port:
        yield RawFinding(
            "control-plane-endpoint-target", loc,
            f"controlPlaneEndpoint port {port} is not the bindPort {node.bind_port} of {node.name}, "
            "the control-plane node it resolves to",
        )


def _init_bind_port(group: Group, path: str) -> int:
    """The bindPort kubeadm appends to a port-less controlPlaneEndpoint: the
    InitConfiguration's localAPIEndpoint.bindPort in the same file, else 6443."""
    for view in group.kubeadm_documents("InitConfiguration"):
        port = view.get("localAPIEndpoint", "bindPort")
        if view.path == path and isinstance(port, int):
            return port
    return DEFAULT_BIND_PORT


def _kubeadm_targets(group: Group, cluster: Cluster) -> Iterator[RawFinding]:
    """kubeadm files of the group that lead elsewhere than the description's
    endpoint (host and port, a missing port filled in as kubeadm does)."""
    endpoint = cluster.endpoint()
    if endpoint is None:
        return
    wanted = (endpoint[0].lower(), endpoint[1])
    fields = {
        "ClusterConfiguration": ("controlPlaneEndpoint",),
        "JoinConfiguration": ("discovery", "bootstrapToken", "apiServerEndpoint"),
    }
    for view in group.kubeadm_documents():
        field = fields.get(view.kind)
        value = view.get(*field) if field is not None else None
        found = _parse_endpoint(value)
        if field is None or not isinstance(value, str) or found is None:
            continue
        port = found[1] if found[1] is not None else _init_bind_port(group, view.path)
        if (found[0], port) == wanted:
            continue
        if found[0] == wanted[0] and found[1] is None:
            message = (
                f"{view.kind} {'.'.join(field)} {value!r} has no port, so kubeadm uses the API server's bindPort "
                f"{port}, but the description's endpoint is port {wanted[1]}: write {value}:{wanted[1]}"
            )
        else:
            message = (
                f"{view.kind} {'.'.join(field)} is {value!r}, but the description's controlPlaneEndpoint is "
                f"{cluster.control_plane_endpoint!r} (edited by hand? change the description and run `kconf render`)"
            )
        yield RawFinding("control-plane-endpoint-target", view.loc(field), message)


def _bind_reaches(address: SocketAddress, options: tuple[str, ...], target: Address) -> bool:
    """Whether a bind address listens on ``target``. HAProxy: an empty
    address, ``*`` and 0.0.0.0 are every IPv4 address; ``::`` every IPv6
    address, and IPv4 too unless ``v6only``. A host name may be anything."""
    if address.family in ("ipv4", "ipv6") and address.host in ("", "*"):
        return target.version == int(address.family[-1])
    if address.ip is None:
        return target.version == 4 if address.host in ("", "*") else True
    if address.ip.is_unspecified:
        if address.ip.version == 4:
            return target.version == 4
        return target.version == 6 or "v6only" not in options
    return address.ip == target


def _haproxy_front_port(group: Group, cluster: Cluster) -> Iterator[RawFinding]:
    endpoint = cluster.endpoint()
    lb = cluster.load_balancer
    if endpoint is None or lb is None or cluster.resolve(endpoint[0]) != lb.address:
        return
    port = endpoint[1]
    for path, config in _configs(group):
        listening = [(s, b, a) for s in config.of_kind(*BIND_KINDS) for b in s.binds for a in b.addresses if not a.is_socket]
        fronts = list({id(s): s for s, _, _ in listening}.values())
        on_port = [(s, b, a) for s, b, a in listening if a.port == port]
        if any(_bind_reaches(a, b.options, lb.address) for _, b, a in on_port):
            continue
        if on_port:
            section, bind, address = on_port[0]
            yield RawFinding(
                "control-plane-endpoint-target", Loc(path, bind.line, address.column),
                f"{section.title} binds {address.text}, which does not listen on the load balancer address "
                f"{lb.address} (an empty address, * and 0.0.0.0 are IPv4 only; :::{port} listens on both families)",
            )
        elif fronts:
            first = fronts[0]
            bound = ", ".join(str(p) for p in sorted(first.bound_ports())) or "no TCP port"
            yield RawFinding(
                "control-plane-endpoint-target", Loc(path, first.binds[0].line, first.binds[0].column),
                f"controlPlaneEndpoint {cluster.control_plane_endpoint} reaches the load balancer on port {port}, "
                f"but no frontend here binds it ({first.title} binds {bound})",
            )
        else:
            yield RawFinding(
                "control-plane-endpoint-target", Loc(path, 1),
                f"controlPlaneEndpoint reaches the load balancer on port {port}, but this HAProxy configuration "
                "has no frontend or listen section binding it",
            )


def control_plane_endpoint_target(group: Group) -> Iterator[RawFinding]:
    """controlPlaneEndpoint does not lead to the API servers: its host does not
    resolve (spec.hosts, loadBalancer.hostname, node names) to the load
    balancer when there is one (without one: to a control-plane node); its
    port is not the load balancer's frontend port (or the node's bindPort);
    haproxy.cfg binds no frontend on that port and the load balancer's
    address (`bind :6443` is IPv4 only); or a kubeadm file of the
    output folder (ClusterConfiguration controlPlaneEndpoint, JoinConfiguration
    apiServerEndpoint) says something else than the description.

    Why: kubeadm writes the endpoint into every kubeconfig and certificate. An
    endpoint that names one node, or the wrong port, makes the load balancer
    useless (or unreachable) and cannot be changed without re-issuing them.

    Fix: point controlPlaneEndpoint at the load balancer (a name listed in
    spec.hosts, or loadBalancer.hostname) with loadBalancer.port, and
    re-render instead of editing the kubeadm files."""
    described = _description(group)
    cluster = group.cluster
    if described is None or cluster is None:
        return
    yield from _description_target(cluster, described)
    yield from _kubeadm_targets(group, cluster)
    yield from _haproxy_front_port(group, cluster)


# --- haproxy-backends ------------------------------------------------------------------------


def _lb_backends(path: str, config: HAProxyConfig, lb_port: int) -> tuple[list[Section], list[RawFinding]]:
    """The backends (or listens) behind the frontend on the load balancer port,
    else the only one with servers; and findings for targets that do not exist."""
    chosen: dict[int, Section] = {}
    problems: list[RawFinding] = []
    for front in config.of_kind(*BIND_KINDS):
        if lb_port not in front.bound_ports():
            continue
        if front.kind == "listen":
            chosen.setdefault(id(front), front)
            continue
        for directive, target in config.targets(front):
            if target is not None:
                chosen.setdefault(id(target), target)
            elif "%[" not in directive.args[0]:
                problems.append(
                    RawFinding(
                        "haproxy-backends", Loc(path, directive.line, directive.arg_column(0)),
                        f"{front.title} sends to backend {directive.args[0]!r}, which is not in this file",
                    )
                )
    if not chosen and not problems:
        with_servers = [s for s in config.of_kind(*SERVER_KINDS) if s.servers]
        if len(with_servers) == 1:
            chosen[id(with_servers[0])] = with_servers[0]
    return list(chosen.values()), problems


def _server_port(server: Server, client_port: int) -> int | None:
    """Where a server is reached; no port means the client's, ``+N``/``-N`` an offset."""
    address = server.address
    if address.port is not None:
        return address.port
    text = address.port_text
    if not text:
        return client_port
    if text[:1] in "+-" and text[1:].isdigit():
        return client_port + int(text)
    return None


def _check_backend(path: str, backend: Section, cluster: Cluster, client_port: int) -> Iterator[RawFinding]:
    control_planes = {n.ip: n for n in cluster.control_plane_nodes}
    by_name = {n.name: n for n in cluster.control_plane_nodes}
    all_nodes = {n.ip: n for n in cluster.nodes}
    matched: set[str] = set()
    unmatched: list[tuple[Server, Address | None]] = []
    for server in backend.servers:
        address = server.address
        ip = address.ip if address.ip is not None else (cluster.resolve(address.host) if address.host else None)
        port = _server_port(server, client_port)
        node = control_planes.get(ip) if ip is not None else None
        where = Loc(path, server.line, address.column)
        if node is None:
            unmatched.append((server, ip))
        elif node.name in matched:
            yield RawFinding(
                "haproxy-backends", where,
                f"server {server.name} is a second server for control-plane node {node.name} ({address.text})",
            )
        else:
            matched.add(node.name)
            if port != node.bind_port:
                yield RawFinding(
                    "haproxy-backends", where,
                    f"server {server.name} sends to {node.name} on port {address.port_text or port}, but its "
                    f"kube-apiserver listens on bindPort {node.bind_port}",
                )
    for server, ip in unmatched:
        where = Loc(path, server.line, server.address.column)
        named = by_name.get(server.name)
        if named is not None and named.name not in matched:
            matched.add(named.name)
            yield RawFinding(
                "haproxy-backends", where,
                f"server {server.name} points at {server.address.text}, but control-plane node {named.name} is "
                f"{bracketed(named.ip, named.bind_port)}",
            )
        elif ip is None:
            yield RawFinding(
                "haproxy-backends", where,
                f"server {server.name}: {server.address.host or server.address.text!r} is no address or name of the "
                "description (nodes, hosts, loadBalancer), so it is no control-plane node",
            )
        else:
            other = all_nodes.get(ip)
            what = f"{other.role} node {other.name}" if other is not None else "no node of the cluster"
            yield RawFinding(
                "haproxy-backends", where,
                f"server {server.name} ({server.address.text}) is {what}, not a control-plane node: "
                "remove it",
            )
    missing = [n for n in cluster.control_plane_nodes if n.name not in matched]
    for node in missing:
        yield RawFinding(
            "haproxy-backends", Loc(path, backend.line, backend.column),
            f"{backend.title} has no server for control-plane node {node.name} "
            f"({bracketed(node.ip, node.bind_port)})",
        )


def haproxy_backends(group: Group) -> Iterator[RawFinding]:
    """The HAProxy backend behind the load balancer port (the one the frontend
    binding loadBalancer.port sends to, else the only backend with servers)
    does not hold exactly the control-plane nodes at address:bindPort: a
    control-plane node without a server (reported at the backend line), a
    server that is no control-plane node or a second one for the same node, or
    a server with the wrong address or port (at the server line). Server hosts
    resolve through the description (hosts, loadBalancer, node names); a
    server without a port gets the client's port, as HAProxy does. Only for
    haproxy.cfg files next to a cluster description (in its output folder).

    Why: the backend list drifts from the real control-plane nodes (field
    report): a node added later gets no traffic, a removed one stays in the
    pool and answers nothing, a wrong port fails every connection.

    Fix: list one `server NAME ADDRESS:BINDPORT check` per control-plane node,
    or re-render haproxy.cfg from the description (`kconf render`)."""
    cluster = group.cluster
    lb = cluster.load_balancer if cluster is not None else None
    if cluster is None or lb is None:
        return
    for path, config in _configs(group):
        backends, problems = _lb_backends(path, config, lb.port)
        yield from problems
        for backend in backends:
            yield from _check_backend(path, backend, cluster, lb.port)


# --- haproxy-mode ----------------------------------------------------------------------------


def haproxy_mode(group: Group) -> Iterator[RawFinding]:
    """A frontend, backend or listen section of the Kubernetes API server is
    not in `mode tcp`. The mode is the section's own, else the one of the
    defaults section it inherits from (the last `defaults` before it, or the
    one named with `from`), else HAProxy's default, tcp. API server sections
    are: in a cluster's output folder, those binding loadBalancer.port or
    holding servers on a control-plane bindPort; in a standalone haproxy.cfg,
    those binding or sending to 6443; in both, sections named like the API
    server (apiserver, kube-api, k8s-api, control-plane) and the backends
    such a frontend sends to.

    Why: kube-apiserver speaks TLS and authenticates clients by their
    certificates; `mode http` makes HAProxy parse the bytes as HTTP, which
    fails on the TLS handshake (or, terminated by HAProxy, loses client
    certificates). A `mode http` inherited from a distribution's default
    `defaults` section is the usual cause.

    Fix: write `mode tcp` in the API server's frontend and backend (or
    listen), or in the defaults section they use."""
    inherited: dict[tuple[str, int], tuple[int, str, list[str]]] = {}
    for path, _config, section in _api_sections(group):
        directive = section.mode_directive
        if section.kind not in PROXY_KINDS or directive is None or section.mode == "tcp":
            continue
        if directive in section.directives:
            yield RawFinding(
                "haproxy-mode", Loc(path, directive.line, directive.arg_column(0)),
                f"{section.title} serves the Kubernetes API server in mode {section.mode}: it must be mode tcp, "
                "TLS has to reach kube-apiserver untouched",
            )
        else:
            key = (path, directive.line)
            entry = inherited.setdefault(key, (directive.arg_column(0), section.mode, []))
            entry[2].append(section.title)
    for (path, line), (column, mode, titles) in inherited.items():
        yield RawFinding(
            "haproxy-mode", Loc(path, line, column),
            f"mode {mode} of this defaults section applies to {', '.join(titles)}, which "
            f"{'serves' if len(titles) == 1 else 'serve'} the Kubernetes API server: write mode tcp there (or here)",
        )


# --- haproxy-http-in-tcp-mode ---------------------------------------------------------------

_WARNS = "haproxy -c warns and ignores it"
_SILENT = "HAProxy ignores it without a word"
# HTTP-only directives: the proxy kinds they belong to, and what HAProxy (2.6, `haproxy -c`) does
# with them in a mode tcp proxy. Backend-only ones (cookie, http-reuse) and frontend-only ones
# (capture) are left alone where a shared defaults section hands them to the other kind.
_HTTP_KEYWORDS: dict[str, tuple[frozenset[str], str]] = {
    "http-request": (PROXY_KINDS, _WARNS),  # use-service, redirect, set-header... are its actions
    "http-response": (PROXY_KINDS, _WARNS),
    "http-after-response": (PROXY_KINDS, _WARNS),
    "redirect": (PROXY_KINDS, _WARNS),
    "compression": (PROXY_KINDS, _SILENT),
    "capture": (BIND_KINDS, _SILENT),
    "cookie": (SERVER_KINDS, _WARNS),
    "http-reuse": (SERVER_KINDS, _SILENT),
}
_HTTP_OPTIONS: dict[str, tuple[frozenset[str], str]] = {
    "httplog": (PROXY_KINDS, "haproxy -c warns and falls back to option tcplog"),
    "forwardfor": (PROXY_KINDS, _WARNS),
    "originalto": (PROXY_KINDS, _WARNS),
    "http-buffer-request": (PROXY_KINDS, _WARNS),
    "http-pretend-keepalive": (SERVER_KINDS, _WARNS),
    "http-server-close": (PROXY_KINDS, _SILENT),
    "http-keep-alive": (PROXY_KINDS, _SILENT),
    "httpclose": (PROXY_KINDS, _SILENT),
}
# Options that choose the log format: the last one wins (`option tcplog` after an inherited
# `option httplog` leaves nothing to report).
_LOG_FORMATS = frozenset({"httplog", "tcplog", "httpslog"})

# One HTTP-only line: where, what it is, what HAProxy does with it, the section that holds it.
_Useless = tuple[Loc, str, str, Section]


def _useless_in(path: str, section: Section) -> Iterator[_Useless]:
    """Each HTTP-only line that acts on ``section`` (in mode tcp): its own and
    its defaults sections', in the order HAProxy applies them."""
    options: dict[str, tuple[Directive, Section] | None] = {}
    for source in section.lineage:
        for directive in source.directives:
            if directive.keyword == "option" and directive.args:
                name = directive.args[0]
                options["log" if name in _LOG_FORMATS else name] = None if directive.prefix else (directive, source)
            elif directive.keyword == "log-format":
                options["log"] = None
            elif directive.keyword in _HTTP_KEYWORDS and not directive.prefix:
                kinds, effect = _HTTP_KEYWORDS[directive.keyword]
                if section.kind in kinds:
                    yield Loc(path, directive.line, directive.column), directive.keyword, effect, source
            elif directive.keyword == "default-server" and section.kind in SERVER_KINDS:
                for option in server_options(directive):
                    if option.name == "cookie":
                        yield Loc(path, directive.line, option.column), "default-server cookie", _WARNS, source
    for entry in options.values():
        known = _HTTP_OPTIONS.get(entry[0].args[0]) if entry is not None else None
        if entry is not None and known is not None and section.kind in known[0]:
            directive, source = entry
            yield Loc(path, directive.line, directive.arg_column(0)), f"option {directive.args[0]}", known[1], source
    if section.kind in SERVER_KINDS:
        yield from _useless_server_settings(path, section)


def _useless_server_settings(path: str, section: Section) -> Iterator[_Useless]:
    for server in section.servers:
        for option in server.options:
            if option.name == "cookie":
                yield Loc(path, server.line, option.column), "server cookie", _WARNS, section
    check = section.health_check
    if check is not None and check.is_option("httpchk"):
        return
    for source in reversed(section.lineage):  # the http-check rules of the nearest section that has any
        own = source.own("http-check")
        for directive in own:
            yield (
                Loc(path, directive.line, directive.column), "http-check",
                "without option httpchk haproxy -c warns that the http-check rules are ignored", source,
            )
        if own:
            return


def haproxy_http_in_tcp_mode(group: Group) -> Iterator[RawFinding]:
    """A frontend, backend or listen of the Kubernetes API server (see
    haproxy-mode for which sections count) is in mode tcp, as it must be,
    but it, or the defaults section it inherits from, holds directives that
    only act on HTTP. HAProxy 2.6 (`haproxy -c`) says of them:

    - `http-request` (with its actions `use-service`, `redirect`, ...),
      `http-response`, `http-after-response`, `redirect`: "'http-request'
      rules ignored for frontend 'kube-apiserver' as they require HTTP mode"
      (and so on for each);
    - `option forwardfor`, `option originalto`, `option http-buffer-request`,
      `option http-pretend-keepalive`: "'option forwardfor' ignored for
      backend 'kube-apiserver' as it requires HTTP mode";
    - `option httplog`: "'option httplog' not usable with frontend
      'kube-apiserver' (needs 'mode http'). Falling back to 'option
      tcplog'." (not reported when a later `option tcplog` or `log-format`
      replaces it);
    - `cookie` in a backend: "cookie will be ignored for backend
      'kube-apiserver' (needs 'mode http')"; `cookie` of a server or
      default-server: "ignoring cookie for server 'cp-1' as HTTP mode is
      disabled";
    - `http-check` without `option httpchk` in force: "backend
      'kube-apiserver' uses http-check rules without 'option httpchk', so
      the rules are ignored". With `option httpchk` (kconf's /readyz check)
      http-check rules do work in mode tcp and are not reported;
    - `option http-server-close`, `option http-keep-alive`, `option
      httpclose`, `compression`, `capture`, `http-reuse`: nothing at all,
      they are silently ignored.

    A directive of a defaults section is reported once, at its line, with the
    API server sections it reaches. Backend-only settings are not reported
    for a frontend that shares the defaults section, nor `capture` for a
    backend.

    Why: the lines look as if they did something (forward the client
    address, log requests, stick clients with a cookie, deny a path) and do
    nothing: the bytes are TLS that HAProxy passes to kube-apiserver
    untouched. Whoever relies on them (an audit reading X-Forwarded-For, a
    deny rule) is silently unprotected.

    Fix: remove them from the API server's sections, or move the API server
    to a defaults section of its own (`defaults apiserver` with `mode tcp`
    and `option tcplog`, and `frontend ... from apiserver`). To see the
    client address in kube-apiserver use `send-proxy-v2` only if it accepts
    the PROXY protocol (it does not by default)."""
    reached: dict[tuple[Loc, str], tuple[str, Section, list[str]]] = {}
    for path, _config, section in _api_sections(group):
        if section.kind not in PROXY_KINDS or section.mode != "tcp":
            continue
        for loc, what, effect, source in _useless_in(path, section):
            titles = reached.setdefault((loc, what), (effect, source, []))[2]
            if section.title not in titles:
                titles.append(section.title)
    for (loc, what), (effect, source, titles) in reached.items():
        if source.kind == "defaults":
            message = (
                f"{what} of this defaults section reaches {', '.join(titles)}, which "
                f"{'serves' if len(titles) == 1 else 'serve'} the Kubernetes API server in mode tcp, and does nothing there ({effect}): remove it, or give the API server a defaults "
                "section of its own"
            )
        else:
            message = (
                f"{what} does nothing in {source.title}, which serves the Kubernetes API server in mode tcp "
                f"({effect}): remove it"
            )
        yield RawFinding("haproxy-http-in-tcp-mode", loc, message)


# --- haproxy-health-check --------------------------------------------------------------------


def _global_verify_none(config: HAProxyConfig) -> bool:
    return any(
        d.args[:1] == ("none",) for s in config.of_kind("global") for d in s.own("ssl-server-verify")
    )


def _http_check_uses_ssl(section: Section) -> bool:
    return any(d.args[:1] == ("connect",) and "ssl" in d.args[1:] for d in section.http_checks)


def _conflict(path: str, section: Section) -> Iterator[RawFinding]:
    options = section.check_options
    kinds = {d.args[0] for d in options}
    if not {"httpchk", "ssl-hello-chk"} <= kinds:
        return
    hello = [d for d in options if d.is_option("ssl-hello-chk")][-1]
    http = [d for d in options if d.is_option("httpchk")][-1]
    if hello.line > http.line:
        effect = (
            f"the SSL hello check replaces the HTTP check of line {http.line}: HAProxy only asks whether the "
            "port talks TLS, never whether kube-apiserver is ready (/readyz)"
        )
    else:
        effect = (
            f"option httpchk (line {http.line}) replaces it: the SSL hello is never sent, and the HTTP request "
            "goes in clear unless the servers have check-ssl"
        )
    yield RawFinding(
        "haproxy-health-check", Loc(path, hello.line, hello.column),
        f"{section.title} has both option ssl-hello-chk and option httpchk; HAProxy keeps only the last "
        f"check type: {effect}",
    )


def _server_checks(path: str, config: HAProxyConfig, section: Section) -> Iterator[RawFinding]:
    check = section.health_check
    httpchk = check is not None and check.is_option("httpchk") and not _http_check_uses_ssl(section)
    verify_none = _global_verify_none(config)
    for server in section.servers:
        loc = Loc(path, server.line, server.column)
        if not server.enabled("check"):
            yield RawFinding(
                "haproxy-health-check", loc,
                f"server {server.name} has no `check` (nor a default-server one): HAProxy never marks it down "
                "and keeps sending clients to a dead API server",
            )
            continue
        tls = server.enabled("check-ssl") or server.enabled("ssl")
        if httpchk and not tls:
            assert check is not None
            yield RawFinding(
                "haproxy-health-check", loc,
                f"option httpchk (line {check.line}) sends plain HTTP to server {server.name}, whose kube-apiserver "
                "only speaks TLS: it answers 400 and the server is marked down; add `check-ssl verify none`",
            )
        if tls and server.value("verify") != "none" and server.value("ca-file") is None and not verify_none:
            yield RawFinding(
                "haproxy-health-check", loc,
                f"server {server.name} checks over TLS with the default `verify required` and no ca-file: HAProxy "
                "refuses to start ('verify is enabled by default but no CA file specified'); add `verify none` "
                "or a ca-file with the cluster CA",
                severity=ERROR,
            )


def haproxy_health_check(group: Group) -> Iterator[RawFinding]:
    """In the API server's backend (see haproxy-mode for which sections count):
    a server without `check` (after `default-server` settings of the section
    and its defaults, `no-check` included); `option ssl-hello-chk` together
    with `option httpchk` (HAProxy keeps only the last check type, so one of
    them is silently dropped); `option httpchk` without `check-ssl` (plain
    HTTP to kube-apiserver's TLS port, which answers 400: every server is
    marked down); and `check-ssl` without `verify none` or a `ca-file`
    (HAProxy refuses to start: an error).

    Why: without a working check HAProxy either keeps sending clients to a
    stopped API server or marks every server down, and the whole control
    plane is unreachable through the load balancer.

    Fix: `server NAME ADDRESS:PORT check check-ssl verify none` with
    `option httpchk` and `http-check send meth GET uri /readyz` (what kconf
    renders for healthCheck readyz), or plain `check` for a TCP check."""
    for path, config, section in _api_sections(group):
        if section.kind not in SERVER_KINDS:
            continue
        yield from _conflict(path, section)
        yield from _server_checks(path, config, section)


# --- lb-port-collision -----------------------------------------------------------------------


def _nodes_by_address(nodes: Iterable[Node]) -> dict[Address, Node]:
    found: dict[Address, Node] = {}
    for node in nodes:
        found.setdefault(node.ip, node)
        for interface in node.interfaces:
            found.setdefault(interface.address.ip, node)
    return found


def lb_port_collision(group: Group) -> Iterator[RawFinding]:
    """The load balancer runs on a control-plane node (its address, or with
    mode keepalived an LB host's, is one of that node's addresses) and listens on the port that node's kube-apiserver
    binds (bindPort, 6443 by default): in the description, and in haproxy.cfg
    a frontend binding that port on all addresses or on the node's own.

    Why: two programs cannot listen on one address and port: either HAProxy or
    kube-apiserver fails to start, and `kubeadm init` on that node breaks.

    Fix: give the load balancer another port (loadBalancer.port, e.g. 8443,
    and the same port in controlPlaneEndpoint), or the API server another
    bindPort, or run the load balancer on a machine of its own."""
    described = _description(group)
    cluster = group.cluster
    lb = cluster.load_balancer if cluster is not None else None
    if described is None or cluster is None or lb is None:
        return
    view = described
    if lb.mode == "kube-vip":  # no HAProxy: the VIP leads to kube-apiserver's own port
        return
    # the HAProxy host, or (keepalived) an LB host that is a control-plane node
    by_address = _nodes_by_address(cluster.control_plane_nodes)
    found = [(address, by_address[address]) for address in cluster.lb_host_addresses() if address in by_address]
    if not found:
        return
    lb_address, node = found[0]
    if lb.port == node.bind_port:
        yield RawFinding(
            "lb-port-collision", view.loc(("spec", "loadBalancer", "port")),
            f"the load balancer {lb_address} runs on control-plane node {node.name}, whose kube-apiserver already "
            f"listens on port {node.bind_port}: use another loadBalancer.port (e.g. 8443) or bindPort",
        )
    own = {node.ip, *(i.address.ip for i in node.interfaces)}
    for path, _config, section in _api_sections(group):
        for bind in section.binds:
            for address in bind.addresses:
                if address.port == node.bind_port and (address.is_wildcard or address.ip in own):
                    yield RawFinding(
                        "lb-port-collision", Loc(path, bind.line, address.column),
                        f"{section.title} binds {address.text} on control-plane node {node.name}, where kube-apiserver "
                        f"listens on bindPort {node.bind_port}: one of them cannot start",
                    )


# --- etcd-quorum ----------------------------------------------------------------------------


def _external_etcd(group: Group) -> bool:
    return any(isinstance(v.get("etcd", "external"), dict) for v in group.kubeadm_documents("ClusterConfiguration"))


def etcd_quorum(group: Group) -> Iterator[RawFinding]:
    """An even number of control-plane nodes with stacked etcd (kubeadm's
    default: one etcd member on each control-plane node). No finding when a
    ClusterConfiguration of the group uses external etcd.

    Why: etcd needs a majority. 2 members tolerate no failure (worse than 1:
    twice the chance of losing one), 4 tolerate 1 like 3 do; the extra member
    adds load and failure chances but no fault tolerance.

    Fix: use an odd number of control-plane nodes (3 or 5), or external etcd."""
    described = _description(group)
    cluster = group.cluster
    if described is None or cluster is None or _external_etcd(group):
        return
    control_planes = cluster.control_plane_nodes
    count = len(control_planes)
    if count < 2 or count % 2:
        return
    last = control_planes[-1]
    yield RawFinding(
        "etcd-quorum", described.loc(("spec", "nodes", last.index, "role")),
        f"{count} control-plane nodes with stacked etcd: quorum is {count // 2 + 1}, so it survives "
        f"{_failures((count - 1) // 2)}, the same as {counted(count - 1, 'node')}; use an odd number",
    )


def _failures(tolerated: int) -> str:
    return "no failure" if tolerated == 0 else counted(tolerated, "failure")


# what _ports reads: which HAProxy sections serve the API server
API_PORTS = frozenset({model.LOAD_BALANCER, model.NODE_ROLES, model.NODE_PORTS})
CONTROL_PLANE_NODES = frozenset({model.NODE_NAMES, model.NODE_ROLES, model.NODE_ADDRESSES, model.NODE_PORTS})

RULES = (
    Rule(
        "control-plane-endpoint-missing", ERROR,
        "no controlPlaneEndpoint with several control-plane nodes (error) or one (warning)",
        control_plane_endpoint_missing,
    ),
    Rule(
        "control-plane-endpoint-target", ERROR,
        "controlPlaneEndpoint does not resolve to the load balancer, or its port is not the load balancer's",
        control_plane_endpoint_target, reads=CONTROL_PLANE_NODES | {model.ENDPOINT, model.HOSTS, model.LOAD_BALANCER},
    ),
    Rule(
        "haproxy-backends", ERROR,
        "HAProxy backend servers are not exactly the control-plane nodes at address:bindPort",
        haproxy_backends, reads=CONTROL_PLANE_NODES | {model.HOSTS, model.LOAD_BALANCER},
    ),
    Rule("haproxy-mode", ERROR, "HAProxy frontend/backend for the API server not in mode tcp", haproxy_mode, reads=API_PORTS),
    Rule(
        "haproxy-http-in-tcp-mode", WARNING,
        "an API server section in mode tcp holds HTTP-only directives, which HAProxy ignores there",
        haproxy_http_in_tcp_mode, reads=API_PORTS,
    ),
    Rule(
        "haproxy-health-check", WARNING,
        "an API server backend server without check, or a check that cannot pass",
        haproxy_health_check, reads=API_PORTS,
    ),
    Rule(
        "lb-port-collision", ERROR,
        "the load balancer runs on a control-plane node and binds the API server's bindPort",
        lb_port_collision, reads=CONTROL_PLANE_NODES | {model.NODE_INTERFACES, model.LOAD_BALANCER},
    ),
    Rule("etcd-quorum", WARNING, "an even number of stacked-etcd control-plane nodes", etcd_quorum, reads=frozenset({model.NODE_ROLES})),
)
