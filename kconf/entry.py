"""The ``kconf`` console script and ``python -m kconf``.

``kconf --version`` is answered here, before click (about 20 ms of imports)
is loaded, with exactly the line click's version option prints; everything
else goes to kconf.commandline (``calico patch`` and ``lint``, parsed without
click when they are written in the plain forms) or the click CLI in
kconf.cli. Keep this module free of imports beyond ``sys`` (and the built-in
``gc``) and the package itself.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from kconf import __version__

        if sys.stdout is not None:  # closed (>&-): click prints nothing either
            sys.stdout.write(f"kconf, version {__version__}\n")
            sys.stdout.flush()
        raise SystemExit(0)
    import gc

    # kconf is a short process that builds much and frees little: with
    # CPython's default (a collection every 700 new containers) the cycle
    # collector took a fifth of a 5,000-node render, and found next to
    # nothing. It still runs, every 200,000 (as mypy sets it).
    gc.set_threshold(200_000, 30, 30)
    from kconf.commandline import run_fast

    run_fast(sys.argv[1:])  # calico patch and lint in their plain forms: no click (it exits)
    from kconf.cli import main as cli

    cli()


def exit_status(code: object) -> int:
    """The status Python gives ``SystemExit(code)``: None is 0, an int
    itself, anything else is printed to stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    if sys.stderr is not None:
        sys.stderr.write(f"{code}\n")
    return 1


def run() -> None:
    """The ``kconf`` script and ``python -m kconf``: main(), then the
    process ends at once, with the status Python would give it, but without
    Python's teardown (freeing every object and module one by one: 15-30 ms
    of a calico patch or a lint, a quarter of their CPU; mypy ends the same
    way). kconf has nothing left to do by then: its files are written,
    closed and synced, no thread runs, no atexit handler of its own is
    registered; stdout and stderr are flushed here, and a failed flush is
    status 120, as Python's own exit makes it."""
    import os

    try:
        main()
        code: object = None
    except SystemExit as exc:
        code = exc.code
    status = exit_status(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            status = 120
    os._exit(status)

