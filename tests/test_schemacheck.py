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
