"""File input and output at the edges: bounded reads, atomic writes.

Every write goes to a temporary file in the target's folder and is renamed
over the target, so a reader never sees a half-written file. Writing a set of
files is two-phase: all temporary files are written first, and only when every
one of them is complete are they renamed; a rename that fails puts back the
files renamed before it, so a failure leaves every existing file
byte-identical.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kconf.errors import KconfError
from kconf.yamlio import MAX_BYTES


def read_bytes(path: str) -> bytes:
    """A regular file's bytes, or standard input for ``-``; refuses
    directories, missing paths and files over the size limit."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise KconfError("no such file", path) from None
        except OSError as exc:
            raise KconfError(f"cannot read: {exc.strerror}", path) from None
        if stat.S_ISDIR(st.st_mode):
            raise KconfError("is a directory, not a file", path)
        if not stat.S_ISREG(st.st_mode) and not path.startswith(("/dev/", "/proc/")):
            # opening a FIFO nobody writes to waits for ever; /dev/stdin and
            # /dev/fd/N (a shell's <(...)) are pipes the user asked for
            raise KconfError("is not a regular file (a FIFO, a device or a socket)", path)
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise KconfError(f"cannot read: {exc.strerror}", path) from None
    if len(data) > MAX_BYTES:
        raise KconfError(f"larger than {MAX_BYTES:,} bytes; kconf reads files up to that size", path)
    return data


def read_text(path: str) -> str:
    from kconf.yamlio import decode

    return decode(read_bytes(path), "<stdin>" if path == "-" else path)


@dataclass(frozen=True)
class Output:
    data: bytes
    mode: int | None = None  # None: keep the existing file's mode, else 0644


def _write_temp(target: Path, output: Output) -> Path:
    """The complete temporary file for ``target``; an OSError names the
    target, which the user knows, not the temporary file (a full disk's
    ENOSPC from write or fsync names no file at all)."""
    try:
        return _write_temp_file(target, output)
    except OSError as exc:
        exc.filename, exc.filename2 = str(target), None
        raise


def _user_name(exc: OSError, resolved: Mapping[Path, Path]) -> str | None:
    """The target a failed write is about, as the user named it: never a
    .kconf-tmp or .kconf-old file (a rename's error names both sides)."""
    names = {str(real): str(target) for target, real in resolved.items()}
    for name in (exc.filename2, exc.filename):
        if name is not None and str(name) in names:
            return names[str(name)]
    for name in (exc.filename, exc.filename2):
        if name is not None and not str(name).endswith((".kconf-tmp", ".kconf-old")):
            return str(name)
    return None


def _write_temp_file(target: Path, output: Output) -> Path:
    folder = target.parent
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".kconf-tmp", dir=folder)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(output.data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = output.mode
        if mode is None:
            try:
                mode = stat.S_IMODE(os.stat(target).st_mode)
            except FileNotFoundError:
                mode = 0o644
        os.chmod(temp, mode)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _backup(target: Path) -> Path | None:
    """A hard link to the existing target (same folder), so a rename that
    already replaced it can be undone; None when there is no target."""
    if not target.exists():
        return None
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".kconf-old", dir=target.parent)
    os.close(fd)
    backup = Path(name)
    try:
        try:
            os.unlink(backup)
            os.link(target, backup)
        except OSError:  # a file system without hard links: a copy does
            shutil.copy2(target, backup)
    except BaseException:
        backup.unlink(missing_ok=True)
        raise
    return backup


def _roll_back(done: list[Path], backups: Mapping[Path, Path | None]) -> None:
    """Put back every target an earlier rename replaced (best effort: the
    error being reported is the rename's)."""
    for target in reversed(done):
        backup = backups.get(target)
        try:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        except OSError:
            pass


def write_files(outputs: Mapping[Path, Output], *, follow_symlinks: bool = False) -> None:
    """Write every file or none: temporaries first, then renames; a rename
    that fails undoes the renames before it (the old files are kept as hard
    links until the end), so existing files stay byte-identical.

    A target that is a symbolic link is refused unless ``follow_symlinks``,
    which writes the file the link points to (``--in-place`` on a linked
    manifest)."""
    resolved: dict[Path, Path] = {}
    for target in sorted(outputs):
        if target.is_symlink():
            if not follow_symlinks:
                raise KconfError("is a symbolic link; kconf does not write through links", str(target))
            resolved[target] = target.resolve()
        else:
            resolved[target] = target
        if resolved[target].is_dir():
            raise KconfError("is a directory", str(target))
    temps: dict[Path, Path] = {}
    backups: dict[Path, Path | None] = {}
    done: list[Path] = []
    try:
        for target in sorted(outputs):
            temps[target] = _write_temp(resolved[target], outputs[target])
        if len(outputs) > 1:
            for target in sorted(outputs):
                backups[resolved[target]] = _backup(resolved[target])
        for target in sorted(outputs):
            os.replace(temps[target], resolved[target])
            del temps[target]
            done.append(resolved[target])
    except OSError as exc:
        _roll_back(done, backups)
        raise KconfError(f"cannot write: {exc.strerror or exc}", _user_name(exc, resolved)) from None
    except BaseException:
        _roll_back(done, backups)
        raise
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
        for backup in backups.values():
            if backup is not None:
                backup.unlink(missing_ok=True)


def write_file(target: Path, data: bytes, mode: int | None = None, *, follow_symlinks: bool = False) -> None:
    write_files({target: Output(data, mode)}, follow_symlinks=follow_symlinks)


def write_in_place(target: Path, data: bytes) -> None:
    """``--in-place``: replace ``target`` (through a symbolic link, as
    ``sed -i --follow-symlinks`` does) by a complete temporary file renamed
    over it, keeping its mode, owner and group.

    A file with several hard links is refused: a rename replaces one name
    only, so the other links would silently keep the old content, and
    writing into the file itself instead would give up the guarantee that a
    reader never sees it half-written."""
    real = target.resolve() if target.is_symlink() else target
    try:
        st = os.stat(real)
    except FileNotFoundError:
        raise KconfError("no such file", str(target)) from None
    except OSError as exc:
        raise KconfError(f"cannot read: {exc.strerror}", str(target)) from None
    if not stat.S_ISREG(st.st_mode):
        raise KconfError("is not a regular file; --in-place rewrites regular files only", str(target))
    if st.st_nlink > 1:
        raise KconfError(
            f"has {st.st_nlink} hard links; --in-place would replace this name only and leave the other "
            "links with the old content: write with -o FILE, or break the link first "
            "(cp FILE FILE.new && mv FILE.new FILE)",
            str(target),
        )
    try:
        temp = _write_temp(real, Output(data, stat.S_IMODE(st.st_mode)))
    except OSError as exc:
        raise KconfError(f"cannot write: {exc.strerror or exc}", str(target)) from None
    try:
        mine = os.stat(temp)
        uid = st.st_uid if mine.st_uid != st.st_uid else -1
        gid = st.st_gid if mine.st_gid != st.st_gid else -1
        if uid != -1 or gid != -1:
            try:
                os.chown(temp, uid, gid)
            except PermissionError:
                raise KconfError(
                    f"cannot keep its owner and group ({st.st_uid}:{st.st_gid}): only root or its owner "
                    "can; nothing was written (run as root, or write with -o FILE)",
                    str(target),
                ) from None
            os.chmod(temp, stat.S_IMODE(st.st_mode))  # chown clears set-user-ID and set-group-ID
        os.replace(temp, real)
    except OSError as exc:
        raise KconfError(f"cannot write: {exc.strerror or exc}", str(target)) from None
    finally:
        temp.unlink(missing_ok=True)
