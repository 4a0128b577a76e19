"""What the commands print through, and how a command ends: without click.

Both command lines use this module: click's (kconf.cli) and the click-free
one that parses the options of ``kconf calico patch`` and ``kconf lint``
(kconf.commandline; click costs 20-30 ms of imports at every start, a
third of a pre-commit hook's run). So a command prints the same bytes and
exits with the same status whichever parsed its options.

``echo`` writes as click.echo does on a POSIX system: str to the text
stream, bytes to its binary buffer, ANSI escape sequences stripped unless
the stream is a terminal or colour is asked for, and UTF-8 (errors
replaced) when the stream was opened for ASCII. What goes to stderr is
redacted (stdout carries the command's output, which is data).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

from kconf.errors import KconfError
from kconf.lazyre import lazy
from kconf.secrets import TOKEN, redact  # tiny (re only); needed even when memory is short

if TYPE_CHECKING:
    from collections.abc import Callable

# A CSI sequence, as click 8.5 strips it
_ANSI = lazy(r"\033\[[0-?]*[ -/]*[@-~]")

STDOUT = "standard output"


def _redacted(message: Any) -> Any:
    """A message for stderr with bootstrap tokens and certificate keys
    redacted: an error may quote a value the user wrote, and that value may
    be a secret (a token pasted into the wrong field)."""
    if not isinstance(message, str):
        return message
    # a message may quote a piece of a value again ("names a .<secret> file")
    secret_parts = {match.group(2) for match in TOKEN.finditer(message)}
    message = redact(message)
    for part in secret_parts:
        message = message.replace(part, "*" * len(part))
    return message


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:
        return False


def _binary(stream: Any) -> Any:
    """The binary stream under a text stream (None when there is none)."""
    buffer = getattr(stream, "buffer", None)
    return buffer if buffer is not None and hasattr(buffer, "write") else None


def _is_ascii(encoding: str | None) -> bool:
    import codecs

    try:
        return codecs.lookup(encoding or "ascii").name == "ascii"
    except LookupError:
        return False


def write(message: Any = None, *, err: bool = False, nl: bool = True, color: bool | None = None) -> None:
    """click.echo without click: ``message`` and a line break (``nl``) to
    stdout or stderr, flushed; nothing when the stream is closed (None)."""
    stream: Any = sys.stderr if err else sys.stdout
    if stream is None:
        return
    out: str | bytes
    if isinstance(message, (str, bytes)):
        out = message
    elif isinstance(message, bytearray):
        out = bytes(message)
    else:
        out = "" if message is None else str(message)
    if nl:
        out = out + "\n" if isinstance(out, str) else out + b"\n"
    if not out:
        stream.flush()
        return
    if isinstance(out, str):
        if not color if color is not None else not _isatty(stream):
            out = _ANSI.sub("", out)
        binary = _binary(stream) if _is_ascii(getattr(stream, "encoding", None)) else None
        if binary is None:
            stream.write(out)
            stream.flush()
            return
        out = out.encode("utf-8", "replace")
    else:
        binary = _binary(stream)
        if binary is None:  # as click: the text stream is given the bytes (and says what it thinks)
            stream.write(out)
            stream.flush()
            return
    stream.flush()
    binary.write(out)
    binary.flush()


def _stdout_error(exc: OSError) -> KconfError:
    # What is left in the buffer would fail again when Python flushes it at
    # exit (and turn exit 2 into 120): point fd 1 at /dev/null first.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
    return KconfError(f"cannot write: {exc.strerror or exc}", STDOUT)


def require_stdout() -> None:
    """A command whose output goes to stdout refuses to run with it closed
    (``>&-``): it would exit 0 having written nothing."""
    if sys.stdout is None:
        raise KconfError("standard output is closed; nothing was written (use -o FILE, or give the command an output)")


def echo(message: Any = None, **kwargs: Any) -> None:
    """What the core functions print through; what goes to stderr is
    redacted. A failed write to stdout (a full disk, ``> /dev/full``, a
    closed descriptor) is an error."""
    if kwargs.get("err"):
        write(_redacted(message), **kwargs)
        return
    require_stdout()
    try:
        write(message, **kwargs)
    except OSError as exc:  # ENOSPC, EPIPE (`| head`), EBADF, EIO
        raise _stdout_error(exc) from None


def _passes_through(exc: BaseException) -> bool:
    """click's own exceptions (a usage error, an exit), raised only when
    click parsed the command line: click reports them."""
    click = sys.modules.get("click")
    return click is not None and isinstance(exc, (click.exceptions.Exit, click.ClickException))


def run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> NoReturn:
    """Run a command's core function and exit: with the int it returns, 2 on
    a KconfError (the user's mistake, printed as ``kconf: error: ...``), 2
    with a one-line message on anything unexpected (the traceback only with
    KCONF_DEBUG=1)."""
    try:
        code = func(*args, **kwargs)
    except KconfError as exc:
        echo(f"kconf: error: {exc}", err=True)
        sys.exit(2)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        write("kconf: interrupted", err=True)
        sys.exit(2)
    except MemoryError:
        # reported below, once leaving this block has freed the frames
        # that hold the memory (a message needs some)
        if os.environ.get("KCONF_DEBUG"):
            raise
    except Exception as exc:  # a bug in kconf, not the user's mistake
        if _passes_through(exc) or os.environ.get("KCONF_DEBUG"):
            raise
        echo(
            f"kconf: internal error: {type(exc).__name__}: {exc} "
            "(please report it; KCONF_DEBUG=1 shows the traceback)",
            err=True,
        )
        sys.exit(2)
    else:
        sys.exit(code or 0)
    write("kconf: error: out of memory: the input is too large for the memory available", err=True)
    sys.exit(2)
