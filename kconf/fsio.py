"""File input and output at the edges: bounded reads, atomic writes.

Every write goes to a temporary file in the target's folder and is renamed
over the target, so a reader never sees a half-written file. Writing a set of
files is two-phase: all temporary files are written first, and only when every
one of them is complete are they renamed; a rename that fails puts back the
files renamed before it, so a failure leaves every existing file
byte-identical.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import stat
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from kconf.errors import KconfError
from kconf.lazyre import lazy
from kconf.yamlio import MAX_BYTES


# Paths that name an open file descriptor: a shell's <(...) (/dev/fd/N) and
# /dev/stdin are pipes the user asked kconf to read, and are read as such.
_DESCRIPTOR_PATH = lazy(r"^/(?:dev/(?:stdin|fd/[0-9]+)|proc/(?:self|[0-9]+)/fd/[0-9]+)$")


def read_bytes(path: str) -> bytes:
    """A regular file's bytes, or standard input for ``-``; refuses
    directories, missing paths, FIFOs, devices and sockets (wherever they
    are, /dev/shm included), and files over the size limit."""
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
        descriptor = bool(_DESCRIPTOR_PATH.match(path))
        if not stat.S_ISREG(st.st_mode) and not descriptor:
            raise KconfError(_NOT_REGULAR, path)
        try:
            # O_NONBLOCK: should the path have become a FIFO since the stat,
            # opening it must not wait for a writer (checked again below)
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | (0 if descriptor else os.O_NONBLOCK))
        except OSError as exc:
            raise KconfError(f"cannot read: {exc.strerror}", path) from None
        with open(fd, "rb") as handle:
            if not descriptor and not stat.S_ISREG(os.fstat(fd).st_mode):
                raise KconfError(_NOT_REGULAR, path)
            try:
                data = handle.read(MAX_BYTES + 1)
            except OSError as exc:
                raise KconfError(f"cannot read: {exc.strerror}", path) from None
    if len(data) > MAX_BYTES:
        raise KconfError(f"larger than {MAX_BYTES:,} bytes; kconf reads files up to that size", path)
    return data


_NOT_REGULAR = "is not a regular file (a FIFO, a device or a socket)"


def read_text(path: str) -> str:
    from kconf.yamlio import decode

    return decode(read_bytes(path), "<stdin>" if path == "-" else path)


class Output(NamedTuple):
    data: bytes
    mode: int | None = None  # None: keep the existing file's mode, else 0644


# --- signals: a stop request waits for a consistent folder --------------------------
#
# SIGTERM (timeout, systemd, docker stop, CI runners), SIGINT and SIGHUP that
# arrive while files are being written are recorded, not acted on. Between two
# temporary files a recorded signal stops the write: the temporaries are
# removed and no target changes. Once the renames have begun they are finished
# (old files kept as hard links until then, so a failing rename still rolls
# back); only then does kconf exit, with 128 + the signal's number. The
# handlers record and never raise, so no exception can land inside a create
# or a rename and lose track of a file.

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


class _Stopped(BaseException):
    """A recorded signal stops a write before its first rename."""


class _SignalState:
    depth = 0
    pending: int | None = None
    saved: dict[int, Any] = {}


def _record(signum: int, frame: Any) -> None:
    if _SignalState.pending is None:
        _SignalState.pending = signum


class SignalsDeferred:
    """Inside this block (reentrant) the stop signals are recorded; leaving
    the outermost block with one recorded ends kconf with 128 + its number.
    Outside the main thread (where Python cannot set handlers) a no-op."""

    def __init__(self) -> None:
        self.active = False

    def __enter__(self) -> SignalsDeferred:
        import threading

        if threading.current_thread() is not threading.main_thread():
            return self
        self.active = True
        if _SignalState.depth == 0:
            _SignalState.pending = None
            _SignalState.saved = {}
            for signum in STOP_SIGNALS:
                _SignalState.saved[signum] = signal.signal(signum, _record)
        _SignalState.depth += 1
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if not self.active:
            return None
        _SignalState.depth -= 1
        if _SignalState.depth > 0:
            return None
        for signum, handler in _SignalState.saved.items():
            signal.signal(signum, handler)
        pending, _SignalState.pending = _SignalState.pending, None
        if pending is None:
            return None
        name = signal.Signals(pending).name
        done = "no file was changed" if isinstance(exc, _Stopped) else "every file was written first"
        try:
            sys.stderr.write(f"kconf: stopped by {name}; {done}\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        raise SystemExit(128 + pending)


def _stop_if_signalled() -> None:
    if _SignalState.pending is not None:
        raise _Stopped()


# --- temporary files: short names, tracked before they exist ------------------------

TEMP_SUFFIX = ".kconf-tmp"  # a new file, not yet renamed over its target
OLD_SUFFIX = ".kconf-old"  # a hard link to a replaced file, until every rename is done


def _new_file(folder: Path, suffix: str, created: list[Path]) -> tuple[int, Path]:
    """Create ``.<random>SUFFIX`` in ``folder`` (0600, exclusive). The name
    is short (a target's own name may be up to NAME_MAX long) and is listed
    in ``created`` before the file exists, so cleanup never misses it."""
    for _ in range(100):
        path = folder / f".{os.urandom(6).hex()}{suffix}"  # secrets.token_hex(6), without importing secrets
        created.append(path)
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600), path
        except FileExistsError:
            created.pop()  # somebody else's
    raise KconfError("cannot create a temporary file (100 names taken)", str(folder))


def _write_temp(target: Path, output: Output, created: list[Path], sync: bool = True) -> Path:
    """The complete temporary file for ``target`` (on disk when ``sync``);
    an OSError names the target, which the user knows, not the temporary
    file (a full disk's ENOSPC from write or fsync names no file at all)."""
    try:
        return _write_temp_file(target, output, created, sync)
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
        if name is not None and not str(name).endswith((TEMP_SUFFIX, OLD_SUFFIX)):
            return str(name)
    return None


def _write_temp_file(target: Path, output: Output, created: list[Path], sync: bool = True) -> Path:
    fd, temp = _new_file(target.parent, TEMP_SUFFIX, created)
    with os.fdopen(fd, "wb") as handle:
        handle.write(output.data)
        handle.flush()
        if sync:
            os.fsync(handle.fileno())
    mode = output.mode
    if mode is None:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o644
    os.chmod(temp, mode)
    return temp


def _backup(target: Path, created: list[Path]) -> Path | None:
    """A hard link to the existing target (same folder), so a rename that
    already replaced it can be undone; None when there is no target."""
    if not target.exists():
        return None
    fd, backup = _new_file(target.parent, OLD_SUFFIX, created)
    os.close(fd)
    try:
        os.unlink(backup)
        os.link(target, backup)
    except OSError:  # a file system without hard links: a copy does
        import shutil

        shutil.copy2(target, backup)
    return backup


def _remove(created: list[Path]) -> None:
    """Remove the temporaries and backups a write made (best effort: one
    already renamed, or never created, is not there)."""
    for path in created:
        try:
            os.unlink(path)
        except OSError:
            pass


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
    links until the end), so existing files stay byte-identical. A stop
    signal is handled as SignalsDeferred says: before the first rename it
    stops the write, after it the write is finished first.

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
    created: list[Path] = []  # every temporary and backup name, for the cleanup
    backups: dict[Path, Path | None] = {}
    done: list[Path] = []
    with SignalsDeferred():
        temps: dict[Path, Path] = {}
        try:
            temps = _write_temps(outputs, resolved, created)
            _stop_if_signalled()
            # from here on a signal waits until every rename is done
            if len(outputs) > 1:
                for target in sorted(outputs):
                    backups[resolved[target]] = _backup(resolved[target], created)
            for target in sorted(outputs):
                os.replace(temps[target], resolved[target])
                done.append(resolved[target])
        except OSError as exc:
            _roll_back(done, backups)
            raise KconfError(f"cannot write: {exc.strerror or exc}", _user_name(exc, resolved)) from None
        except BaseException:
            _roll_back(done, backups)
            raise
        finally:
            _remove(created)  # a renamed temporary no longer exists under its name


# fsync is most of a write's cost (a journal commit each, ~5 ms on ext4), and
# concurrent fsyncs share a commit: temporaries are written by a few threads.
# 10,000 files of a 5,000-node render: 45 s one by one, under 3 s in parallel.
WRITER_THREADS = 8
# From this many files the temporaries are written without an fsync each and
# then put on disk by one syncfs(2) of each file system they are on, before any
# rename: the same guarantee (every new file is on disk before it replaces an
# old one) for one journal commit instead of one a file. The 10,004 files of a
# 5,000-node render into a new folder: 6.1 s -> 3.8 s of CPU here (system time
# 2.5 s -> 0.75 s). Linux only (where syncfs is missing, every file is fsynced
# as below).
SYNC_ONCE_FROM = 1000


def _syncfs() -> Callable[[Path], None] | None:
    """syncfs(2) of the file system a folder is on, raising OSError (with
    the folder's name) when it fails; None where libc has no syncfs."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.syncfs
    except (OSError, AttributeError, ImportError):
        return None

    def sync(folder: Path) -> None:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            # since Linux 5.8 syncfs reports the file system's write-back errors (EIO, ENOSPC)
            if call(fd) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code), str(folder))
        finally:
            os.close(fd)

    return sync


def _sync_folders(folders: list[Path], sync: Callable[[Path], None]) -> None:
    """One sync of each file system the folders are on."""
    seen: set[int] = set()
    for folder in folders:
        device = os.stat(folder).st_dev
        if device not in seen:
            seen.add(device)
            sync(folder)


def _write_temps(outputs: Mapping[Path, Output], resolved: Mapping[Path, Path], created: list[Path]) -> dict[Path, Path]:
    """The temporary file of every target (phase one of write_files). A
    recorded stop signal or a failed write stops the writes not yet begun;
    every write begun is finished (its name is in ``created``) before this
    returns or raises the first error, in target order."""
    targets = sorted(outputs)
    syncfs = _syncfs() if len(targets) >= SYNC_ONCE_FROM else None
    if len(targets) <= 1 or syncfs is not None:
        temps: dict[Path, Path] = {}
        for target in targets:
            _stop_if_signalled()
            temps[target] = _write_temp(resolved[target], outputs[target], created, sync=syncfs is None)
        if syncfs is not None:
            _sync_folders(sorted({resolved[target].parent for target in targets}), syncfs)
        return temps
    from concurrent.futures import ThreadPoolExecutor

    failed: list[BaseException] = []

    def write(target: Path) -> Path:
        if failed:
            raise _Skipped()
        try:
            _stop_if_signalled()
            return _write_temp(resolved[target], outputs[target], created)
        except BaseException as exc:
            failed.append(exc)
            raise

    with ThreadPoolExecutor(max_workers=min(WRITER_THREADS, len(targets))) as pool:
        futures = [(target, pool.submit(write, target)) for target in targets]
    # the pool has finished: no write is still creating a file
    errors = [f.exception() for _, f in futures]
    first = next((e for e in errors if e is not None and not isinstance(e, _Skipped)), None)
    if first is not None:
        raise first
    return {target: future.result() for target, future in futures}


class _Skipped(Exception):
    """A write not begun because another one failed."""


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
    created: list[Path] = []
    try:
        temp = _write_temp(real, Output(data, stat.S_IMODE(st.st_mode)), created)
    except OSError as exc:
        for path in created:
            path.unlink(missing_ok=True)
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


def write_new_file(target: Path, data: bytes, what: str = "kconf") -> None:
    """Create ``target`` with ``data`` atomically, never replacing anything
    there (a file, a directory, a symbolic link, even a dangling one): the
    complete temporary file is hard-linked to the name, which the kernel
    refuses when the name exists, so a file that appears meanwhile is not
    lost either. A file system without hard links gets a rename after a
    last check. ``what`` names the command in the error."""
    refused = f"exists; {what} never overwrites a file (remove it, or name another file)"
    if os.path.lexists(target):
        raise KconfError(refused, str(target))
    created: list[Path] = []
    with SignalsDeferred():
        try:
            temp = _write_temp(target, Output(data, 0o644), created)
            _stop_if_signalled()
            try:
                os.link(temp, target)
            except FileExistsError:
                raise KconfError(refused, str(target)) from None
            except OSError as exc:
                if exc.errno not in _NO_HARD_LINKS:
                    raise
                if os.path.lexists(target):
                    raise KconfError(refused, str(target)) from None
                os.replace(temp, target)
        except OSError as exc:
            raise KconfError(f"cannot write: {exc.strerror or exc}", str(target)) from None
        finally:
            _remove(created)


# link(2) on a file system that has no hard links (vfat, some FUSE and network file systems)
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK})
