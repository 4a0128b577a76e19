"""The compiled-template cache (kconf.resources): in the user's cache folder,
never the working folder; the same bytes cold, warm, corrupt or unwritable."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

from conftest import GOLDEN
from kconf import resources

CASE = GOLDEN / "ha-haproxy"


def rendered() -> dict[str, bytes]:
    from kconf.description import read_description
    from kconf.lint.model import cluster_source
    from kconf.render import render_files

    path = str(CASE / "cluster.yaml")
    document, text = read_description(path)
    cluster = cluster_source(path, text, document).cluster
    assert cluster is not None
    return {name: file.data for name, file in render_files(cluster).items()}


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A cache folder of its own, and no environment built before."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    resources.template_environment.cache_clear()
    yield tmp_path / "cache" / "kconf"
    resources.template_environment.cache_clear()


EXPECTED = {path.name: path.read_bytes() for path in (CASE / "cka").iterdir()}


def test_cache_folder_is_the_users(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert resources.cache_dir() == tmp_path / "kconf"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # not absolute: ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resources.cache_dir() == tmp_path / "home" / ".cache" / "kconf"


def test_warm_cache_gives_the_same_bytes_without_compiling(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert rendered() == EXPECTED
    (folder,) = fresh.iterdir()
    assert folder.name.startswith("templates-") and len(list(folder.glob("*.cache"))) == 4  # PLAN.md, haproxy.cfg, hosts, join.sh
    resources.template_environment.cache_clear()

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled although cached")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    assert rendered() == EXPECTED


def test_corrupt_cache_is_compiled_again(fresh: Path) -> None:
    rendered()
    for entry in next(fresh.iterdir()).iterdir():
        entry.write_bytes(entry.read_bytes()[:20] + b"\x00garbage")
    resources.template_environment.cache_clear()
    assert rendered() == EXPECTED


def test_unwritable_cache_is_no_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    resources.template_environment.cache_clear()
    try:
        assert rendered() == EXPECTED
    finally:
        resources.template_environment.cache_clear()
    assert sorted(os.listdir(tmp_path)) == ["file"]
