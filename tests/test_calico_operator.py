"""Operator mode: calico-installation.yaml (an Installation and an APIServer)
against the upstream CRD schemas of ../shared/corpus/calico (v3.31.7 and
v3.32.1 ship the CRDs; their openAPIV3Schema is the judge), and the
description's settings in it."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import GOLDEN, require_corpus
from kconf.description import load_cluster
from kconf.render import render_files

CRD_VERSIONS = ["v3.31.7", "v3.32.1"]


@functools.cache
def crd_schemas(version: str) -> dict[str, Any]:
    """kind -> the openAPIV3Schema (made strict) of each operator.tigera.io CRD of that release."""
    found: dict[str, Any] = {}
    text = (require_corpus() / version / "operator-crds.yaml").read_text()
    for document in yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        if isinstance(document, dict) and document.get("kind") == "CustomResourceDefinition" \
                and document["spec"]["group"] == "operator.tigera.io":
            (served,) = [v for v in document["spec"]["versions"] if v["name"] == "v1"]
            found[document["spec"]["names"]["kind"]] = strict(served["schema"]["openAPIV3Schema"])
    return found


def crd_schema(version: str, kind: str) -> Any:
    return crd_schemas(version)[kind]


def strict(schema: Any) -> Any:
    """Structural schemas prune unknown fields; kubectl's server-side field
    validation refuses them: refuse them here too."""
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out \
                and not out.get("x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def operator_documents(description: Path) -> list[dict[str, Any]]:
    files = render_files(load_cluster(str(description)))
    return list(yaml.safe_load_all(files["calico-installation.yaml"].data))


OPERATOR_CASES = sorted(p for p in GOLDEN.glob("*/cluster.yaml") if "mode: operator" in p.read_text())


def test_the_operator_cases() -> None:
    assert [p.parent.name for p in OPERATOR_CASES] == ["aws", "dual-stack", "ha-haproxy", "ha-keepalived", "ha-kube-vip", "virtualbox-lab"]


@pytest.mark.parametrize("version", CRD_VERSIONS)
@pytest.mark.parametrize("description", OPERATOR_CASES, ids=lambda p: p.parent.name)
def test_every_operator_document_validates_against_the_upstream_crd(description: Path, version: str) -> None:
    documents = operator_documents(description)
    assert [(d["kind"], d["metadata"]["name"]) for d in documents] == [("Installation", "default"), ("APIServer", "default")]
    for document in documents:
        body = {k: v for k, v in document.items() if k not in ("apiVersion", "kind", "metadata")}
        jsonschema.validate(body, crd_schema(version, document["kind"]))


@pytest.mark.parametrize("version", CRD_VERSIONS)
@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(("calicoNetwork", "ipPools", 0, "encapsulation"), "IPinIP", id="unknown-encapsulation"),
        pytest.param(("calicoNetwork", "mtu"), "1450", id="mtu-as-text"),
        pytest.param(("calicoNetwork", "nodeAddressAutodetectionV4", "kubernetes"), "InternalIP", id="unknown-kubernetes-value"),
        pytest.param(("calicoNetwork", "ipPool"), [], id="misspelled-field"),
    ],
)
def test_the_crd_schema_can_refuse(version: str, path: tuple[Any, ...], value: Any) -> None:
    installation = operator_documents(GOLDEN / "ha-kube-vip" / "cluster.yaml")[0]
    spec = installation["spec"]
    target = spec
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"spec": spec}, crd_schema(version, "Installation"))


def test_the_description_settings_reach_the_installation() -> None:
    installation = operator_documents(GOLDEN / "ha-kube-vip" / "cluster.yaml")[0]
    assert installation["spec"]["calicoNetwork"] == {
        "ipPools": [{"cidr": "172.16.0.0/16", "blockSize": 26, "encapsulation": "VXLAN", "natOutgoing": "Enabled", "nodeSelector": "all()"}],
        "mtu": 1450,
        "nodeAddressAutodetectionV4": {"kubernetes": "NodeInternalIP"},
    }


@pytest.mark.parametrize(
    ("version", "commands"),
    [
        pytest.param("v3.31.7", ["operator-crds.yaml", "tigera-operator.yaml"], id="crds-apart-from-3.30"),
        pytest.param("v3.28.5", ["tigera-operator.yaml"], id="crds-inside-before-3.30"),
    ],
)
def test_plan_names_the_operator_manifests_of_the_version(tmp_path: Path, version: str, commands: list[str]) -> None:
    text = (GOLDEN / "ha-kube-vip" / "cluster.yaml").read_text().replace("v3.30.7", version)
    (tmp_path / "cluster.yaml").write_text(text)
    plan = render_files(load_cluster(str(tmp_path / "cluster.yaml")))["PLAN.md"].data.decode()
    created = [line.rsplit("/", 1)[-1] for line in plan.splitlines() if line.startswith("kubectl create -f https://")]
    assert created == commands
    assert f"https://raw.githubusercontent.com/projectcalico/calico/{version}/manifests/tigera-operator.yaml" in plan
    assert plan.index("tigera-operator.yaml") < plan.index("kubectl create -f calico-installation.yaml")
