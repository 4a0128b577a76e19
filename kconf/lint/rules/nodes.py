"""kubeadm node settings and secrets: cri-socket, image-repository-deprecated,
placeholder-value, token-format, secret-committed, cloud-provider-node-name,
cloud-provider-mixed-regions.

Values are read in the cluster description (raw document) and in kubeadm
documents (InitConfiguration, JoinConfiguration, ResetConfiguration,
ClusterConfiguration, kubeadm-config ConfigMaps). Secret values are never put
in a message unredacted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import NamedTuple

from kconf.addresses import Address, AddressError, parse_address
from kconf.errors import format_field_path
from kconf.description import V1BETA4_FROM
from kconf.kubeadm.components import Minor, minor_of
from kconf.lazyre import lazy
from kconf.lint.model import ERROR, WARNING, DocumentView, Group, KubeadmFile, Loc, RawFinding, Replacement
from kconf.lint.registry import Rule
from kconf.lint.rules.addresses import (
    PLACEHOLDER_ADDRESS,
    Description,
    NodeLike,
    node_field,
    shown,
    advertise_address,
    description,
    is_template,
    node_documents,
    node_ips,
    node_name,
)
from kconf.secrets import TOKEN, redact, redact_token
from kconf.yamlio import Path as FieldPath

# Values `kubeadm config print init-defaults` / `join-defaults` print.
PLACEHOLDER_TOKEN = "abcdef.0123456789abcdef"
PLACEHOLDER_NODE_NAME = "node"
DEPRECATED_REGISTRY = "k8s.gcr.io"
REGISTRY = "registry.k8s.io"
EXAMPLE_SOCKET = "unix:///var/run/containerd/containerd.sock"

_TOKEN_FORMAT = lazy(r"^[a-z0-9]{6}\.[a-z0-9]{16}$")
_CA_CERT_HASH_FORMAT = lazy(r"^sha256:[0-9a-fA-F]{64}$")
_CERTIFICATE_KEY_FORMAT = lazy(r"^[0-9a-fA-F]{64}$")
# A certificate key written after its name (a YAML field, a flag, a variable),
# so that other 64-hex strings (digests, checksums) are not taken for one.
_NAMED_CERTIFICATE_KEY = lazy(
    r"certificate[-_]?key[\"']?\s*[:=]?\s*[\"']?(?<![0-9a-fA-F])([0-9a-fA-F]{64})(?![0-9a-fA-F])", re.IGNORECASE
)
# EC2 private DNS names (hostname types "IP name" and "resource name"): `.ec2.internal` in
# us-east-1, `.<region>.compute.internal` elsewhere; an instance id is i- and 8 or 17 hex digits.
_EC2_SUFFIX = r"\.(?:([a-z0-9-]+)\.compute|ec2)\.internal$"
_EC2_IP_NAME = lazy(r"^ip-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})" + _EC2_SUFFIX)
_EC2_RESOURCE_NAME = lazy(r"^i-(?:[0-9a-f]{8}|[0-9a-f]{17})" + _EC2_SUFFIX)
US_EAST_1 = "us-east-1"


# --- where the values are ---------------------------------------------------------------


class Secret(NamedTuple):
    """A field of a kubeadm document that holds a secret (or a public hash)."""

    kind: str  # "token" | "ca-cert-hash" | "certificate-key"
    label: str
    value: object
    loc: Loc


def _at(view: DocumentView, kind: str, field_path: FieldPath) -> Secret | None:
    value = view.get(*field_path)
    if value is None:
        return None
    return Secret(kind, format_field_path(field_path), value, view.loc(field_path))


def _secret_fields(view: DocumentView) -> Iterator[Secret]:
    found: list[Secret | None] = []
    if view.kind == "InitConfiguration":
        tokens = view.get("bootstrapTokens")
        found += [_at(view, "token", ("bootstrapTokens", i, "token")) for i in range(len(tokens) if isinstance(tokens, list) else 0)]
        found.append(_at(view, "certificate-key", ("certificateKey",)))
    elif view.kind == "JoinConfiguration":
        found.append(_at(view, "token", ("discovery", "bootstrapToken", "token")))
        found.append(_at(view, "token", ("discovery", "tlsBootstrapToken")))
        hashes = view.get("discovery", "bootstrapToken", "caCertHashes")
        found += [
            _at(view, "ca-cert-hash", ("discovery", "bootstrapToken", "caCertHashes", i))
            for i in range(len(hashes) if isinstance(hashes, list) else 0)
        ]
        found.append(_at(view, "certificate-key", ("controlPlane", "certificateKey")))
    yield from (s for s in found if s is not None)


def _socket_fields(group: Group, described: Description | None) -> Iterator[tuple[str, object, Loc, Minor | None]]:
    """(label, value, where, the Kubernetes minor it is for where known) of
    every written CRI socket."""
    described_minor = minor_of(described.view.get("spec", "kubernetesVersion")) if described is not None else None
    if described is not None:
        if described.cri_socket is not None:
            yield "spec.criSocket", described.cri_socket, described.loc(("spec", "criSocket")), described_minor
        for node in described.nodes:
            if node.cri_socket is not None:
                node_path = node_field(node) + ("criSocket",)
                yield format_field_path(node_path), node.cri_socket, described.loc(node_path), described_minor
    for source in group.of(KubeadmFile):
        file_minor = _kubeadm_file_minor(source) or described_minor
        for view in source.kubeadm_documents:
            field_path: FieldPath = ("criSocket",) if view.kind == "ResetConfiguration" else ("nodeRegistration", "criSocket")
            value = view.get(*field_path)
            if view.kind in ("InitConfiguration", "JoinConfiguration", "ResetConfiguration") and value is not None:
                # v1beta4 is read from Kubernetes 1.31 on: at least that
                minor = file_minor or (V1BETA4_FROM if view.api_version.endswith("/v1beta4") else None)
                yield format_field_path(field_path), value, view.loc(field_path), minor


def _kubeadm_file_minor(source: KubeadmFile) -> Minor | None:
    for view in source.kubeadm_documents:
        if view.kind == "ClusterConfiguration" and (found := minor_of(view.get("kubernetesVersion"))) is not None:
            return found
    return None


def _described_node(view: DocumentView, described: Description | None) -> NodeLike | None:
    name = node_name(view)
    return described.by_name.get(name) if described is not None and name is not None else None


# --- rules ------------------------------------------------------------------------------


DOCKERSHIM_SOCKETS = ("/var/run/dockershim.sock", "/run/dockershim.sock")
DOCKERSHIM_REMOVED = (1, 24)
SOCKET_CHOICES = (
    "unix:///var/run/containerd/containerd.sock (containerd), unix:///var/run/cri-dockerd.sock "
    "(Docker Engine through cri-dockerd) or unix:///var/run/crio/crio.sock (CRI-O)"
)


def _dockershim_problem(value: str, minor: Minor | None) -> tuple[str, str] | None:
    """(severity, message) for dockershim's socket, or None for any other."""
    if value.removeprefix("unix://") not in DOCKERSHIM_SOCKETS:
        return None
    use = "use cri-dockerd's unix:///var/run/cri-dockerd.sock (Docker Engine) or containerd's unix:///var/run/containerd/containerd.sock"
    if minor is None:
        return WARNING, (
            f"{value!r} is dockershim's socket, and dockershim was removed in Kubernetes 1.24: unless this cluster "
            f"runs 1.22 or 1.23, {use}"
        )
    shown_minor = f"{minor[0]}.{minor[1]}"
    if minor >= DOCKERSHIM_REMOVED:
        return ERROR, (
            f"{value!r} is dockershim's socket, and dockershim was removed in Kubernetes 1.24 "
            f"(kubernetesVersion is {shown_minor}): no kubelet serves it; {use}"
        )
    return WARNING, (
        f"{value!r} is dockershim's socket: it works on Kubernetes {shown_minor}, but dockershim is removed in 1.24; "
        f"before upgrading, {use}"
    )


def _socket_problem(value: str) -> tuple[str, str] | None:
    """(severity, message) for a CRI socket kubeadm cannot use or only warns about."""
    from kconf.kubeadm.sockets import CriSocketError, check_cri_socket  # only when a socket is written

    if value.startswith("/") and "://" not in value:
        return WARNING, (
            f"{value!r} has no unix:// scheme: kubeadm prepends it with a deprecation warning "
            f"(later kubelets may refuse it); write unix://{value}"
        )
    try:
        warnings = check_cri_socket(value)
    except CriSocketError as exc:
        return ERROR, str(exc)
    return (WARNING, warnings[0]) if warnings else None


def _scheme_fix(value: str, minor: Minor | None) -> Replacement | None:
    """unix:// before a socket path written without it (what kubeadm itself
    prepends), when that is the only problem; dockershim's socket has no one
    replacement (which runtime?)."""
    if not value.startswith("/") or "://" in value or _dockershim_problem(value, minor) is not None:
        return None
    fixed = "unix://" + value
    return Replacement(value, fixed) if _socket_problem(fixed) is None else None


def cri_socket(group: Group) -> Iterator[RawFinding]:
    """A CRI socket kubeadm cannot use, or a missing one where it is needed:

    - error: a kubeadm InitConfiguration/JoinConfiguration for a node the
      cluster description runs with cri-dockerd has no
      nodeRegistration.criSocket (Docker Engine brings containerd along, so
      such a host always has two runtimes);
    - error: a socket kubeadm on Linux cannot dial (another scheme than
      unix://, a relative path, a file that is no socket, ...);
    - error: dockershim's socket (unix:///var/run/dockershim.sock or
      /run/dockershim.sock) on Kubernetes 1.24 or later, which removed
      dockershim (a warning on 1.22 and 1.23, and where the version is
      unknown: a v1beta3 kubeadm file on its own);
    - warning: a cluster description where neither spec.criSocket nor any
      node names a socket;
    - warning: a socket path without `unix://` (kubeadm adds it, with a
      deprecation warning), or one whose name does not end in `.sock`.

    Sockets are checked in the description (spec.criSocket, nodes[].criSocket)
    and in kubeadm documents. A kubeadm file on its own cannot tell how many
    runtimes its host has: a missing criSocket there is not reported.

    Why: with several runtimes on the host kubeadm stops with "found
    multiple CRI endpoints on the host. Please define which one do you wish
    to use by setting the 'criSocket' field" (field report); every kubeadm
    command does, `kubeadm init phase upload-certs --upload-certs` too,
    unless it is given a config that names the socket (`--config
    kubeadm-init.yaml`). dockershim's socket has no server from 1.24.

    Fix: write the runtime's socket: unix:///var/run/containerd/containerd.sock
    (containerd), unix:///var/run/cri-dockerd.sock (Docker Engine through
    cri-dockerd) or unix:///var/run/crio/crio.sock (CRI-O)."""
    described = description(group)
    for label, value, loc, minor in _socket_fields(group, described):
        if not isinstance(value, str):
            continue
        problem = _dockershim_problem(value, minor) or _socket_problem(value)
        if problem is not None:
            yield RawFinding("cri-socket", loc, f"{label}: {problem[1]}", severity=problem[0], fix=_scheme_fix(value, minor))
    if described is None:
        return
    if described.nodes and described.cri_socket is None and all(n.cri_socket is None for n in described.nodes):
        yield RawFinding(
            "cri-socket", described.loc(("spec",), key=True),
            "neither spec.criSocket nor any node sets a CRI socket: kubeadm then looks for one and stops with "
            "\"found multiple CRI endpoints on the host\" where several runtimes are installed (Docker Engine brings "
            f"containerd along); set spec.criSocket to the runtime's: {SOCKET_CHOICES}",
            severity=WARNING,
        )
    for view in node_documents(group):
        node = _described_node(view, described)
        socket = described.node_socket(node) if node is not None else None
        if node is None or not isinstance(socket, str) or "cri-dockerd" not in socket:
            continue
        if view.get("nodeRegistration", "criSocket") is None:
            where = view.loc(("nodeRegistration",), key=True) if view.get("nodeRegistration") is not None else view.loc(("kind",))
            yield RawFinding(
                "cri-socket", where,
                f"nodeRegistration.criSocket is missing, but node {shown(node)} runs cri-dockerd (with containerd "
                f"beside it): kubeadm stops with \"found multiple CRI endpoints on the host\"; write criSocket: {socket}",
            )


def _repository_fields(group: Group, described: Description | None) -> Iterator[tuple[str, object, Loc]]:
    if described is not None:
        yield "spec.imageRepository", described.view.get("spec", "imageRepository"), described.loc(("spec", "imageRepository"))
    paths: tuple[FieldPath, ...] = (("imageRepository",), ("dns", "imageRepository"), ("etcd", "local", "imageRepository"))
    for view in group.kubeadm_documents("ClusterConfiguration"):
        for field_path in paths:
            yield format_field_path(field_path), view.get(*field_path), view.loc(field_path)


def image_repository_deprecated(group: Group) -> Iterator[RawFinding]:
    """imageRepository is `k8s.gcr.io` (or a path below it), in the cluster
    description or a kubeadm ClusterConfiguration (dns and etcd image
    repositories too; kubeadm-config ConfigMaps of older clusters included).

    Why: k8s.gcr.io is frozen since April 2023: it gets no new Kubernetes
    images, so installs and upgrades to newer patch releases fail to pull
    (field report).

    Fix: write registry.k8s.io (kubeadm's default; the field can go)."""
    for label, value, loc in _repository_fields(group, description(group)):
        if isinstance(value, str) and (value == DEPRECATED_REGISTRY or value.startswith(DEPRECATED_REGISTRY + "/")):
            replacement = REGISTRY + value[len(DEPRECATED_REGISTRY):]
            yield RawFinding(
                "image-repository-deprecated", loc,
                f"{label} {value} is frozen since April 2023 and gets no new images: write {replacement}",
                fix=Replacement(value, replacement),
            )


def placeholder_value(group: Group) -> Iterator[RawFinding]:
    """A kubeadm InitConfiguration/JoinConfiguration still has a value of
    `kubeadm config print init-defaults`: advertiseAddress 1.2.3.4, bootstrap
    token abcdef.0123456789abcdef, or nodeRegistration.name `node`.

    Why: the example values make a cluster that cannot work: an API server
    advertising an address no host has, a token anyone knows, every node
    registering as "node".

    Fix: write the node's own address and name, and a token from
    `kubeadm token generate` (or leave the token out: kubeadm init makes one)."""
    for view in node_documents(group):
        written = advertise_address(view)
        if written is not None and written.text.strip() == PLACEHOLDER_ADDRESS:
            yield RawFinding(
                "placeholder-value", written.loc,
                f"{written.label} {PLACEHOLDER_ADDRESS} is the example of `kubeadm config print init-defaults`: "
                "write the node's own address",
            )
        if node_name(view) == PLACEHOLDER_NODE_NAME:
            yield RawFinding(
                "placeholder-value", view.loc(("nodeRegistration", "name")),
                "nodeRegistration.name 'node' is the example of `kubeadm config print init-defaults`: "
                "write the node's own name (its hostname)",
            )
        for secret in _secret_fields(view):
            if secret.kind == "token" and secret.value == PLACEHOLDER_TOKEN:
                yield RawFinding(
                    "placeholder-value", secret.loc,
                    # (no value in the message: the engine would show even this one redacted)
                    f"{secret.label} is still the example token of `kubeadm config print`: anyone can join with "
                    "it; generate one with `kubeadm token generate` or leave it out",
                )


_FORMATS = {
    "token": (_TOKEN_FORMAT, "a bootstrap token is [a-z0-9]{6}.[a-z0-9]{16} (`kubeadm token generate` makes one)"),
    "ca-cert-hash": (_CA_CERT_HASH_FORMAT, "a CA cert hash is sha256: and 64 hex digits (`kubeadm token create --print-join-command` prints it)"),
    "certificate-key": (_CERTIFICATE_KEY_FORMAT, "a certificate key is 64 hex digits (`kubeadm certs certificate-key` makes one)"),
}


def token_format(group: Group) -> Iterator[RawFinding]:
    """A bootstrap token (InitConfiguration bootstrapTokens[].token,
    JoinConfiguration discovery.bootstrapToken.token / tlsBootstrapToken) is
    not `[a-z0-9]{6}.[a-z0-9]{16}`, a CA cert hash (caCertHashes) is not
    `sha256:` and 64 hex digits, or a certificate key (certificateKey,
    controlPlane.certificateKey) is not 64 hex digits. A whole-value
    template placeholder (`${KCONF_TOKEN}`, `{{ token }}`) is fine: it is
    filled in on the node.

    Why: kubeadm rejects a malformed value only when it runs, on the node,
    in the middle of a join.

    Fix: copy the value again from `kubeadm token create
    --print-join-command` / `kubeadm init phase upload-certs --upload-certs
    --config kubeadm-init.yaml`,
    or use kconf's placeholders and let join-<node>.sh fill them in."""
    for view in node_documents(group):
        for secret in _secret_fields(view):
            value = secret.value
            if is_template(value) or value == "":
                continue
            pattern, expected = _FORMATS[secret.kind]
            if not isinstance(value, str) or not pattern.match(value):
                # a near-miss may still be a real secret: only the public CA cert hash is shown
                shown = f" {value!r}" if secret.kind == "ca-cert-hash" else ""
                yield RawFinding("token-format", secret.loc, f"{secret.label}{shown} is malformed: {expected}")


def _line_secrets(line: str) -> Iterator[tuple[int, str]]:
    """(column, description) of each secret on one line of text."""
    for match in TOKEN.finditer(line):
        if match.group(0) != PLACEHOLDER_TOKEN:
            yield match.start() + 1, f"bootstrap token {redact_token(match.group(0))}"
    for match in _NAMED_CERTIFICATE_KEY.finditer(line):
        yield match.start(1) + 1, f"certificate key {redact(match.group(1))}"


def secret_committed(group: Group) -> Iterator[RawFinding]:
    """A real bootstrap token (`[a-z0-9]{6}.[a-z0-9]{16}`) or certificate key
    (64 hex digits after a certificateKey / --certificate-key) is written in
    a file: any file kconf lints, kubeadm configs, descriptions, manifests
    and HAProxy configs included, comments too. The message shows it
    redacted. kconf's placeholders and the example token
    abcdef.0123456789abcdef (placeholder-value) are not secrets.

    Why: a bootstrap token lets anyone who reads the repository join a node
    to the cluster (for 24 hours by default, or forever with ttl 0); a
    certificate key decrypts the uploaded control-plane certificates.

    Fix: delete the token (`kubeadm token delete ID`) and the secret from the
    file (and from history), and pass secrets at join time: kconf writes
    ${KCONF_TOKEN} / ${KCONF_CERTIFICATE_KEY}, which join-<node>.sh fills
    from the environment."""
    for source in group.files:
        for number, line in enumerate(source.text.splitlines(), start=1):
            for column, what in _line_secrets(line):
                yield RawFinding(
                    "secret-committed", Loc(source.path, number, column),
                    f"{what} is written in this file: revoke it and pass it at join time "
                    "(${KCONF_TOKEN} / ${KCONF_CERTIFICATE_KEY})",
                )


class Ec2Name(NamedTuple):
    """A name in the shape of an EC2 private DNS name. ``named`` is the
    address an IP name spells (None for a resource name, or when the digits
    are no IPv4 address); ``ec2_internal`` whether it ends in .ec2.internal."""

    form: str  # "ip" | "resource"
    region: str
    ec2_internal: bool
    named: Address | None


def _ec2_name(name: str) -> Ec2Name | None:
    for form, pattern in (("ip", _EC2_IP_NAME), ("resource", _EC2_RESOURCE_NAME)):
        match = pattern.match(name)
        if match is None:
            continue
        written_region = match.group(pattern.groups)  # the suffix's group: None for .ec2.internal
        named: Address | None = None
        if form == "ip":
            try:
                named = parse_address(".".join(match.group(i) for i in range(1, 5)))
            except AddressError:
                named = None
        return Ec2Name(form, written_region or US_EAST_1, written_region is None, named)
    return None


def _ec2_name_problem(name: str, address: Address | None) -> str | None:
    """Why ``name`` is not the EC2 private DNS name of ``address``, or None."""
    parsed = _ec2_name(name)
    if parsed is None:
        return (
            "is not an EC2 private DNS name (ip-A-B-C-D.<region>.compute.internal or i-<instance id>.<region>"
            ".compute.internal; .ec2.internal in us-east-1)"
        )
    if parsed.region == US_EAST_1 and not parsed.ec2_internal:
        return "is not the EC2 private DNS name: in us-east-1 it ends in .ec2.internal"
    if parsed.form == "resource":
        return None  # the instance id cannot be checked against the description
    if parsed.named is None:
        return "is not an EC2 private DNS name: ip-A-B-C-D must spell an IPv4 address"
    if address is not None and parsed.named != address:
        return f"names address {parsed.named}, but the node's address is {address}"
    return None


def _most_common(values: list[str]) -> str | None:
    """The most frequent value; on a tie the first written."""
    if not values:
        return None
    counts = Counter(values)
    return max(values, key=lambda v: (counts[v], -values.index(v)))


def _expected_name(address: Address | None, others: list[Ec2Name]) -> str:
    """The name to write, in the form and region the cluster's other nodes use."""
    form = _most_common([o.form for o in others]) or "ip"
    region = _most_common([o.region for o in others])
    suffix = "ec2.internal" if region == US_EAST_1 else f"{region or '<region>'}.compute.internal"
    if form == "resource":
        return f"i-<instance id>.{suffix} (the instance's resource name, as the other nodes are named)"
    if address is None or address.version != 4:
        return f"ip-A-B-C-D.{suffix}"
    return f"ip-{str(address).replace('.', '-')}.{suffix}"


def _described_ec2_names(described: Description) -> list[tuple[NodeLike, str, Ec2Name | None]]:
    return [(node, node.name, _ec2_name(node.name)) for node in described.nodes if node.name is not None]


def cloud_provider_node_name(group: Group) -> Iterator[RawFinding]:
    """With cloudProvider aws in the cluster description, a node name is not
    an EC2 private DNS name: the IP name `ip-A-B-C-D.<region>.compute.internal`
    for the node's address A.B.C.D, or the resource name
    `i-0abc123def4567890.<region>.compute.internal` (i- and 8 or 17 hex
    digits: an instance id, which the description cannot confirm); in
    us-east-1 both end in `.ec2.internal` instead. Checked for the
    description's nodes and for nodeRegistration.name of the kubeadm
    documents beside it (against the described node of that name, else the
    document's node-ip or advertiseAddress). The name suggested takes the
    form (IP or resource name) and the region of the cluster's other nodes.

    Why: the AWS cloud controller manager looks the Node up by that name;
    a Node it cannot find is deleted ("not present according to cloud
    provider") right after it joins (field report).

    Fix: name each node after its instance's private DNS name (`curl
    http://169.254.169.254/latest/meta-data/local-hostname`), in the form
    the subnet's hostname type gives every instance."""
    described = description(group)
    if described is None or described.cloud_provider != "aws":
        return
    names = _described_ec2_names(described)
    for node, name, _parsed in names:
        address = node.address.ip if node.address is not None else None
        problem = _ec2_name_problem(name, address)
        if problem is not None:
            others = [p for n, _, p in names if n is not node and p is not None]
            yield RawFinding(
                "cloud-provider-node-name", described.loc(node_field(node) + ("name",)),
                f"node name {name!r} {problem}: with cloudProvider aws write {_expected_name(address, others)}",
            )
    for view in node_documents(group):
        registered = node_name(view)
        if registered is None or registered == PLACEHOLDER_NODE_NAME or registered in described.by_name:
            continue
        written = [w.address for w in node_ips(view) if w.address is not None and w.address.version == 4]
        advertised = advertise_address(view)
        address = written[0] if written else advertised.address if advertised is not None else None
        problem = _ec2_name_problem(registered, address)
        if problem is not None:
            others = [p for _n, _, p in names if p is not None]
            yield RawFinding(
                "cloud-provider-node-name", view.loc(("nodeRegistration", "name")),
                f"nodeRegistration.name {registered!r} {problem}: with cloudProvider aws write {_expected_name(address, others)}",
            )



def cloud_provider_mixed_regions(group: Group) -> Iterator[RawFinding]:
    """With cloudProvider aws, the description's node names (EC2 private DNS
    names, IP or resource names) are in two or more regions; `.ec2.internal`
    counts as us-east-1. Reported at each node outside the region most nodes
    are in (on a tie, the region of the first such node).

    Why: the AWS cloud controller manager serves the one region it runs in:
    it finds no instance for a node of another region and deletes that Node
    ("not present according to cloud provider"), and its load balancers and
    routes stay in its own region. Mixed names are also often a copy-paste
    slip: the address is right and the region of another cluster.

    Fix: write each node's real private DNS name (`curl
    http://169.254.169.254/latest/meta-data/local-hostname` on the node); run
    one cluster per region."""
    described = description(group)
    if described is None or described.cloud_provider != "aws":
        return
    names = [(node, name, parsed) for node, name, parsed in _described_ec2_names(described) if parsed is not None]
    regions = [parsed.region for _, _, parsed in names]
    main = _most_common(regions)
    if main is None or len(set(regions)) < 2:
        return
    count = regions.count(main)
    for node, name, parsed in names:
        if parsed.region != main:
            yield RawFinding(
                "cloud-provider-mixed-regions", described.loc(node_field(node) + ("name",)),
                f"node name {name!r} is in region {parsed.region}, but {count} of the cluster's {len(names)} nodes "
                f"are in {main}: the AWS cloud controller serves one region and deletes the Nodes of the others",
            )

RULES = (
    Rule("cri-socket", ERROR, "criSocket missing where the node uses cri-dockerd; a socket kubeadm cannot use; dockershim.sock from 1.24",
         cri_socket, fix="writes unix:// before a socket path written without a scheme (/run/containerd/containerd.sock)"),
    Rule("image-repository-deprecated", WARNING, "imageRepository k8s.gcr.io (frozen; use registry.k8s.io)", image_repository_deprecated,
         fix="writes registry.k8s.io for k8s.gcr.io (k8s.gcr.io/PATH -> registry.k8s.io/PATH)"),
    Rule("placeholder-value", ERROR, "values left from `kubeadm config print init-defaults`", placeholder_value),
    Rule("token-format", ERROR, "malformed bootstrap token, CA cert hash or certificate key", token_format),
    Rule("secret-committed", ERROR, "a real bootstrap token or certificate key written in a file", secret_committed),
    Rule("cloud-provider-node-name", ERROR, "cloudProvider aws and a node name that is not the EC2 private DNS name", cloud_provider_node_name),
    Rule(
        "cloud-provider-mixed-regions", WARNING, "cloudProvider aws and node names in two or more regions",
        cloud_provider_mixed_regions,
    ),
)
