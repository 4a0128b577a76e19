"""What rules see: findings, locations, the files kconf recognised, and groups.

A *group* is what is checked together: a cluster description with the files
of its output folder (cross-file rules), or one standalone file. Rules are
functions ``Group -> Iterable[RawFinding]``; the engine sets severities,
applies settings and suppressions, and hands findings to a reporter.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeVar

from kconf.yamlio import Document
from kconf.yamlio import Path as FieldPath

if TYPE_CHECKING:
    from kconf.calico.patch import CalicoNodeEnv
    from kconf.description import Cluster
    from kconf.errors import KconfError
    from kconf.lint.haproxy import HAProxyConfig
    from kconf.lint.keepalived import KeepalivedConfig
    from kconf.schemacheck import SchemaIssue

from kconf.lint.severity import ERROR, SEVERITIES, WARNING

__all__ = ["ERROR", "SEVERITIES", "WARNING"]

# No dataclasses here: each @dataclass execs generated source when the module
# is imported (~0.5 ms a class, 18 of them on every `kconf lint`). The frozen
# value types are NamedTuples; Finding and the files are plain classes with
# __slots__ and the methods their dataclasses had that anything uses.


class Loc(NamedTuple):
    path: str
    line: int
    column: int = 1


class Replacement(NamedTuple):
    """A mechanical fix (``kconf lint --fix``): the scalar written at the
    finding's location holds ``old`` and should hold ``new``. Only the rule
    knows whether one value is the unambiguous answer in that field (the
    network of a CIDR with host bits; not "which runtime" for dockershim's
    socket), so the rule yields it with the finding; the fixer edits just that
    scalar's text."""

    old: str
    new: str


class RawFinding(NamedTuple):
    """What a rule yields; ``severity`` only where a rule has two levels
    (e.g. control-plane-endpoint-missing), else the rule's default; ``fix``
    where the rule's registry entry declares one and this value has one."""

    rule: str
    loc: Loc
    message: str
    severity: str | None = None
    fix: Replacement | None = None


class Finding:
    """A finding as reported: equal, ordered and hashed by (path, line,
    column, rule, severity, message), as the ``dataclass(frozen=True,
    order=True)`` it was; its fields are Final (mypy keeps them unassigned:
    a finding is hashed, in the engine's sets). ``fix`` is not part of what
    a finding is (equality, order, hash, repr, reporters): it is what --fix
    may write (it was ``field(compare=False, repr=False)``)."""

    __slots__ = ("path", "line", "column", "rule", "severity", "message", "fix")

    path: Final[str]
    line: Final[int]
    column: Final[int]
    rule: Final[str]
    severity: Final[str]
    message: Final[str]
    fix: Final[Replacement | None]

    def __init__(
        self, path: str, line: int, column: int, rule: str, severity: str, message: str, fix: Replacement | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.rule = rule
        self.severity = severity
        self.message = message
        self.fix = fix

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__qualname__}(path={self.path!r}, line={self.line!r}, column={self.column!r}, "
            f"rule={self.rule!r}, severity={self.severity!r}, message={self.message!r})"
        )

    def _key(self) -> tuple[str, int, int, str, str, str]:
        """What ==, <, <=, >, >= and hash compare: every field but ``fix``, in order."""
        return (self.path, self.line, self.column, self.rule, self.severity, self.message)

    def __hash__(self) -> int:
        return hash(self._key())

    def _other(self, other: object) -> tuple[str, int, int, str, str, str] | None:
        """``other``'s key, when it is a finding of this class: as a
        dataclass's, a finding compares only with those (else NotImplemented)."""
        return other._key() if isinstance(other, Finding) and other.__class__ is self.__class__ else None

    def __eq__(self, other: object) -> bool:
        key = self._other(other)
        return NotImplemented if key is None else self._key() == key

    def __lt__(self, other: object) -> bool:
        key = self._other(other)
        return NotImplemented if key is None else self._key() < key

    def __le__(self, other: object) -> bool:
        key = self._other(other)
        return NotImplemented if key is None else self._key() <= key

    def __gt__(self, other: object) -> bool:
        key = self._other(other)
        return NotImplemented if key is None else self._key() > key

    def __ge__(self, other: object) -> bool:
        key = self._other(other)
        return NotImplemented if key is None else self._key() >= key


# --- recognised files --------------------------------------------------------------------


# Plain classes, as mutable as the dataclasses they were; each subclass's
# __init__ takes the base's fields first, as a dataclass's does. Nothing
# compares files or groups, nor prints them: they have no __eq__ or __repr__
# (a view has the dataclass's __eq__, see there).


class SourceFile:
    __slots__ = ("path", "text")

    path: str
    text: str

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text

    def lines(self) -> list[str]:
        return self.text.splitlines()


class BrokenFile(SourceFile):
    """A file that should be YAML (or a config kconf reads) but does not load."""

    __slots__ = ("error",)

    error: KconfError | None

    def __init__(self, path: str, text: str, error: KconfError | None = None) -> None:
        self.path = path
        self.text = text
        self.error = error


class DocumentView:
    """A YAML document with file locations; also used for documents embedded
    in another file (the ClusterConfiguration inside a ConfigMap), where
    ``line_offset``/``column_offset`` map inner positions to the outer file
    (``exact`` False: only the line of the embedding key is known)."""

    __slots__ = ("path", "document", "line_offset", "column_offset", "exact", "anchor_line")

    path: str
    document: Document
    line_offset: int
    column_offset: int
    exact: bool
    anchor_line: int  # the outer line used when not exact

    def __init__(
        self, path: str, document: Document, line_offset: int = 0, column_offset: int = 0, exact: bool = True,
        anchor_line: int = 0,
    ) -> None:
        self.path = path
        self.document = document
        self.line_offset = line_offset
        self.column_offset = column_offset
        self.exact = exact
        self.anchor_line = anchor_line

    # as the dataclass's: the frozen dataclasses that hold a view
    # (addresses.Description, WrittenAddress...) compare by its fields. And
    # unhashable like it: a class that defines __eq__ alone gets __hash__ None.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DocumentView) or other.__class__ is not self.__class__:
            return NotImplemented
        return (self.path, self.document, self.line_offset, self.column_offset, self.exact, self.anchor_line) == (
            other.path, other.document, other.line_offset, other.column_offset, other.exact, other.anchor_line
        )

    @property
    def data(self) -> Any:
        return self.document.data

    def loc(self, field_path: FieldPath, *, key: bool = False) -> Loc:
        if not self.exact:
            return Loc(self.path, self.anchor_line, 1)
        pos = self.document.position(tuple(field_path), key=key)
        return Loc(self.path, pos.line + self.line_offset, pos.column + self.column_offset)

    def get(self, *field_path: str | int) -> Any:
        """The value at a field path, or None when any step is missing."""
        value = self.document.data
        for step in field_path:
            if isinstance(value, dict):  # the usual step first (rules ask for fields by name)
                if isinstance(step, str) and step in value:
                    value = value[step]
                    continue
                return None
            if isinstance(step, int) and isinstance(value, list) and -len(value) <= step < len(value):
                value = value[step]
            else:
                return None
        return value

    # kind and apiVersion: what every rule asks first, of every document (get() inlined)
    @property
    def kind(self) -> str:
        data = self.document.data
        value = data.get("kind") if isinstance(data, dict) else None
        return value if isinstance(value, str) else ""

    @property
    def api_version(self) -> str:
        data = self.document.data
        value = data.get("apiVersion") if isinstance(data, dict) else None
        return value if isinstance(value, str) else ""


class ClusterFile(SourceFile):
    __slots__ = ("view", "schema_issues", "cluster", "broken", "problems")

    view: DocumentView | None
    schema_issues: list[SchemaIssue]
    # the model as far as the description allows (kconf.description.model_cluster):
    # ``broken`` names the parts that hold placeholders, ``problems`` what the
    # schema cannot say
    cluster: Cluster | None
    broken: frozenset[str]
    problems: list[KconfError]

    def __init__(
        self, path: str, text: str, view: DocumentView | None = None, schema_issues: list[SchemaIssue] | None = None,
        cluster: Cluster | None = None, broken: frozenset[str] = frozenset(), problems: list[KconfError] | None = None,
    ) -> None:
        self.path = path
        self.text = text
        self.view = view
        self.schema_issues = [] if schema_issues is None else schema_issues
        self.cluster = cluster
        self.broken = broken
        self.problems = [] if problems is None else problems

    @property
    def complete(self) -> bool:
        from kconf.description import COMPLETE

        return self.cluster is not None and COMPLETE not in self.broken

    @property
    def output_dir(self) -> Path | None:
        name = self.view.get("metadata", "name") if self.view else None
        return Path(self.path).parent / name if isinstance(name, str) and name else None


class KubeadmFile(SourceFile):
    """Any mix of kubeadm.k8s.io documents (and others, e.g. KubeletConfiguration)."""

    __slots__ = ("documents", "__dict__")  # __dict__: where cached_property keeps kubeadm_documents

    documents: list[DocumentView]

    def __init__(self, path: str, text: str, documents: list[DocumentView] | None = None) -> None:
        self.path = path
        self.text = text
        self.documents = [] if documents is None else documents

    @functools.cached_property
    def kubeadm_documents(self) -> list[DocumentView]:
        # once per file: every kubeadm rule asks, of every file of a 5,000-node render
        return [d for d in self.documents if d.api_version.startswith("kubeadm.k8s.io/")]


class ConfigMapFile(SourceFile):
    """A kubeadm-config ConfigMap; ``cluster_configuration`` is its stored
    ClusterConfiguration, with lines of the outer file."""

    __slots__ = ("cluster_configuration",)

    cluster_configuration: DocumentView | None

    def __init__(self, path: str, text: str, cluster_configuration: DocumentView | None = None) -> None:
        self.path = path
        self.text = text
        self.cluster_configuration = cluster_configuration


class CalicoManifestFile(SourceFile):
    __slots__ = ("node",)

    node: CalicoNodeEnv | None

    def __init__(self, path: str, text: str, node: CalicoNodeEnv | None = None) -> None:
        self.path = path
        self.text = text
        self.node = node


class InstallationFile(SourceFile):
    __slots__ = ("installations",)

    installations: list[DocumentView]

    def __init__(self, path: str, text: str, installations: list[DocumentView] | None = None) -> None:
        self.path = path
        self.text = text
        self.installations = [] if installations is None else installations


class IPPoolFile(SourceFile):
    """Calico IPPool resources (projectcalico.org/v3, crd.projectcalico.org/v1),
    e.g. `calicoctl get ippool -o yaml` or `kubectl get ippools -o yaml`:
    a List's items count one by one."""

    __slots__ = ("pools",)

    pools: list[DocumentView]

    def __init__(self, path: str, text: str, pools: list[DocumentView] | None = None) -> None:
        self.path = path
        self.text = text
        self.pools = [] if pools is None else pools


class HAProxyFile(SourceFile):
    __slots__ = ("config",)

    config: HAProxyConfig | None

    def __init__(self, path: str, text: str, config: HAProxyConfig | None = None) -> None:
        self.path = path
        self.text = text
        self.config = config


class KeepalivedFile(SourceFile):
    __slots__ = ("config",)

    config: KeepalivedConfig | None

    def __init__(self, path: str, text: str, config: KeepalivedConfig | None = None) -> None:
        self.path = path
        self.text = text
        self.config = config


class KubeVipFile(SourceFile):
    """A kube-vip static Pod (a Pod with a kube-vip container)."""

    __slots__ = ("pod",)

    pod: DocumentView | None

    def __init__(self, path: str, text: str, pod: DocumentView | None = None) -> None:
        self.path = path
        self.text = text
        self.pod = pod


class GeneratedFile(SourceFile):
    """A file render writes that no rule reads on its own: the hosts file,
    PLAN.md, check_apiserver.sh and the join-<node>.sh scripts (their
    "Generated by kconf" header). Only
    rendered-drift compares them, in their output folder."""

    __slots__ = ()


def cluster_source(path: str, text: str, document: Document) -> ClusterFile:
    """A loaded description as lint sees it: schema issues and the model as
    far as it goes."""
    from kconf.description import model_cluster
    from kconf.schemacheck import check

    source = ClusterFile(path, text, view=DocumentView(path, document))
    source.schema_issues = check("cluster.schema.json", document.data)
    model = model_cluster(document, path, source.schema_issues)
    source.cluster, source.broken, source.problems = model.cluster, model.broken, list(model.problems)
    return source


S = TypeVar("S", bound=SourceFile)


class Group:
    """Files checked together. ``cluster`` is set for a description and its
    output folder; ``rendered`` (file name -> bytes) is what the description
    renders now, when it could be rendered."""

    __slots__ = ("files", "cluster_file", "output_dir", "fetched", "_rendered", "_render_error", "in_memory")

    files: list[SourceFile]
    cluster_file: ClusterFile | None
    output_dir: Path | None
    # kconf lint --cluster: the files were fetched from the hosts (kept outside
    # the output folder); rendered-drift compares each with the rendered file
    # it corresponds to
    fetched: bool
    _rendered: dict[str, tuple[bytes, int]] | None
    _render_error: KconfError | None
    # the output files are render's, in memory, not yet written (render's own lint gate)
    in_memory: bool

    def __init__(
        self, files: list[SourceFile], cluster_file: ClusterFile | None = None, output_dir: Path | None = None,
        fetched: bool = False, _rendered: dict[str, tuple[bytes, int]] | None = None,
        _render_error: KconfError | None = None, in_memory: bool = False,
    ) -> None:
        self.files = files
        self.cluster_file = cluster_file
        self.output_dir = output_dir
        self.fetched = fetched
        self._rendered = _rendered
        self._render_error = _render_error
        self.in_memory = in_memory

    @property
    def cluster(self) -> Cluster | None:
        return self.cluster_file.cluster if self.cluster_file else None

    def of(self, kind: type[S]) -> list[S]:
        return [f for f in self.files if isinstance(f, kind)]

    def kubeadm_documents(self, kind: str | None = None) -> Iterator[DocumentView]:
        """Every kubeadm document of the group, ConfigMaps' included."""
        for source in self.files:
            views: Sequence[DocumentView] = ()
            if isinstance(source, KubeadmFile):
                views = source.kubeadm_documents
            elif isinstance(source, ConfigMapFile) and source.cluster_configuration is not None:
                views = [source.cluster_configuration]
            for view in views:
                if kind is None or view.kind == kind:
                    yield view

    def rendered(self) -> dict[str, tuple[bytes, int]]:
        """What the description renders now ({file name: (bytes, mode)}),
        computed once per group; raises the KconfError rendering raised."""
        from kconf.errors import KconfError

        if self._render_error is not None:
            raise self._render_error
        if self._rendered is None:
            cluster = self.cluster
            if cluster is None or self.cluster_file is None or not self.cluster_file.complete:
                return {}
            from kconf.render import render_files

            try:
                self._rendered = {name: (f.data, f.mode) for name, f in render_files(cluster).items()}
            except KconfError as exc:
                self._render_error = exc
                raise
        return self._rendered

    def rendered_unchanged(self, path: str) -> bool:
        """Whether a file of the output folder is exactly what render writes."""
        from kconf.errors import KconfError

        if self.output_dir is None or Path(path).parent != self.output_dir:
            return False
        try:
            expected = self.rendered().get(Path(path).name)
        except KconfError:
            return False
        if expected is None:
            return False
        if self.in_memory:
            return True
        from kconf.render import holds_exactly

        return holds_exactly(Path(path), expected[0]) is True

