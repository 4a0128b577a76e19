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
