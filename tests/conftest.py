"""Shared test helpers: repository paths, the ../shared corpus, the CLI runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "golden"
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"
CALICO_CORPUS = SHARED / "corpus" / "calico"


def golden_cases() -> list[Path]:
    return sorted(p.parent for p in GOLDEN.glob("*/cluster.yaml"))


def require_corpus() -> Path:
    if not CALICO_CORPUS.is_dir():
        pytest.skip(f"the Calico corpus is not beside the repository ({CALICO_CORPUS} is missing); CI has ../shared")
    return CALICO_CORPUS


def missing(reason: str) -> None:
    """A test cannot run here: skip on a developer's machine, fail under CI
    (CI installs every tool the tests need, so a missing one is a CI bug)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}, but CI must run this test (.ci/run installs what the tests need)", pytrace=False)
    pytest.skip(reason)


def require_tool(name: str, path: str | None = None) -> str:
    """The full path of a program the test runs (missing() when absent)."""
    found = shutil.which(name) or (shutil.which(name, path=path) if path else None)
    if found is None:
        missing(f"{name} is not installed")
    assert found is not None
    return found


def run_cli(*args: str, input: str | None = None) -> Result:
    from kconf.cli import main

    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """write("name", text) -> Path in tmp_path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    return _write
