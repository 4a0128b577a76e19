"""The model and lint records that were dataclasses (a @dataclass costs ~0.5 ms
at import): what the NamedTuples and plain classes that replace them keep."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest

from kconf.description import Cluster, LoadBalancerHost, Node, load_cluster
from kconf.lint.haproxy import HAProxyConfig, Section
from kconf.lint.keepalived import KeepalivedConfig, VrrpInstance
from kconf.lint.rules.addresses import RawNode
from kconf.lint.rules.drift import FileDrift, FolderDrift

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "kconf.description", "kconf.lint.haproxy", "kconf.lint.keepalived", "kconf.lint.rules.addresses",
    "kconf.lint.rules.nodes", "kconf.lint.rules.drift", "kconf.lint.rules.calico", "kconf.lint.rules.pools",
    "kconf.lint.rules.components", "kconf.render", "kconf.outputs", "kconf.kubeadm.sockets",
]


@pytest.mark.parametrize("name", MODULES)
def test_the_module_defines_no_dataclass(name: str) -> None:
    module = importlib.import_module(name)
    assert [n for n, v in vars(module).items() if isinstance(v, type) and v.__module__ == name and dataclasses.is_dataclass(v)] == []


def cluster() -> Cluster:
    return load_cluster(str(ROOT / "golden" / "ha-keepalived" / "cluster.yaml"))


def test_cluster_caches_its_control_planes_and_replace_gives_a_cluster_of_its_own() -> None:
    first = cluster()
    assert first.control_plane_nodes is first.control_plane_nodes
    assert first.first_control_plane is first.control_plane_nodes[0]
    moved = first._replace(path=Path("elsewhere.yaml"))
    assert type(moved) is Cluster and moved.path == Path("elsewhere.yaml") and moved.nodes is first.nodes
    assert moved.control_plane_nodes == first.control_plane_nodes and moved.control_plane_nodes is not first.control_plane_nodes
    assert moved != first and moved._replace(path=first.path) == first
    assert repr(first).startswith("Cluster(path=")


def test_cluster_fields_are_read_only() -> None:
    with pytest.raises(AttributeError):
        cluster().name = "other"  # type: ignore[misc]


def test_a_field_named_index_is_the_field() -> None:
    model = cluster()
    lb = model.load_balancer
    assert lb is not None
    assert [n.index for n in model.nodes] == list(range(len(model.nodes)))
    assert [h.index for h in lb.hosts] == list(range(len(lb.hosts)))
    assert isinstance(model.nodes[0], Node) and isinstance(lb.hosts[0], LoadBalancerHost)
    assert RawNode(3, "n", None, (), None).index == 3


# (parameter, default): the dataclass's __init__, a default_factory field's default now None
SIGNATURES: list[tuple[type, list[tuple[str, Any]]]] = [
    (Section, [("kind", inspect.Parameter.empty), ("name", inspect.Parameter.empty), ("line", inspect.Parameter.empty),
               ("column", inspect.Parameter.empty), ("from_name", None), ("defaults", None), ("directives", None),
               ("servers", None), ("binds", None), ("default_server", ())]),
    (HAProxyConfig, [("path", inspect.Parameter.empty), ("sections", inspect.Parameter.empty)]),
    (VrrpInstance, [("name", inspect.Parameter.empty), ("line", inspect.Parameter.empty), ("settings", None), ("lists", None)]),
    (KeepalivedConfig, [("instances", None)]),
    (FileDrift, [("path", inspect.Parameter.empty), ("findings", None), ("hand", False), ("first", None), ("summary", ""),
                 ("rendered_values", None), ("added_tokens", None)]),
    (FolderDrift, [("drift", None), ("clash", None), ("earlier_renders", frozenset())]),
]


@pytest.mark.parametrize(("cls", "expected"), SIGNATURES, ids=[c.__name__ for c, _ in SIGNATURES])
def test_the_plain_classes_take_what_the_dataclasses_took(cls: type, expected: list[tuple[str, Any]]) -> None:
    parameters = list(inspect.signature(cls).parameters.values())
    assert [(p.name, p.default) for p in parameters] == expected
    assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters)
    assert cls.__slots__ == tuple(name for name, _ in expected)


def test_the_haproxy_classes_set_every_field_and_make_fresh_lists() -> None:
    # (keepalived's and drift's: tests/test_mutants_keepalived_reader.py, tests/test_mutants_drift.py)
    one, two = Section("backend", "b", 3, 1), Section("backend", "b", 3, 1)
    assert (one.kind, one.name, one.line, one.column, one.from_name, one.defaults, one.default_server) == ("backend", "b", 3, 1, None, None, ())
    assert (one.directives, one.servers, one.binds) == ([], [], [])
    assert one.directives is not two.directives and one.servers is not two.servers and one.binds is not two.binds
    directives: list[Any] = []
    servers: list[Any] = []
    binds: list[Any] = []
    full = Section("listen", None, 1, 2, "d", one, directives, servers, binds, ("x",))  # type: ignore[arg-type]
    assert (full.from_name, full.defaults, full.default_server) == ("d", one, ("x",))
    assert full.directives is directives and full.servers is servers and full.binds is binds
    sections = [one]
    config = HAProxyConfig("h.cfg", sections)
    assert config.path == "h.cfg" and config.sections is sections


def test_the_plain_classes_refuse_unknown_attributes() -> None:
    with pytest.raises(AttributeError):
        FileDrift("f").hands = True  # type: ignore[attr-defined]
