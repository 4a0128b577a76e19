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
        missing(f"the Calico corpus is not beside the repository ({CALICO_CORPUS} is missing); CI has ../shared")
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


@pytest.fixture(autouse=True)
def _no_forced_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """FORCE_COLOR in the developer's shell would colour every lint output
    the tests compare as plain text (CliRunner's stdout is no terminal)."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)


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


# --- under CI, a skipped test is a failed test ----------------------------------------
#
# CI (.ci/run exports CI=1) installs every tool and corpus the tests need, so a
# skip there means a check silently did not run. Only the tests below may skip
# under CI, each for a reason that no installation can fix. Keys are node ids
# or node-id prefixes (a whole parametrised family).
ALLOWED_CI_SKIPS: dict[str, str] = {
    # (none today: every test runs under CI; add one with its reason)
}


def _allowed_ci_skip(nodeid: str) -> str | None:
    for prefix, reason in ALLOWED_CI_SKIPS.items():
        if nodeid == prefix or nodeid.startswith(prefix + "[") or nodeid.startswith(prefix + "::"):
            return reason
    return None


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    reason = str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not os.environ.get("CI") or not report.skipped or hasattr(report, "wasxfail"):
        return
    if _allowed_ci_skip(item.nodeid) is not None:
        return
    report.outcome = "failed"
    report.longrepr = (
        f"skipped under CI: {_skip_reason(report)}\n"
        "CI must run every test: install what it needs in .ci/run, or add it to "
        "ALLOWED_CI_SKIPS in tests/conftest.py with the reason"
    )


def pytest_collectreport(report: pytest.CollectReport) -> None:
    # a module or class that skips as a whole
    if os.environ.get("CI") and report.skipped and _allowed_ci_skip(report.nodeid) is None:
        report.outcome = "failed"
        report.longrepr = f"skipped under CI: {_skip_reason(report)}"
