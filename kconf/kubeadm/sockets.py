"""CRI sockets: which ones kubeadm on Linux can dial, and where a command
takes its socket from (--cri-socket, or a cluster description's first
control-plane node)."""

from __future__ import annotations

from typing import NamedTuple

from kconf.errors import KconfError
from kconf.yamlio import Path as FieldPath

EXAMPLE_SOCKET = "unix:///var/run/containerd/containerd.sock"


# --- the CRI socket -------------------------------------------------------------------


class CriSocketError(ValueError):
    """A CRI socket kubeadm on Linux cannot use; the message says what to write."""


def check_cri_socket(value: object) -> list[str]:
    """Raise CriSocketError for a socket kubeadm cannot dial; return warnings
    for one that is merely unusual (its file name does not end in .sock)."""
    if not isinstance(value, str):
        raise CriSocketError(f"{value!r} is not a string: write e.g. {EXAMPLE_SOCKET}")
    if not value.strip():
        raise CriSocketError(f"is empty: write the runtime's socket, e.g. {EXAMPLE_SOCKET}")
    if any(char.isspace() or not char.isprintable() for char in value):
        raise CriSocketError(f"{value!r} contains whitespace or control characters: write e.g. {EXAMPLE_SOCKET}")
    scheme, separator, socket_path = value.partition("://")
    if not separator:
        if value.startswith("/"):
            raise CriSocketError(f"{value!r} has no scheme: write unix://{value}")
        raise CriSocketError(f"{value!r} is not a socket URL: write unix:// and an absolute path, e.g. {EXAMPLE_SOCKET}")
    if scheme == "npipe":
        raise CriSocketError(
            f"{value!r} is a Windows named pipe: kubeadm on Linux reaches the runtime through a unix:// socket, "
            f"e.g. {EXAMPLE_SOCKET}"
        )
    if scheme != "unix":
        raise CriSocketError(
            f"{value!r}: kubeadm on Linux reaches the runtime through a unix:// socket, not {scheme}://; "
            f"write e.g. {EXAMPLE_SOCKET}"
        )
    return _check_socket_path(value, socket_path)


def _check_socket_path(value: str, socket_path: str) -> list[str]:
    if not socket_path:
        raise CriSocketError(f"{value!r} has no path: write e.g. {EXAMPLE_SOCKET}")
    if not socket_path.startswith("/"):
        raise CriSocketError(
            f"{value!r} has a relative path: write unix:///{socket_path} (unix:// and then an absolute path)"
        )
    if "?" in socket_path or "#" in socket_path:
        raise CriSocketError(f"{value!r} has a query or fragment: write only unix:// and the socket's path")
    if socket_path.endswith("/"):
        raise CriSocketError(f"{value!r} ends with '/': that names a folder, not a socket")
    parts = socket_path.split("/")[1:]
    if any(part in ("", ".", "..") for part in parts):
        raise CriSocketError(
            f"{value!r}: the path has an empty, '.' or '..' part; write the socket's plain absolute path"
        )
    name = parts[-1]
    if name.endswith(".sock"):
        return []
    if "." in name.lstrip("."):
        extension = name[name.rindex(".") :]
        raise CriSocketError(
            f"{value!r} names a {extension} file, not a socket: CRI sockets end in .sock, e.g. {EXAMPLE_SOCKET}"
        )
    return [f"CRI socket {value!r} does not end in .sock, as runtime sockets usually do; check the path"]


class SocketSetting(NamedTuple):
    """A CRI socket and where it was given (for error messages)."""

    value: object
    path: str | None = None
    line: int | None = None
    field: FieldPath = ("--cri-socket",)


def checked_socket(setting: SocketSetting) -> tuple[str, list[str]]:
    """The socket and its warnings; KconfError at the place it was given."""
    try:
        warnings = check_cri_socket(setting.value)
    except CriSocketError as exc:
        raise KconfError(str(exc), setting.path, setting.line, setting.field) from None
    assert isinstance(setting.value, str)
    return setting.value, [str(KconfError(w, setting.path, setting.line, setting.field)) for w in warnings]


def socket_from_cluster(path: str) -> SocketSetting:
    """The CRI socket of the cluster description's first control-plane node
    (the one that runs kubeadm init): its own criSocket, else spec.criSocket."""
    from kconf.description import load_cluster

    cluster = load_cluster(path)
    node = cluster.first_control_plane
    node_field: FieldPath = ("spec", "nodes", node.index)
    field = node_field + ("criSocket",) if node.cri_socket is not None else ("spec", "criSocket")
    socket = cluster.node_cri_socket(node)
    if socket is None:
        raise KconfError(
            f"neither the first control-plane node {node.name!r} nor spec sets criSocket: "
            "set one of them, or pass --cri-socket",
            path, cluster.document.line(node_field), node_field,
        )
    return SocketSetting(socket, path, cluster.document.line(field), field)


def socket_setting(cri_socket: str | None, cluster: str | None) -> SocketSetting:
    """--cri-socket wins over --cluster: the flag is the more specific answer."""
    if cri_socket is not None:
        return SocketSetting(cri_socket)
    if cluster is not None:
        return socket_from_cluster(cluster)
    raise KconfError(
        "--cri-socket is required (or --cluster CLUSTER.yaml, whose first control-plane node names it), "
        f"e.g. --cri-socket {EXAMPLE_SOCKET}"
    )
