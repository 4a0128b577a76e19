"""`kconf from-configmap`: the config file `kubeadm init phase upload-certs`
needs on a host with several CRI runtimes.

That phase accepts no ``--cri-socket`` flag; with more than one runtime on the
host it fails with "found multiple CRI endpoints on the host" unless it gets a
config file: the cluster's ClusterConfiguration (kept by kubeadm in the
``kube-system/kubeadm-config`` ConfigMap) plus an InitConfiguration that names
the socket in ``nodeRegistration.criSocket``.

Without ``--to`` the ClusterConfiguration is copied byte for byte from the
ConfigMap: that text is what kubeadm itself wrote (go-yaml quoting, key order),
so no YAML round trip can change a value. ``--to v1beta4`` has to rewrite it
and re-emits the converted data, keeping the key order.

The functions here are pure; ``run_from_configmap`` is the edge (read, write,
print).
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kconf.description import V1BETA4_FROM
from kconf.errors import KconfError, printable_name
from kconf.kubeadm.convert import V1BETA3, V1BETA4, apply_plan, kubernetes_minor, plan_v1beta4, type_name
from kconf.kubeadm.sockets import EXAMPLE_SOCKET, CriSocketError, SocketSetting, check_cri_socket, checked_socket, socket_from_cluster, socket_setting
from kconf.lazyre import lazy
from kconf.secrets import CERTIFICATE_KEY, TOKEN, redact
from kconf.yamlio import Document, Position, dump_documents, load_documents
from kconf.yamlio import Path as FieldPath

CONFIGMAP_NAME = "kubeadm-config"
CONFIGMAP_NAMESPACE = "kube-system"
DATA_KEY = "ClusterConfiguration"
SUPPORTED_APIS = (V1BETA3, V1BETA4)
KUBECTL_COMMAND = "kubectl get cm -n kube-system kubeadm-config -o yaml"
STDOUT_CONFIG_NAME = "kubeadm-upload-certs.yaml"
UPLOAD_CERTS = "sudo kubeadm init phase upload-certs --upload-certs --config"

_DATA_FIELD: FieldPath = ("data", DATA_KEY)

_REMOVED_APIS = {
    "kubeadm.k8s.io/v1beta2": (
        "kubeadm.k8s.io/v1beta2 was removed in kubeadm 1.27 and kconf reads only v1beta3 and v1beta4: "
        "upgrade the cluster to 1.22 or newer (`kubeadm upgrade apply` rewrites this ConfigMap as v1beta3), "
        "or save data.ClusterConfiguration to a file and convert it with kubeadm 1.22 to 1.26: "
        "`kubeadm config migrate --old-config OLD.yaml --new-config NEW.yaml`"
    ),
    "kubeadm.k8s.io/v1beta1": (
        "kubeadm.k8s.io/v1beta1 was removed in kubeadm 1.22 and kconf reads only v1beta3 and v1beta4: "
        "upgrade the cluster to 1.22 or newer (`kubeadm upgrade apply` rewrites this ConfigMap as v1beta3), "
        "or save data.ClusterConfiguration to a file and run "
        "`kubeadm config migrate --old-config OLD.yaml --new-config NEW.yaml` twice: "
        "with kubeadm 1.21 (to v1beta2), then with kubeadm 1.22 to 1.26 (to v1beta3)"
    ),
}

Echo = Callable[..., Any]


# --- where things are in the input ------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """Maps a field of the stored ClusterConfiguration to the outer file.

    The inner YAML is a string value of the outer file. Written as a literal
    block scalar (``|``, what ``kubectl -o yaml`` prints) its line n is outer
    line ``block_line + n``; written any other way (a JSON or quoted string)
    only the line of the ``ClusterConfiguration`` key is known."""

    path: str
    field: FieldPath  # the outer field path of data.ClusterConfiguration
    key_line: int
    block_line: int | None
    document: Document | None = None

    def line(self, inner_line: int | None) -> int:
        if self.block_line is None or inner_line is None:
            return self.key_line
        return self.block_line + inner_line

    def error(self, message: str, inner_path: FieldPath = ()) -> KconfError:
        """An error at the line of the field's key (a mapping's value starts a line later)."""
        inner_line = self.document.line(inner_path, key=True) if self.document is not None else None
        return KconfError(message, self.path, self.line(inner_line), self.field + tuple(inner_path))


_BLOCK_SCALAR = lazy(r"(?:[!&]\S*\s+)*\|")


def _block_scalar_line(text: str, position: Position) -> int | None:
    """The outer line of a literal block scalar's ``|`` indicator, or None."""
    lines = text.splitlines()
    if position.line > len(lines):
        return None
    rest = lines[position.line - 1][position.column - 1 :]
    return position.line if _BLOCK_SCALAR.match(rest) else None


# --- the ConfigMap --------------------------------------------------------------------


@dataclass(frozen=True)
class StoredConfiguration:
    """The ClusterConfiguration as the ConfigMap stores it."""

    text: str  # the stored YAML, exactly as in the ConfigMap
    data: dict[str, Any]
    api_version: str
    namespace: str
    source: str
    location: Location


def _describe_object(value: object) -> str:
    if not isinstance(value, dict):
        return type_name(value)
    name = value.get("metadata", {}).get("name") if isinstance(value.get("metadata"), dict) else None
    return f"{value.get('kind', '?')} {name}" if name else str(value.get("kind", "?"))


def _candidates(documents: list[Document], path: str) -> list[tuple[Document, FieldPath, Any]]:
    """Every object of the input with where it is: the document itself, or
    each item of a ``kind: List``."""
    objects: list[tuple[Document, FieldPath, Any]] = []
    for document in documents:
        data = document.data
        if isinstance(data, dict) and data.get("kind") == "List":
            items = data.get("items")
            if not isinstance(items, list):
                raise KconfError("a List needs items: a list of objects", path, document.line(("items",), key=True), ("items",))
            objects.extend((document, ("items", index), item) for index, item in enumerate(items))
        else:
            objects.append((document, (), data))
    return objects


def _is_kubeadm_config(value: object) -> bool:
    if not isinstance(value, dict) or value.get("kind") != "ConfigMap":
        return False
    metadata = value.get("metadata")
    return isinstance(metadata, dict) and metadata.get("name") == CONFIGMAP_NAME


def _reject_single_object(document: Document, value: object, path: str) -> KconfError:
    """Why the one object of the input is not the kubeadm-config ConfigMap."""
    expected = f"expected the output of `{KUBECTL_COMMAND}` (or -o json)"
    if not isinstance(value, dict):
        return KconfError(f"not a Kubernetes object but {type_name(value)}: {expected}", path, document.start.line)
    kind = value.get("kind")
    if kind != "ConfigMap":
        what = f"kind is {kind!r}, not ConfigMap" if "kind" in value else "no kind: not a Kubernetes object"
        return KconfError(f"{what}: {expected}", path, document.line(("kind",)), ("kind",))
    metadata = value.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return KconfError(
        f"this ConfigMap is {name!r}, not {CONFIGMAP_NAME}: kubeadm keeps the cluster's configuration "
        f"in {CONFIGMAP_NAME} (`{KUBECTL_COMMAND}`)",
        path, document.line(("metadata", "name")), ("metadata", "name"),
    )


def find_configmap(documents: list[Document], path: str) -> tuple[Document, FieldPath, dict[str, Any]]:
    """The one kubeadm-config ConfigMap of the input: the whole input, an item
    of a ``List``, or one document of several."""
    documents = [d for d in documents if d.data is not None]
    if not documents:
        raise KconfError(f"the input holds no YAML document: expected the output of `{KUBECTL_COMMAND}`", path, 1)
    objects = _candidates(documents, path)
    found = [(document, field, value) for document, field, value in objects if _is_kubeadm_config(value)]
    if len(found) == 1:
        return found[0]
    if not found and len(objects) == 1 and objects[0][1] == ():
        raise _reject_single_object(objects[0][0], objects[0][2], path)
    if not found:
        listed = ", ".join(_describe_object(value) for _, _, value in objects[:10]) or "nothing"
        more = f" and {len(objects) - 10} more" if len(objects) > 10 else ""
        raise KconfError(
            f"no {CONFIGMAP_NAME} ConfigMap in the input (it holds: {listed}{more}): "
            f"expected the output of `{KUBECTL_COMMAND}`",
            path, documents[0].start.line,
        )
    lines = ", ".join(str(document.line(field)) for document, field, _ in found)
    second_document, second_field, _ = found[1]
    raise KconfError(
        f"{len(found)} {CONFIGMAP_NAME} ConfigMaps in the input (lines {lines}): keep only the one from "
        f"{CONFIGMAP_NAMESPACE}",
        path, second_document.line(second_field), second_field,
    )


def _stored_text(document: Document, prefix: FieldPath, configmap: dict[str, Any], path: str) -> tuple[str, FieldPath]:
    data_field = prefix + ("data",)
    data = configmap.get("data")
    if not data:
        raise KconfError(
            f"the {CONFIGMAP_NAME} ConfigMap has no data: kubeadm stores the cluster's configuration in "
            f"data.{DATA_KEY} (was the cluster set up with kubeadm?)",
            path, document.line(data_field, key=True), data_field,
        )
    if not isinstance(data, dict):
        raise KconfError(
            f"is {type_name(data)}, expected a mapping of keys to strings",
            path, document.line(data_field, key=True), data_field,
        )
    field = prefix + _DATA_FIELD
    if DATA_KEY not in data:
        # key names only: other values are never echoed
        raise KconfError(
            f"data has no {DATA_KEY} key (it has: {', '.join(sorted(data))})",
            path, document.line(data_field, key=True), data_field,
        )
    text = data[DATA_KEY]
    if not isinstance(text, str):
        raise KconfError(
            f"is {type_name(text)}, expected a string holding the ClusterConfiguration YAML",
            path, document.line(field, key=True), field,
        )
    if not text.strip():
        raise KconfError("is empty: expected the ClusterConfiguration YAML", path, document.line(field, key=True), field)
    return text, field


def _check_inner(location: Location) -> tuple[dict[str, Any], str]:
    assert location.document is not None
    data = location.document.data
    if not isinstance(data, dict):
        raise location.error(f"holds {type_name(data)}, expected a ClusterConfiguration mapping")
    api_version = data.get("apiVersion")
    if isinstance(api_version, str) and api_version in _REMOVED_APIS:  # a list or a mapping is unhashable
        raise location.error(_REMOVED_APIS[api_version], ("apiVersion",))
    if api_version not in SUPPORTED_APIS:
        raise location.error(
            f"apiVersion {api_version!r} is not a kubeadm API kconf reads ({' or '.join(SUPPORTED_APIS)})",
            ("apiVersion",),
        )
    if data.get("kind") != "ClusterConfiguration":
        raise location.error(f"kind is {data.get('kind')!r}, expected ClusterConfiguration", ("kind",))
    return data, api_version


def _secret_values(data: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(data, str):
        if TOKEN.fullmatch(data) or CERTIFICATE_KEY.fullmatch(data):
            yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _secret_values(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _secret_values(value, path + (index,))


def _refuse_secrets(data: dict[str, Any], location: Location) -> None:
    """kubeadm keeps no secret in a ClusterConfiguration; a value shaped like
    a bootstrap token or certificate key there was pasted by mistake, and
    the output would print it."""
    for field, value in _secret_values(data):
        raise location.error(
            f"holds what looks like a bootstrap token or certificate key ({redact(value)}); kubeadm keeps none "
            "in a ClusterConfiguration: remove it from the ConfigMap and rotate it",
            field,
        )


def parse_configmap(text: str, path: str) -> tuple[StoredConfiguration, list[str]]:
    """The stored ClusterConfiguration of ``kubectl get cm ... -o yaml|json``
    output, and warnings. Raises KconfError naming what is wrong and where."""
    document, prefix, configmap = find_configmap(load_documents(text, path), path)
    warnings: list[str] = []
    namespace = configmap["metadata"].get("namespace")
    if namespace is not None and namespace != CONFIGMAP_NAMESPACE:
        field = prefix + ("metadata", "namespace")
        warnings.append(str(KconfError(
            f"the ConfigMap is in namespace {namespace!r}; kubeadm keeps {CONFIGMAP_NAME} in {CONFIGMAP_NAMESPACE}",
            path, document.line(field), field,
        )))
    inner_text, field = _stored_text(document, prefix, configmap, path)
    location = Location(path, field, document.line(field, key=True), _block_scalar_line(text, document.position(field)))
    try:
        inner = [d for d in load_documents(inner_text, path) if d.data is not None]
    except KconfError as exc:
        raise KconfError(exc.message, path, location.line(exc.line), field) from None
    if len(inner) != 1:
        where = location.line(inner[1].start.line) if inner else location.key_line
        raise KconfError(
            f"holds {len(inner)} YAML documents, expected one ClusterConfiguration", path, where, field
        )
    location = Location(path, field, location.key_line, location.block_line, inner[0])
    data, api_version = _check_inner(location)
    _refuse_secrets(data, location)
    stored = StoredConfiguration(
        text=inner_text, data=data, api_version=api_version,
        namespace=namespace or CONFIGMAP_NAMESPACE, source=path, location=location,
    )
    return stored, warnings


# --- v1beta3 -> v1beta4: kconf/kubeadm/convert.py, shared with kconf migrate -------------


@dataclass(frozen=True)
class Conversion:
    cluster: dict[str, Any]
    init: dict[str, Any]


def convert_to_v1beta4(cluster: dict[str, Any], location: Location, socket: str) -> Conversion:
    """A v1beta3 ClusterConfiguration as v1beta4 (key order kept), and the
    InitConfiguration with ``socket`` that takes its control-plane timeout.
    Raises KconfError naming any field it cannot convert: nothing is dropped
    silently."""
    init = _init_configuration(V1BETA3, socket)

    def error(index: int, path: FieldPath, message: str) -> KconfError:
        return location.error(message, path)

    plan = plan_v1beta4([cluster, init], error)
    converted, converted_init = apply_plan(plan, [cluster, init])
    return Conversion(converted, converted_init)


# --- the output -----------------------------------------------------------------------

@dataclass(frozen=True)
class UploadCertsConfig:
    text: str
    documents: tuple[dict[str, Any], ...]
    warnings: tuple[str, ...]


def _header(stored: StoredConfiguration, converted: bool) -> str:
    what = f"converted from {stored.api_version} to {V1BETA4}" if converted else "exactly as stored"
    return (
        f"# Generated by kconf from-configmap from {printable_name(stored.source)} "
        f"(ConfigMap {stored.namespace}/{CONFIGMAP_NAME}).\n"
        f"# The cluster's ClusterConfiguration {what}, then an InitConfiguration\n"
        "# with this node's CRI socket. Holds no secret.\n"
    )


def _init_configuration(api_version: str, socket: str) -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "kind": "InitConfiguration",
        "nodeRegistration": {"criSocket": socket},
    }


def _verbatim(stored: StoredConfiguration, header: str, init: dict[str, Any]) -> str | None:
    """The output with the stored text copied byte for byte, or None in the
    unlikely case that the copy would not read back as the same data (a
    document marker or directive in the stored text)."""
    body = stored.text if stored.text.endswith("\n") else stored.text + "\n"
    text = header + body + "---\n" + dump_documents([init])
    try:
        documents = [d.data for d in load_documents(text, stored.source) if d.data is not None]
    except KconfError:
        return None
    return text if documents == [stored.data, init] else None


def build_upload_certs_config(stored: StoredConfiguration, socket: str, to_version: str | None) -> UploadCertsConfig:
    """The ClusterConfiguration + InitConfiguration file for
    ``kubeadm init phase upload-certs --upload-certs --config``."""
    if to_version not in (None, "v1beta4"):
        raise KconfError(f"--to {to_version}: kconf converts only to v1beta4")
    warnings: list[str] = []
    if to_version == "v1beta4" and stored.api_version == V1BETA3:
        conversion = convert_to_v1beta4(stored.data, stored.location, socket)
        minor = kubernetes_minor([stored.data])
        if minor is None or minor < V1BETA4_FROM:
            shown = f"Kubernetes {minor[0]}.{minor[1]}" if minor else "a Kubernetes version kconf cannot read"
            warnings.append(
                f"the cluster runs {shown} and kubeadm.k8s.io/v1beta4 needs kubeadm 1.31 or newer: "
                "an older kubeadm rejects this file (drop --to v1beta4 to keep v1beta3)"
            )
        text = _header(stored, converted=True) + dump_documents([conversion.cluster, conversion.init])
        return UploadCertsConfig(text, (conversion.cluster, conversion.init), tuple(warnings))
    init = _init_configuration(stored.api_version, socket)
    header = _header(stored, converted=False)
    verbatim = _verbatim(stored, header, init)
    text = verbatim if verbatim is not None else header + dump_documents([stored.data, init])
    return UploadCertsConfig(text, (stored.data, init), tuple(warnings))


# --- the edge -------------------------------------------------------------------------


def next_step(output: str | None) -> str:
    if output is None:
        return (
            f"kconf: save this output as {STDOUT_CONFIG_NAME}, then run on a control-plane node:\n"
            f"  {UPLOAD_CERTS} {STDOUT_CONFIG_NAME}"
        )
    return f"kconf: wrote {output}; now run on a control-plane node:\n  {UPLOAD_CERTS} {shlex.quote(output)}"


def run_from_configmap(
    source: str,
    *,
    cri_socket: str | None,
    cluster: str | None,
    output: str | None,
    to_version: str | None,
    echo: Echo,
) -> int:
    """Read the ConfigMap (file or ``-``), write the upload-certs config to
    ``output`` (atomically) or stdout, and print the next command to stderr."""
    from kconf.fsio import read_text, write_file
    from kconf.lint.engine import gate_output

    socket, socket_warnings = checked_socket(socket_setting(cri_socket, cluster))
    if source == "-" and sys.stdin.isatty():
        echo(f"kconf: reading the ConfigMap from standard input (pipe `{KUBECTL_COMMAND}` into kconf)", err=True)
    display = "<stdin>" if source == "-" else source
    text = read_text(source)
    stored, input_warnings = parse_configmap(text, display)
    config = build_upload_certs_config(stored, socket, to_version)
    for warning in [*input_warnings, *socket_warnings, *config.warnings]:
        echo(f"kconf: warning: {warning}", err=True)
    note = gate_output(output or STDOUT_CONFIG_NAME, config.text.encode("utf-8"), display, text.encode("utf-8"), echo, output)
    if note == 1:
        return 1  # kconf writes nothing its lint rules refuse: the findings are on stderr
    if output is None:
        echo(config.text, nl=False)
    else:
        write_file(Path(output), config.text.encode("utf-8"))
    if isinstance(note, str):
        echo(note, err=True)
    echo(next_step(output), err=True)
    return 0
