"""kconf/fsio.py's write of many files (SYNC_ONCE_FROM or more, a render of
about 500 nodes and up): the temporaries are written without an fsync each
and put on disk by one syncfs(2) of their file system before any rename.
The guarantee is the one of a smaller write, every file or none, and each new
file on disk before it replaces an old one; these tests hold it to that."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from kconf import fsio
from kconf.errors import KconfError
from kconf.fsio import SYNC_ONCE_FROM, Output, write_files

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs(2) is Linux's")


def outputs(folder: Path, count: int) -> dict[Path, Output]:
    return {folder / f"f-{i:04d}.yaml": Output(f"n: {i}\n".encode(), 0o644 if i % 2 else 0o755) for i in range(count)}


class Calls:
    """Counts os.fsync and the folders synced, around the real calls."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail: OSError | None = None) -> None:
        self.fsyncs = 0
        self.synced: list[Path] = []
        real_fsync, real_syncfs = os.fsync, fsio._syncfs()
        assert real_syncfs is not None, "this libc has syncfs"

        def fsync(fd: int) -> None:
            self.fsyncs += 1
            real_fsync(fd)

        def sync(folder: Path) -> None:
            self.synced.append(folder)
            if fail is not None:
                raise fail
            real_syncfs(folder)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(fsio, "_syncfs", lambda: sync)


def test_the_threshold_is_a_large_render() -> None:
    # a 500-node render writes ~1,000 files; the hardening tests' 40-node renders stay on per-file fsync
    assert SYNC_ONCE_FROM == 1000


def test_many_files_are_synced_once_not_one_by_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    written = outputs(tmp_path, SYNC_ONCE_FROM)
    write_files(written)
    assert (calls.fsyncs, calls.synced) == (0, [tmp_path])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)  # no temporary left
    for path, output in written.items():
        assert (path.read_bytes(), path.stat().st_mode & 0o777) == (output.data, output.mode)


def test_one_file_fewer_is_fsynced_file_by_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    write_files(outputs(tmp_path, SYNC_ONCE_FROM - 1))
    assert (calls.fsyncs, calls.synced) == (SYNC_ONCE_FROM - 1, [])


def test_folders_on_one_file_system_are_synced_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write_files({**outputs(tmp_path / "a", 600), **outputs(tmp_path / "b", 600)})
    assert (calls.fsyncs, calls.synced) == (0, [tmp_path / "a"])


def test_a_failed_sync_writes_nothing_and_names_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = outputs(tmp_path, SYNC_ONCE_FROM)
    write_files(old)
    Calls(monkeypatch, fail=OSError(errno.EIO, os.strerror(errno.EIO), str(tmp_path)))
    new = {path: Output(b"changed\n", 0o600) for path in old}
    with pytest.raises(KconfError) as caught:
        write_files(new)
    assert str(caught.value) == f"{tmp_path}: cannot write: Input/output error"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in old)  # no temporary left
    for path, output in old.items():
        assert (path.read_bytes(), path.stat().st_mode & 0o777) == (output.data, output.mode)


def test_the_real_syncfs_reports_a_folder_that_cannot_be_opened(tmp_path: Path) -> None:
    sync = fsio._syncfs()
    assert sync is not None
    sync(tmp_path)  # the real call succeeds on a folder
    with pytest.raises(OSError) as caught:
        sync(tmp_path / "missing")
    assert caught.value.errno == errno.ENOENT


def test_a_write_error_on_the_way_stops_before_the_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    real = fsio._write_temp_file
    count = 0

    def full_disk(target: Path, output: Output, created: list[Path], sync: bool = True) -> Any:
        nonlocal count
        count += 1
        if count == 700:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(target, output, created, sync)

    monkeypatch.setattr(fsio, "_write_temp_file", full_disk)
    with pytest.raises(KconfError) as caught:
        write_files(outputs(tmp_path, SYNC_ONCE_FROM))
    assert str(caught.value) == f"{tmp_path / 'f-0699.yaml'}: cannot write: No space left on device"
    assert (count, calls.synced, sorted(tmp_path.iterdir())) == (700, [], [])
