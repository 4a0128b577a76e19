"""calico-kubernetes-support and its table (kconf/calico/support.py): a Calico
minor that its System requirements page does not list as tested against the
cluster's Kubernetes minor.

Inputs: descriptions in manifest mode whose spec.calico.manifest is an
upstream manifest of ../shared/corpus/calico (the finding is at the rendered
calico.yaml's calico-node image), descriptions in operator mode with
spec.calico.version, and the golden cases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import GOLDEN, golden_cases, require_corpus
from kconf.calico import support
from kconf.calico.support import TESTED, listing, shown
from kconf.lint.model import WARNING
from kconf.lint.rules import RULES
from lintkit import BASE_CLUSTER, lint, render_into

RULE = "calico-kubernetes-support"
IMAGE = "          image: "  # the calico-node container's image key in every corpus calico*.yaml


def description(kubernetes: str, calico: str) -> str:
    text = BASE_CLUSTER.replace("v1.31.2", kubernetes).replace("  networking:\n", f"  calico:\n{calico}  networking:\n")
    assert kubernetes in text
    return text


def manifest_mode(root: Path, corpus_manifest: str, kubernetes: str) -> Path:
    """Render a description whose upstream manifest is a corpus file; returns the rendered calico.yaml."""
    shutil.copy(require_corpus() / corpus_manifest, root / "upstream.yaml")
    # calico-vxlan.yaml runs calico-node without BIRD: kconf refuses IPIP, its default, there
    encapsulation = "    encapsulation: VXLANCrossSubnet\n" if "vxlan" in corpus_manifest else ""
    out = render_into(root, description(kubernetes, "    mode: manifest\n    manifest: upstream.yaml\n" + encapsulation))
    return out / "calico.yaml"


def messages(root: Path) -> list[tuple[str, int, int, str]]:
    """(file relative to root, line, column, message) of the rule's findings."""
    return [(str(Path(f.path).relative_to(root)), f.line, f.column, f.message) for f in lint(root / "cluster.yaml", select=RULE)]


def image_line(path: Path) -> tuple[int, int]:
    """(line, column of the value) of the calico-node container's image (init containers run calico/node too)."""
    lines = path.read_text().splitlines()
    found = [n + 1 for n, line in enumerate(lines[1:], start=1)
             if lines[n - 1] == "        - name: calico-node" and line.startswith(IMAGE)]
    assert len(found) == 1, found
    return found[0], len(IMAGE) + 1


# --- the table ------------------------------------------------------------------------------------


def test_the_table_covers_the_calico_minors_whose_statement_was_found() -> None:
    assert sorted(TESTED) == [(3, 20)] + [(3, m) for m in range(23, 33)]
    for calico, minors in TESTED.items():
        assert minors == tuple(sorted(set(minors))) and all(k[0] == 1 for k in minors), calico
        # every list is a run of consecutive minors (what the pages publish)
        assert [k[1] for k in minors] == list(range(minors[0][1], minors[-1][1] + 1)), calico


def test_the_table_rows_written_down() -> None:
    rows = {f"v{c[0]}.{c[1]}": shown(m) for c, m in TESTED.items()}
    assert rows == {
        "v3.20": "1.19-1.21", "v3.23": "1.21-1.23", "v3.24": "1.22-1.25", "v3.25": "1.23-1.28",
        "v3.26": "1.24-1.28", "v3.27": "1.27-1.29", "v3.28": "1.27-1.30", "v3.29": "1.29-1.32",
        "v3.30": "1.31-1.35", "v3.31": "1.32-1.35", "v3.32": "1.32-1.36",
    }


def test_every_row_names_its_source() -> None:
    source = Path(support.__file__).read_text()
    for calico in TESTED:
        comment = source.split(f"    ({calico[0]}, {calico[1]}): (")[0].rsplit("\n\n", 1)[-1].rsplit("),\n", 1)[-1]
        assert f"# v{calico[0]}.{calico[1]}:" in comment, calico
        assert any(s in comment for s in ("tigera/docs", "projectcalico/calico", "kubernetes/kops")), calico


@pytest.mark.parametrize(
    ("calico", "expected"),
    [
        pytest.param((3, 31), ((1, 32), (1, 33), (1, 34), (1, 35)), id="v3.31"),
        pytest.param((3, 20, 1), ((1, 19), (1, 20), (1, 21)), id="patch-ignored"),
        pytest.param((3, 21), None, id="v3.21-no-statement"),
        pytest.param((3, 22), None, id="v3.22-no-statement"),
        pytest.param((3, 19), None, id="before-v3.20"),
        pytest.param((3, 33), None, id="after-v3.32"),
    ],
)
def test_tested(calico: tuple[int, ...], expected: tuple[tuple[int, int], ...] | None) -> None:
    assert support.tested(calico) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kubernetes", "expected"),
    [
        pytest.param((1, 19), [(3, 20)], id="1.19"),
        pytest.param((1, 22), [(3, 23), (3, 24)], id="1.22"),
        pytest.param((1, 28), [(3, 25), (3, 26), (3, 27), (3, 28)], id="1.28"),
        pytest.param((1, 31), [(3, 29), (3, 30)], id="1.31"),
        pytest.param((1, 36), [(3, 32)], id="1.36"),
        pytest.param((1, 37), [], id="1.37"),
        pytest.param((1, 18), [], id="1.18"),
    ],
)
def test_listing(kubernetes: tuple[int, int], expected: list[tuple[int, int]]) -> None:
    assert list(listing(kubernetes)) == expected


def test_shown() -> None:
    assert shown(((1, 32), (1, 33), (1, 34))) == "1.32-1.34"
    assert shown(((1, 19), (1, 21))) == "1.19, 1.21"
    assert shown(((1, 30), (1, 31))) == "1.30, 1.31"
    assert shown(((1, 30),)) == "1.30"


# --- the rule -------------------------------------------------------------------------------------


def test_the_rule_is_registered_and_documented() -> None:
    rule = RULES[RULE]
    assert rule.severity == WARNING
    doc = rule.documentation
    assert "Why:" in doc and "Fix:" in doc and "kconf/calico/support.py" in doc


MANIFEST_TRIGGERS = [
    pytest.param("v3.20.1/calico.yaml", "v1.22.17",
                 "Calico v3.20 (calico-node image docker.io/calico/node:v3.20.1) is tested against Kubernetes 1.19-1.21, "
                 "not 1.22 (kubernetesVersion v1.22.17): use Calico v3.23 or v3.24, which are tested against 1.22",
                 id="v3.20-on-1.22"),
    pytest.param("v3.24.6/calico.yaml", "v1.31.2",
                 "Calico v3.24 (calico-node image docker.io/calico/node:v3.24.5) is tested against Kubernetes 1.22-1.25, "
                 "not 1.31 (kubernetesVersion v1.31.2): use Calico v3.29 or v3.30, which are tested against 1.31",
                 id="v3.24-on-1.31"),
    pytest.param("v3.26.5/calico-vxlan.yaml", "v1.23.17",
                 "Calico v3.26 (calico-node image docker.io/calico/node:v3.26.5) is tested against Kubernetes 1.24-1.28, "
                 "not 1.23 (kubernetesVersion v1.23.17): use Calico v3.23, v3.24 or v3.25, which are tested against 1.23",
                 id="v3.26-on-1.23"),
    pytest.param("v3.28.5/calico-typha.yaml", "v1.26.15",
                 "Calico v3.28 (calico-node image docker.io/calico/node:v3.28.5) is tested against Kubernetes 1.27-1.30, "
                 "not 1.26 (kubernetesVersion v1.26.15): use Calico v3.25 or v3.26, which are tested against 1.26",
                 id="v3.28-on-1.26"),
    pytest.param("v3.31.7/calico.yaml", "v1.31.2",
                 "Calico v3.31 (calico-node image quay.io/calico/node:v3.31.7) is tested against Kubernetes 1.32-1.35, "
                 "not 1.31 (kubernetesVersion v1.31.2): use Calico v3.29 or v3.30, which are tested against 1.31",
                 id="v3.31-on-1.31"),
    pytest.param("v3.32.1/calico.yaml", "v1.37.0",
                 "Calico v3.32 (calico-node image quay.io/calico/node:v3.32.1) is tested against Kubernetes 1.32-1.36, "
                 "not 1.37 (kubernetesVersion v1.37.0): no Calico release of kconf's table (v3.20 to v3.32) "
                 "is tested against 1.37",
                 id="v3.32-on-1.37"),
]


@pytest.mark.parametrize(("corpus_manifest", "kubernetes", "message"), MANIFEST_TRIGGERS)
def test_manifest_mode_triggers(tmp_path: Path, corpus_manifest: str, kubernetes: str, message: str) -> None:
    rendered = manifest_mode(tmp_path, corpus_manifest, kubernetes)
    line, column = image_line(rendered)
    assert messages(tmp_path) == [("lab/calico.yaml", line, column, message)]


MANIFEST_MUST_NOT = [
    pytest.param("v3.24.6/calico.yaml", "v1.25.16", id="v3.24-on-1.25"),
    pytest.param("v3.26.5/calico-typha.yaml", "v1.28.15", id="v3.26-on-1.28"),
    pytest.param("v3.28.5/calico-vxlan.yaml", "v1.27.16", id="v3.28-on-1.27"),
    pytest.param("v3.31.7/calico-typha.yaml", "v1.35.0", id="v3.31-on-1.35"),
    pytest.param("v3.32.1/calico-vxlan.yaml", "v1.32.9", id="v3.32-on-1.32"),
    pytest.param("v3.32.1/calico.yaml", "v1.36.0", id="v3.32-on-1.36"),
]


@pytest.mark.parametrize(("corpus_manifest", "kubernetes"), MANIFEST_MUST_NOT)
def test_manifest_mode_must_not(tmp_path: Path, corpus_manifest: str, kubernetes: str) -> None:
    manifest_mode(tmp_path, corpus_manifest, kubernetes)
    assert messages(tmp_path) == []


def test_the_manifest_image_wins_over_spec_calico_version(tmp_path: Path) -> None:
    """In manifest mode the image is what runs: a spec.calico.version beside it is not checked."""
    shutil.copy(require_corpus() / "v3.31.7/calico.yaml", tmp_path / "upstream.yaml")
    render_into(tmp_path, description("v1.35.0", "    mode: manifest\n    manifest: upstream.yaml\n    version: v3.24.6\n"))
    assert messages(tmp_path) == []


def test_spec_calico_version_without_the_manifest_in_the_group(tmp_path: Path) -> None:
    """The description alone (not rendered, so no calico.yaml to read): spec.calico.version."""
    (tmp_path / "cluster.yaml").write_text(
        description("v1.35.0", "    mode: manifest\n    manifest: upstream.yaml\n    version: v3.24.6\n"))
    shutil.copy(require_corpus() / "v3.24.6/calico.yaml", tmp_path / "upstream.yaml")
    [(path, line, _, message)] = messages(tmp_path)
    assert (path, line) == ("cluster.yaml", 12)
    assert message == (
        "Calico v3.24 (spec.calico.version v3.24.6) is tested against Kubernetes 1.22-1.25, not 1.35 "
        "(kubernetesVersion v1.35.0): use Calico v3.30, v3.31 or v3.32, which are tested against 1.35"
    )


OPERATOR_TRIGGERS = [
    pytest.param("v1.31.2", "v3.31.7",
                 "Calico v3.31 (spec.calico.version v3.31.7) is tested against Kubernetes 1.32-1.35, not 1.31 "
                 "(kubernetesVersion v1.31.2): use Calico v3.29 or v3.30, which are tested against 1.31",
                 id="v3.31-on-1.31"),
    pytest.param("v1.24.17", "v3.23.5",
                 "Calico v3.23 (spec.calico.version v3.23.5) is tested against Kubernetes 1.21-1.23, not 1.24 "
                 "(kubernetesVersion v1.24.17): use Calico v3.24, v3.25 or v3.26, which are tested against 1.24",
                 id="v3.23-on-1.24"),
    pytest.param("v1.26.15", "v3.27.5",
                 "Calico v3.27 (spec.calico.version v3.27.5) is tested against Kubernetes 1.27-1.29, not 1.26 "
                 "(kubernetesVersion v1.26.15): use Calico v3.25 or v3.26, which are tested against 1.26",
                 id="v3.27-on-1.26"),
    pytest.param("v1.36.0", "v3.30.7",
                 "Calico v3.30 (spec.calico.version v3.30.7) is tested against Kubernetes 1.31-1.35, not 1.36 "
                 "(kubernetesVersion v1.36.0): use Calico v3.32, which is tested against 1.36",
                 id="v3.30-on-1.36"),
    pytest.param("v1.30.6", "v3.20.6",
                 "Calico v3.20 (spec.calico.version v3.20.6) is tested against Kubernetes 1.19-1.21, not 1.30 "
                 "(kubernetesVersion v1.30.6): use Calico v3.28 or v3.29, which are tested against 1.30",
                 id="v3.20-on-1.30"),
]


@pytest.mark.parametrize(("kubernetes", "calico", "message"), OPERATOR_TRIGGERS)
def test_operator_mode_triggers(tmp_path: Path, kubernetes: str, calico: str, message: str) -> None:
    render_into(tmp_path, description(kubernetes, f"    mode: operator\n    version: {calico}\n"))
    assert messages(tmp_path) == [("cluster.yaml", 11, 14, message)]


OPERATOR_MUST_NOT = [
    pytest.param("v1.31.2", "    mode: operator\n", id="no-version"),
    pytest.param("v1.31.2", "    mode: operator\n    version: v3.30.7\n", id="v3.30-on-1.31"),
    pytest.param("v1.32.1", "    mode: operator\n    version: v3.29.6\n", id="v3.29-on-1.32"),
    pytest.param("v1.32.1", "    mode: operator\n    version: v3.31.7\n", id="v3.31-on-1.32"),
    pytest.param("v1.37.0", "    mode: operator\n    version: v3.21.6\n", id="v3.21-no-statement"),
    pytest.param("v1.22.17", "    mode: operator\n    version: v3.22.5\n", id="v3.22-no-statement"),
    pytest.param("v1.22.17", "    mode: operator\n    version: v3.19.4\n", id="before-v3.20"),
    pytest.param("v1.22.17", "    mode: operator\n    version: v3.33.0\n", id="after-v3.32"),
]


@pytest.mark.parametrize(("kubernetes", "calico"), OPERATOR_MUST_NOT)
def test_operator_mode_must_not(tmp_path: Path, kubernetes: str, calico: str) -> None:
    render_into(tmp_path, description(kubernetes, calico))
    assert messages(tmp_path) == []


def test_a_kubeadm_cluster_configuration_gives_the_kubernetes_version(tmp_path: Path) -> None:
    """A description without a model (spec is no mapping): the rendered
    kubeadm-init.yaml's ClusterConfiguration gives the Kubernetes version."""
    rendered = manifest_mode(tmp_path, "v3.28.5/calico.yaml", "v1.33.1")
    text = (tmp_path / "cluster.yaml").read_text()
    (tmp_path / "cluster.yaml").write_text(text.replace("spec:\n", "spec: 1\nspecification:\n", 1))
    line, column = image_line(rendered)
    [finding] = lint(tmp_path, select=RULE)
    assert (finding.path, finding.line, finding.column) == (str(rendered), line, column)
    assert finding.message == (
        "Calico v3.28 (calico-node image docker.io/calico/node:v3.28.5) is tested against Kubernetes 1.27-1.30, "
        f"not 1.33 (kubernetesVersion v1.33.1 of {tmp_path / 'lab' / 'kubeadm-init.yaml'}): "
        "use Calico v3.30, v3.31 or v3.32, which are tested against 1.33"
    )


def test_a_standalone_manifest_says_nothing(tmp_path: Path) -> None:
    shutil.copy(require_corpus() / "v3.20.1/calico.yaml", tmp_path / "calico.yaml")
    assert lint(tmp_path / "calico.yaml", select=RULE) == []


@pytest.mark.parametrize("case", [p.name for p in golden_cases()])
def test_golden_cases_are_within_the_support_table(case: str) -> None:
    assert lint(GOLDEN / case, select=RULE) == []
