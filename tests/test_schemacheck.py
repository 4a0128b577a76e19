"""Inlining $refs (for speed) must not change any verdict of any schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import GOLDEN, REPO
from kconf.schemacheck import inline_refs
from kconf.yamlio import load_documents

SCHEMAS = sorted((REPO / "schemas").rglob("*.json"))


def _errors(schema: dict[str, Any], data: Any) -> list[tuple[str, str]]:
    cls = jsonschema.validators.validator_for(schema)
    return sorted((str(list(e.absolute_path)), e.validator) for e in cls(schema).iter_errors(data))


def _samples() -> list[Any]:
    docs: list[Any] = []
    for path in sorted(GOLDEN.rglob("*.yaml")):
        docs += [d.data for d in load_documents(path.read_text(), str(path)) if d.data is not None]
    mutated = []
    for doc in docs:
        for key in list(doc)[:6]:
            broken = copy.deepcopy(doc)
            broken[key] = {"unexpected": [1, None, "x"]}
            mutated.append(broken)
            wrapped = copy.deepcopy(doc)
            wrapped["bogus"] = 1
            mutated.append(wrapped)
    return docs + mutated


@pytest.mark.parametrize("schema_path", SCHEMAS, ids=lambda p: str(p.relative_to(REPO / "schemas")))
def test_inlined_schema_gives_the_same_verdicts(schema_path: Path) -> None:
    schema = json.loads(schema_path.read_text())
    inlined = inline_refs(schema)
    assert "#/$defs/" not in json.dumps({k: v for k, v in inlined.items() if k != "$defs"}), "a reference was not inlined"
    samples = _samples()
    differing = [s for s in samples if _errors(schema, s) != _errors(inlined, s)]
    assert differing == []
    assert any(_errors(schema, s) for s in samples), "the samples never fail this schema: the comparison proves nothing"


def test_recursive_definitions_keep_their_reference() -> None:
    schema = {
        "$defs": {"tree": {"type": "object", "properties": {"child": {"$ref": "#/$defs/tree"}}}},
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/tree"}},
    }
    inlined = inline_refs(schema)
    assert inlined["properties"]["root"]["properties"]["child"] == {"$ref": "#/$defs/tree"}
    data = {"root": {"child": {"child": 1}}}
    assert _errors(schema, data) == _errors(inlined, data) == [("['root', 'child', 'child']", "type")]


# --- the fast path (kconf.schemacheck.fast_validator) ----------------------------------

_ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 6443, 6443.0, 6443.5, 65536, 1e300, "", "x", "-bad", "UPPER", "a" * 300,
    "10.0.0.1", "10.0.0.1/24", "v1.31.2", "unix:///run/x.sock", [], [1], ["x"], {}, {"x": 1},
]


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        found = [path] if path else []
        for key, value in data.items():
            found += _leaves(value, (*path, key))
        return found
    if isinstance(data, list):
        found = [path]
        for index, value in enumerate(data[:3]):
            found += _leaves(value, (*path, index))
        return found
    return [path]


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    copied = copy.deepcopy(data)
    node = copied
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return copied


def _schema_of(doc: Any) -> str | None:
    from kconf.kubeadm.schema import schema_name

    if not isinstance(doc, dict):
        return None
    if doc.get("apiVersion") == "kconf/v1alpha1":
        return "cluster.schema.json"
    if doc.get("kind") in ("KubeletConfiguration", "KubeProxyConfiguration"):
        return f"components/{doc['kind']}.json"
    api, kind = doc.get("apiVersion"), doc.get("kind")
    return schema_name(api, kind) if isinstance(api, str) and isinstance(kind, str) else None


def _documents_by_schema() -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for path in sorted([*GOLDEN.rglob("*.yaml"), *(REPO / "examples").rglob("*.yaml")]):
        for document in load_documents(path.read_text(), str(path)):
            name = _schema_of(document.data)
            if name is not None:
                found.setdefault(name, []).append(document.data)
    return found


def test_the_fast_path_passes_only_what_jsonschema_passes(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Every leaf (and every mapping and list) of every golden and example
    document, replaced by odd values: whenever the fast predicate says valid,
    jsonschema finds no error (it may say invalid more often: jsonschema then
    decides). The documents as they are pass it, or it would save nothing."""
    from kconf import schemacheck
    from kconf.schemacheck import _validator, fast_validator

    # every subschema compiled up front (not when a document first reaches
    # it), so that a keyword the fast path does not know shows here as None
    monkeypatch.setattr(schemacheck, "_EAGER", True)
    fast_validator.cache_clear()
    request.addfinalizer(fast_validator.cache_clear)  # later tests compile lazily again
    by_schema = _documents_by_schema()
    assert len(by_schema) >= 6, sorted(by_schema)
    compared = rejected = 0
    for name, documents in sorted(by_schema.items()):
        fast = fast_validator(name)
        assert fast is not None, f"{name}: the fast path does not support this schema"
        validator = _validator(name)
        for document in documents:
            assert fast(document), f"{name}: a golden document fails the fast path"
        for document in documents[:3]:  # the others are much alike (join configurations)
            for path in _leaves(document):
                for value in _ODD_VALUES:
                    sample = _replaced(document, path, value)
                    valid = next(iter(validator.iter_errors(sample)), None) is None
                    assert not (fast(sample) and not valid), (name, path, value)
                    compared += 1
                    rejected += not valid
    assert compared > 5_000 and rejected > compared // 4, (compared, rejected)


def test_subschemas_compile_when_a_document_first_reaches_them() -> None:
    """A property's subschema is compiled when a document first has the
    property: one with a keyword the fast path does not know (``not``) costs
    nothing until then, and then stops the fast path, for jsonschema."""
    from kconf import schemacheck

    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"not": {"type": "string"}}, "c": {"$ref": "#/$defs/port"}},
        "additionalProperties": False,
        "$defs": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}},
    }
    fast = schemacheck._compile(schema, schemacheck._Context(False, schema["$defs"]))
    assert fast({"a": "x"}) and fast({"c": 6443}) and fast({})
    assert not fast({"a": 1}) and not fast({"c": 0}) and not fast({"c": "6443"}) and not fast({"d": 1})
    with pytest.raises(schemacheck._Unsupported):
        fast({"b": 1})
    with pytest.raises(schemacheck._Unsupported):  # every time: nothing half-compiled is kept
        fast({"a": "x", "b": 1})
    recursive = {"properties": {"x": {"$ref": "#/$defs/node"}}, "$defs": {"node": {"properties": {"x": {"$ref": "#/$defs/node"}}}}}
    fast = schemacheck._compile(recursive, schemacheck._Context(False, recursive["$defs"]))
    assert fast({"x": 1})  # one level inlined, as inline_refs() does
    with pytest.raises(schemacheck._Unsupported):
        fast({"x": {"x": 1}})  # the recursive reference itself: jsonschema's


def test_check_asks_jsonschema_when_the_fast_path_meets_an_unknown_keyword(monkeypatch: pytest.MonkeyPatch) -> None:
    from kconf import schemacheck

    def unsupported(value: Any) -> bool:
        raise schemacheck._Unsupported("late")

    document = {"apiVersion": "kconf/v1alpha1", "kind": "Cluster", "metadata": {"name": "x"}, "spec": {"nodes": "no"}}
    expected = schemacheck.check("cluster.schema.json", document)
    assert expected  # invalid: jsonschema's issues
    monkeypatch.setattr(schemacheck, "fast_validator", lambda name: unsupported)
    assert schemacheck.check("cluster.schema.json", document) == expected
