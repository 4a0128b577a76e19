"""kconf's strict kubeadm schemas, held to upstream kubeadm.

Valid kubeadm files (golden output, join files as the script fills them,
what `kubeadm config print` prints) are mutated: an unknown field at every
level, a wrong type and a null at every value, every field removed,
v1beta3-style extraArgs under v1beta4 and the reverse, duplicate keys, a
missing apiVersion or kind, a document twice; and hypothesis combines
several. For each, `kconf lint` must refuse the file (an error of
kubeadm-schema, kubeadm-api-version or yaml-syntax) exactly when `kubeadm
config validate` does, except where ``ON_PURPOSE`` says why not.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import GOLDEN
from kconf.lint.engine import lint_paths
from kconf.lint.model import ERROR
from kconf.lint.settings import Settings
from kubeadm_split import yaml_chunks
from kubeadm_tools import built, kubeadm_for, require_kubeadm, run_kubeadm, validate

TOKEN = "abcdef.0123456789abcdef"
CA_HASH = "sha256:" + "ab" * 32
CERT_KEY = "0123456789" * 6 + "abcd"
REFUSING_RULES = {"kubeadm-schema", "kubeadm-api-version", "yaml-syntax", "component-config-schema"}
STATS: dict[str, list[int]] = {}  # base -> [tried, agreed]

# Where kconf and kubeadm differ on purpose: (name, why, matcher). A matcher
# sees the mutation, kubeadm's verdict and kconf's refusing findings.
Matcher = Callable[["Mutation", bool, str, list[str]], bool]


def _kubeadm_value_check(m: Mutation, kubeadm_ok: bool, output: str, kconf: list[str]) -> bool:
    # kubeadm decoded the file and then refused a value (field.Invalid /
    # field.Required); kconf's schemas check fields and types, its value
    # rules (token-format, placeholder-value, advertise-address-not-on-node,
    # ...) are other rules.
    return not kubeadm_ok and not kconf and bool(re.search(r"Invalid value|Required value|Unsupported value", output))


def _null_value(m: Mutation, kubeadm_ok: bool, output: str, kconf: list[str]) -> bool:
    # null: kubeadm's JSON decoder leaves the field at its zero value (as if
    # unset); kconf reports it, since a key with no value is a slip.
    return "null" in m.operator.split("+") and kubeadm_ok and bool(kconf) and all(": None is " in k for k in kconf)


ON_PURPOSE: list[tuple[str, str, Matcher]] = [
    ("kubeadm-value-validation", "kubeadm refuses a value after decoding; kconf's schemas check fields and types", _kubeadm_value_check),
    ("null-value", "kubeadm decodes null as the zero value; kconf's schemas refuse a null", _null_value),
]


# --- the files ------------------------------------------------------------------------

@dataclass(frozen=True)
class Base:
    name: str
    text: str
    kubernetes_version: str


def _filled(path: Path) -> str:
    text = path.read_text()
    for placeholder, value in (("${KCONF_TOKEN}", TOKEN), ("${KCONF_CA_CERT_HASH}", CA_HASH), ("${KCONF_CERTIFICATE_KEY}", CERT_KEY)):
        text = text.replace(placeholder, value)
    return text


def bases() -> list[Base]:
    require_kubeadm()
    found = [
        Base("ha-init-v1beta4", (GOLDEN / "ha-haproxy/cka/kubeadm-init.yaml").read_text(), "v1.31.2"),
        Base("vbox-init-v1beta3", (GOLDEN / "virtualbox-lab/vbox-lab/kubeadm-init.yaml").read_text(), "v1.30.6"),
        Base("ha-join-cp-v1beta4", _filled(GOLDEN / "ha-haproxy/cka/kubeadm-join-cka-cp-2.yaml"), "v1.31.2"),
        Base("vbox-join-worker-v1beta3", _filled(GOLDEN / "virtualbox-lab/vbox-lab/kubeadm-join-vbox-worker-1.yaml"), "v1.30.6"),
    ]
    newest = max(built())
    binary = built()[newest]
    version = f"v{newest[0]}.{newest[1]}.0"
    for kind in ("init", "join", "reset"):
        printed = run_kubeadm(binary, "config", "print", f"{kind}-defaults", home=Path("/tmp"))
        assert printed.returncode == 0, printed.stderr
        found.append(Base(f"kubeadm-{newest[0]}.{newest[1]}-{kind}-defaults", printed.stdout, version))
    # every KubeletConfiguration and KubeProxyConfiguration field kubeadm
    # prints, in the oldest and the newest kubeadm (schemas/components/)
    for minor in (min(built()), newest):
        printed = run_kubeadm(
            built()[minor], "config", "print", "init-defaults",
            "--component-configs", "KubeletConfiguration,KubeProxyConfiguration", home=Path("/tmp"),
        )
        assert printed.returncode == 0, printed.stderr
        found.append(Base(f"kubeadm-{minor[0]}.{minor[1]}-components", printed.stdout, f"v{minor[0]}.{minor[1]}.0"))
    return found


# --- mutations ------------------------------------------------------------------------

@dataclass(frozen=True)
class Mutation:
    base: str
    operator: str
    where: str
    text: str


Docs = list[Any]
FieldPath = tuple[Any, ...]


def load(text: str) -> Docs:
    return [yaml.safe_load(chunk) for chunk in yaml_chunks(text)]


def dump(documents: Docs) -> str:
    return "---\n".join(yaml.safe_dump(d, sort_keys=False, default_flow_style=False) for d in documents)


def walk(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*path, index))


def at(documents: Docs, path: FieldPath) -> Any:
    value: Any = documents
    for step in path:
        value = value[step]
    return value


def replaced(documents: Docs, path: FieldPath, value: Any) -> Docs:
    changed = copy.deepcopy(documents)
    at(changed, path[:-1])[path[-1]] = value
    return changed


def wrong_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "seven"
    if isinstance(value, int):
        return "seven"
    if isinstance(value, str):
        return 7 if not value.isdigit() else ["x"]
    if isinstance(value, list):
        return "seven"
    return "seven"  # a mapping


def label(path: FieldPath) -> str:
    return f"doc{path[0]}." + ".".join(str(p) for p in path[1:]) if len(path) > 1 else f"doc{path[0]}"


def mutations(base: Base) -> Iterator[Mutation]:
    documents = load(base.text)

    def m(operator: str, where: str, changed: Docs | str) -> Mutation:
        return Mutation(base.name, operator, where, changed if isinstance(changed, str) else dump(changed))

    for index, document in enumerate(documents):
        for path, value in walk(document, (index,)):
            if isinstance(value, dict):
                yield m("unknown-field", label(path), replaced(documents, (*path, "kconfProbe"), "x"))
            if len(path) > 1:
                yield m("wrong-type", label(path), replaced(documents, path, wrong_type(value)))
                yield m("null", label(path), replaced(documents, path, None))
                parent = at(documents, path[:-1])
                if isinstance(parent, dict):
                    changed = copy.deepcopy(documents)
                    del at(changed, path[:-1])[path[-1]]
                    yield m("removed", label(path), changed)
                if path[-1] in ("extraArgs", "kubeletExtraArgs"):
                    if isinstance(value, list):  # v1beta4 list -> v1beta3 map
                        as_map = {item["name"]: item["value"] for item in value} or {"v": "2"}
                        yield m("v1beta3-extraArgs", label(path), replaced(documents, path, as_map))
                    elif isinstance(value, dict):
                        as_list = [{"name": k, "value": v} for k, v in value.items()] or [{"name": "v", "value": "2"}]
                        yield m("v1beta4-extraArgs", label(path), replaced(documents, path, as_list))
        yield m("document-twice", f"doc{index}", [*documents, document])
        for key in ("apiVersion", "kind"):
            changed = copy.deepcopy(documents)
            del changed[index][key]
            yield m(f"no-{key}", f"doc{index}", changed)
    # v1beta4-style args where a golden file has none: one per kind of args field
    for index, document in enumerate(documents):
        if document.get("kind") == "ClusterConfiguration":
            version = document["apiVersion"].rsplit("/", 1)[-1]
            shape = {"v": "2"} if version == "v1beta4" else [{"name": "v", "value": "2"}]
            changed = copy.deepcopy(documents)
            changed[index].setdefault("apiServer", {})["extraArgs"] = shape
            yield m("wrong-version-extraArgs", f"doc{index}.apiServer", changed)
    # duplicate keys, as text: every line of a top-level or nested key repeated
    lines = base.text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if re.match(r"^\s*[A-Za-z]+:\s*\S", line) and not line.lstrip().startswith("- "):
            yield m("duplicate-key", f"line {number + 1}", "".join(lines[: number + 1] + [line] + lines[number + 1 :]))


# --- the verdicts ---------------------------------------------------------------------

def kconf_refusals(path: Path) -> list[str]:
    found, _ = lint_paths([str(path)], settings=Settings())
    return [f"{f.rule}: {f.message}" for f in found if f.rule in REFUSING_RULES and f.severity == ERROR]


@dataclass(frozen=True)
class Outcome:
    mutation: Mutation
    kubeadm_ok: bool
    kubeadm_output: str
    kconf: list[str]

    @property
    def agreed(self) -> bool:
        return self.kubeadm_ok == (not self.kconf)

    def on_purpose(self) -> str | None:
        for name, _why, matcher in ON_PURPOSE:
            if matcher(self.mutation, self.kubeadm_ok, self.kubeadm_output, self.kconf):
                return name
        return None


def judge(all_mutations: list[Mutation], base: Base, folder: Path) -> list[Outcome]:
    binary = kubeadm_for(base.kubernetes_version)
    paths = []
    for number, mutation in enumerate(all_mutations):
        path = folder / f"m{number}" / "kubeadm.yaml"
        path.parent.mkdir()
        path.write_text(mutation.text)
        paths.append(path)
    with ThreadPoolExecutor(4) as pool:
        verdicts = list(pool.map(lambda p: validate(binary, p), paths))
    return [Outcome(m, v.ok, v.output, kconf_refusals(p)) for m, v, p in zip(all_mutations, verdicts, paths)]


def report(outcomes: list[Outcome]) -> list[str]:
    """Disagreements not named in ON_PURPOSE."""
    return [
        f"{o.mutation.operator} at {o.mutation.where}: kubeadm {'accepts' if o.kubeadm_ok else 'refuses: ' + o.kubeadm_output[:300]}; "
        f"kconf {'refuses: ' + '; '.join(o.kconf)[:300] if o.kconf else 'accepts'}"
        for o in outcomes if not o.agreed and o.on_purpose() is None
    ]


def base_ids() -> list[str]:
    return ["ha-init-v1beta4", "vbox-init-v1beta3", "ha-join-cp-v1beta4", "vbox-join-worker-v1beta3",
            "newest-init-defaults", "newest-join-defaults", "newest-reset-defaults",
            "oldest-component-defaults", "newest-component-defaults"]


@pytest.fixture(scope="module")
def all_bases() -> list[Base]:
    return bases()


@pytest.mark.parametrize("index", range(len(base_ids())), ids=base_ids())
def test_the_unmutated_file_is_accepted_by_both(all_bases: list[Base], index: int, tmp_path: Path) -> None:
    base = all_bases[index]
    path = tmp_path / "kubeadm.yaml"
    path.write_text(base.text)
    verdict = validate(kubeadm_for(base.kubernetes_version), path)
    assert verdict.ok, verdict.output
    assert kconf_refusals(path) == []


@pytest.mark.parametrize("index", range(len(base_ids())), ids=base_ids())
def test_every_single_mutation_is_judged_alike(all_bases: list[Base], index: int, tmp_path: Path) -> None:
    base = all_bases[index]
    all_mutations = list(mutations(base))
    assert len(all_mutations) > 40
    outcomes = judge(all_mutations, base, tmp_path)
    record(base.name, outcomes)
    assert report(outcomes) == []
    # each operator is seen refused by kubeadm at least once: the mutations bite
    refused_ops = {o.mutation.operator for o in outcomes if not o.kubeadm_ok}
    assert {"unknown-field", "wrong-type", "no-apiVersion", "no-kind", "document-twice", "duplicate-key"} <= refused_ops


def record(name: str, outcomes: list[Outcome]) -> None:
    tried, agreed = STATS.setdefault(name, [0, 0])
    STATS[name] = [tried + len(outcomes), agreed + sum(o.agreed for o in outcomes)]
    summary = Path(__file__).parent.parent / ".pytest_cache" / "kubeadm-differential.json"
    summary.parent.mkdir(exist_ok=True)
    summary.write_text(json.dumps(STATS, indent=1, sort_keys=True))


@pytest.mark.parametrize("index", range(len(base_ids())), ids=base_ids())
def test_combined_mutations_are_judged_alike(all_bases: list[Base], index: int, tmp_path_factory: pytest.TempPathFactory) -> None:
    base = all_bases[index]
    pool = list(mutations(base))
    structural = [m for m in pool if m.operator not in ("duplicate-key",)]
    seen: list[Outcome] = []

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.sampled_from(structural), min_size=2, max_size=3, unique=True))
    def combined(chosen: list[Mutation]) -> None:
        # apply the chosen mutations one after the other, on the data
        text = base.text
        documents = load(text)
        for mutation in chosen:
            documents = _merge(documents, load(mutation.text))
        mutation = Mutation(base.name, "+".join(m.operator for m in chosen), ", ".join(m.where for m in chosen), dump(documents))
        outcome = judge([mutation], base, tmp_path_factory.mktemp("combined"))[0]
        seen.append(outcome)
        assert report([outcome]) == []

    combined()
    record(base.name, seen)


def _merge(current: Docs, mutated: Docs) -> Docs:
    """Apply what ``mutated`` changed against the base on top of ``current``:
    documents present in both are merged key by key (mutated wins)."""
    if len(mutated) != len(current):
        return mutated if len(mutated) > len(current) else current
    return [_merge_value(c, m) for c, m in zip(current, mutated)]


def _merge_value(current: Any, mutated: Any) -> Any:
    if isinstance(current, dict) and isinstance(mutated, dict):
        merged = {k: _merge_value(current[k], v) if k in current else v for k, v in mutated.items()}
        return merged
    return mutated


# --- component configs: probes with a verdict of their own --------------------------------
# Values kubeadm decodes without judging them (the kubelet or kube-proxy refuses
# them when it starts), and fields of newer minors: (name, Kubernetes version,
# document, kubeadm accepts, kconf refuses, the intended difference or None).

KUBELET = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
PROXY = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
COMPONENT_DIFFERENCES = {
    "component-value": "kubeadm decodes a cgroupDriver or kube-proxy mode without judging it; the kubelet or kube-proxy "
                       "refuses an unknown one when it starts, and kconf's schemas name upstream's values",
}
COMPONENT_PROBES = [
    ("cgroup-driver-systemd", "v1.31.2", KUBELET + "cgroupDriver: systemd\n", True, False, None),
    ("cgroup-driver-unknown", "v1.31.2", KUBELET + "cgroupDriver: Systemd\n", True, True, "component-value"),
    ("proxy-mode-unknown", "v1.31.2", PROXY + "mode: userspace\n", True, True, "component-value"),
    ("proxy-mode-nftables", "v1.31.2", PROXY + "mode: nftables\n", True, False, None),
    ("strict-arp-string", "v1.31.2", PROXY + "mode: ipvs\nipvs:\n  strictARP: \"true\"\n", False, True, None),
    ("duration-not-go", "v1.31.2", KUBELET + "shutdownGracePeriod: 30 seconds\n", False, True, None),
    ("duration-number", "v1.31.2", KUBELET + "shutdownGracePeriod: 30\n", False, True, None),
    ("flush-frequency-nanoseconds", "v1.31.2", KUBELET + "logging:\n  flushFrequency: 5000000000\n", True, False, None),
    ("eviction-quantity-number", "v1.31.2", KUBELET + "evictionHard:\n  memory.available: 100\n", False, True, None),
    ("max-pods-beyond-int32", "v1.31.2", KUBELET + "maxPods: 4294967296\n", False, True, None),
    ("reserved-memory-quantity-number", "v1.31.2",
     KUBELET + "reservedMemory:\n- numaNode: 0\n  limits:\n    memory: 1073741824\n", True, False, None),
    ("new-field-on-old-minor", "v1.31.2", KUBELET + "crashLoopBackOff:\n  maxContainerRestartPeriod: 30s\n", False, True, None),
    ("new-field-on-new-minor", "v1.37.0", KUBELET + "crashLoopBackOff:\n  maxContainerRestartPeriod: 30s\n", True, False, None),
    ("unknown-nested-field", "v1.37.0", PROXY + "ipvs:\n  strictArp: true\n", False, True, None),
]


@pytest.mark.parametrize(
    ("version", "component", "kubeadm_ok", "kconf_refuses", "difference"),
    [pytest.param(*probe[1:], id=probe[0]) for probe in COMPONENT_PROBES],
)
def test_component_probes_are_judged_as_the_table_says(
    tmp_path: Path, version: str, component: str, kubeadm_ok: bool, kconf_refuses: bool, difference: str | None
) -> None:
    require_kubeadm()
    path = tmp_path / "kubeadm.yaml"
    path.write_text(f"apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: {version}\n---\n{component}")
    verdict = validate(kubeadm_for(version), path)
    refusals = kconf_refusals(path)
    assert verdict.ok == kubeadm_ok, verdict.output
    assert bool(refusals) == kconf_refuses, refusals
    assert all(r.startswith("component-config-schema: ") for r in refusals), refusals
    # agreement, or a difference the table names
    assert (verdict.ok == (not refusals)) == (difference is None)
    assert difference is None or difference in COMPONENT_DIFFERENCES
