"""The lint model's classes were dataclasses; they are NamedTuples and plain
classes now (start-up: a dataclass execs generated source when it is
created). These tests hold them to what the dataclasses did: Finding
compared, ordered, hashed and printed without its fix, the same parameters,
a fresh list or dict for each instance, and no dataclass made on import."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import itertools
import json
import operator
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kconf.lint import model
from kconf.lint.engine import LintResult, Selection
from kconf.lint.fix import Change
from kconf.lint.model import (
    ClusterFile,
    DocumentView,
    Finding,
    InstallationFile,
    IPPoolFile,
    KubeadmFile,
    Loc,
    RawFinding,
    Replacement,
)
from kconf.lint.settings import Settings
from kconf.lint.sources import Gathered
from kconf.schemacheck import SchemaIssue
from kconf.yamlio import Document, Position

ROOT = Path(__file__).resolve().parents[1]

# Finding as the dataclass it was, to hold the class to
DataclassFinding = dataclasses.make_dataclass(
    "Finding",
    [
        ("path", str), ("line", int), ("column", int), ("rule", str), ("severity", str), ("message", str),
        ("fix", Any, dataclasses.field(default=None, compare=False, repr=False)),
    ],
    frozen=True,
    order=True,
)

FIELDS: list[tuple[Any, ...]] = [
    ("a.yaml", "b.yaml"), (1, 2), (1, 3), ("rule-a", "rule-b"), ("error", "warning"), ("m", "n"),
    (None, Replacement("x", "y"), Replacement("x", "z")),
]
SAMPLES: list[tuple[Any, ...]] = list(itertools.product(*FIELDS))  # 2**6 * 3: every field differs from another sample's somewhere


def test_finding_compares_orders_and_hashes_as_its_dataclass_did() -> None:
    ours = [Finding(*values) for values in SAMPLES]
    theirs = [DataclassFinding(*values) for values in SAMPLES]
    for (a, b), (x, y) in zip(itertools.product(ours, repeat=2), itertools.product(theirs, repeat=2), strict=True):
        assert (a == b, a != b, a < b, a <= b, a > b, a >= b) == (x == y, x != y, x < y, x <= y, x > y, x >= y)
    assert [hash(f) for f in ours] == [hash(f) for f in theirs]
    assert [repr(f) for f in ours] == [repr(f) for f in theirs]
    # sorted() is stable: findings that differ only in their fix keep their order, as before
    assert [(f.path, f.line, f.fix) for f in sorted(reversed(ours))] == [(f.path, f.line, f.fix) for f in sorted(reversed(theirs))]


def test_a_finding_is_the_same_finding_whatever_its_fix() -> None:
    plain = Finding("a.yaml", 1, 2, "cidr-host-bits", "error", "m")
    fixed = Finding("a.yaml", 1, 2, "cidr-host-bits", "error", "m", Replacement("10.0.0.1/8", "10.0.0.0/8"))
    assert plain == fixed and hash(plain) == hash(fixed) and not plain < fixed and not fixed < plain
    assert len({plain, fixed}) == 1
    assert repr(fixed) == "Finding(path='a.yaml', line=1, column=2, rule='cidr-host-bits', severity='error', message='m')"


@pytest.mark.parametrize("other", [("a.yaml", 1, 2, "r", "error", "m"), DataclassFinding("a.yaml", 1, 2, "r", "error", "m"), None])
def test_a_finding_compares_only_with_a_finding(other: object) -> None:
    finding = Finding("a.yaml", 1, 2, "r", "error", "m")
    assert finding != other and (finding == other) is False
    for compare in (operator.lt, operator.le, operator.gt, operator.ge):
        with pytest.raises(TypeError):
            compare(finding, other)  # type: ignore[arg-type]


def test_a_finding_copies_and_pickles_with_its_fix() -> None:
    finding = Finding("a.yaml", 1, 2, "r", "error", "m", Replacement("x", "y"))
    for again in (copy.copy(finding), copy.deepcopy(finding), pickle.loads(pickle.dumps(finding))):
        assert again == finding and again.fix == Replacement("x", "y")


def test_the_named_tuples_compare_as_their_dataclasses_did() -> None:
    """Every field of these compared (in order, for the ordered ones): a tuple's == and < are the same."""
    assert sorted([Loc("b", 1), Loc("a", 2, 3), Loc("a", 2)]) == [Loc("a", 2, 1), Loc("a", 2, 3), Loc("b", 1, 1)]
    assert RawFinding("r", Loc("a", 1), "m") != RawFinding("r", Loc("a", 1), "m", fix=Replacement("x", "y"))
    assert sorted([SchemaIssue(("b",), "m"), SchemaIssue(("a", 1), "z"), SchemaIssue(("a", 1), "m")]) == [
        SchemaIssue(("a", 1), "m"), SchemaIssue(("a", 1), "z"), SchemaIssue(("b",), "m"),
    ]
    assert str(SchemaIssue(("spec", "nodes", 0), "bad")) == "spec.nodes[0]: bad" and f"{SchemaIssue((), 'bad')}" == "bad"
    change = Change("a.yaml", 1, 2, "r", "x", "y")
    assert sorted([change._replace(problem="p"), change]) == [change, change._replace(problem="p")]
    assert str(change) == "a.yaml:1:2: r: 'x' -> 'y'" and repr(change) == (
        "Change(path='a.yaml', line=1, column=2, rule='r', old='x', new='y', problem='')"
    )


VIEW = DocumentView("a.yaml", Document({"a": 1}, 0, Position(1, 1)))

# the parameters of the dataclasses' __init__: name, default ("factory": field(default_factory=...))
SIGNATURES: list[tuple[type, list[tuple[str, object]]]] = [
    (model.SourceFile, [("path", ...), ("text", ...)]),
    (model.BrokenFile, [("path", ...), ("text", ...), ("error", None)]),
    (DocumentView, [("path", ...), ("document", ...), ("line_offset", 0), ("column_offset", 0), ("exact", True), ("anchor_line", 0)]),
    (ClusterFile, [("path", ...), ("text", ...), ("view", None), ("schema_issues", "factory"), ("cluster", None),
                   ("broken", frozenset()), ("problems", "factory")]),
    (KubeadmFile, [("path", ...), ("text", ...), ("documents", "factory")]),
    (model.ConfigMapFile, [("path", ...), ("text", ...), ("cluster_configuration", None)]),
    (model.CalicoManifestFile, [("path", ...), ("text", ...), ("node", None)]),
    (InstallationFile, [("path", ...), ("text", ...), ("installations", "factory")]),
    (IPPoolFile, [("path", ...), ("text", ...), ("pools", "factory")]),
    (model.HAProxyFile, [("path", ...), ("text", ...), ("config", None)]),
    (model.KeepalivedFile, [("path", ...), ("text", ...), ("config", None)]),
    (model.KubeVipFile, [("path", ...), ("text", ...), ("pod", None)]),
    (model.GeneratedFile, [("path", ...), ("text", ...)]),
    (model.Group, [("files", ...), ("cluster_file", None), ("output_dir", None), ("fetched", False), ("_rendered", None),
                   ("_render_error", None), ("in_memory", False)]),
    (Finding, [("path", ...), ("line", ...), ("column", ...), ("rule", ...), ("severity", ...), ("message", ...), ("fix", None)]),
    (Selection, [("enabled", ...), ("severity", "factory")]),
    (LintResult, [("findings", ...), ("files", ...), ("unrecognised", "factory"), ("checked", "factory"), ("copies", "factory")]),
    (Settings, [("disabled", frozenset()), ("severity", "factory"), ("source", None)]),
    (Gathered, [("groups", ...), ("files", ...), ("unrecognised", "factory"), ("checked", "factory")]),
]


@pytest.mark.parametrize(("cls", "expected"), SIGNATURES, ids=[cls.__name__ for cls, _ in SIGNATURES])
def test_the_classes_take_the_dataclasses_parameters(cls: type, expected: list[tuple[str, object]]) -> None:
    parameters = list(inspect.signature(cls).parameters.values())
    assert [p.name for p in parameters] == [name for name, _ in expected]
    assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters)
    for parameter, (name, default) in zip(parameters, expected, strict=True):
        if default is ...:
            assert parameter.default is parameter.empty, name
        elif default == "factory":
            assert parameter.default is None, name  # None stands for "a new one"
        else:
            assert parameter.default == default, name
    required = [object() for _, default in expected if default is ...]
    first, second = cls(*required), cls(*required)
    for name, default in expected:
        if default == "factory":
            value = getattr(first, name)
            assert value == type(value)() and value is not getattr(second, name), name  # empty, one for each
        elif default is not ...:
            assert getattr(first, name) == default, name


def test_a_given_list_or_dict_is_kept_not_copied() -> None:
    issues: list[SchemaIssue] = []
    severity = {"public-cidr": "error"}
    assert ClusterFile("c.yaml", "", schema_issues=issues).schema_issues is issues
    assert Selection(frozenset(), severity).severity is severity
    assert Settings(severity=severity).severity is severity
    copies: list[Finding] = []
    assert LintResult([], 0, [], [], copies).copies is copies


def test_kubeadm_documents_is_computed_once() -> None:
    kubeadm = DocumentView("k.yaml", Document({"apiVersion": "kubeadm.k8s.io/v1beta4", "kind": "InitConfiguration"}, 0, Position(1, 1)))
    source = KubeadmFile("k.yaml", "", [VIEW, kubeadm])
    assert source.kubeadm_documents == [kubeadm] and source.kubeadm_documents is source.kubeadm_documents


def test_a_view_compares_by_its_fields() -> None:
    """As the dataclass did (frozen dataclasses holding a view compare through it), and is unhashable like it."""
    same = DocumentView("a.yaml", Document({"a": 1}, 0, Position(1, 1)))
    assert same == VIEW and same is not VIEW
    assert DocumentView("a.yaml", VIEW.document, line_offset=1) != VIEW and VIEW != ("a.yaml", VIEW.document, 0, 0, True, 0)
    with pytest.raises(TypeError):
        hash(VIEW)


MODULES = ["kconf.lint.model", "kconf.lint.engine", "kconf.lint.sources", "kconf.lint.settings", "kconf.lint.registry",
           "kconf.lint.fix", "kconf.lint.catalogue", "kconf.schemacheck"]


def test_importing_the_lint_core_makes_no_dataclass_of_its_own() -> None:
    probe = (
        "import dataclasses, json\n"
        "made = []\n"
        "original = dataclasses._process_class\n"
        "def counting(cls, *args, **kwargs):\n"
        "    made.append(cls.__module__)\n"
        "    return original(cls, *args, **kwargs)\n"
        "dataclasses._process_class = counting\n"
        f"for name in {MODULES!r}:\n"
        "    __import__(name)\n"
        "print(json.dumps(made))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    made = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env, cwd=ROOT).stdout)
    assert [m for m in made if m in MODULES] == []
