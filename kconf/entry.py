"""The ``kconf`` console script and ``python -m kconf``.

``kconf --version`` is answered here, before click (about 20 ms of imports)
is loaded, with exactly the line click's version option prints; everything
else goes to the click CLI in kconf.cli. Keep this module free of imports
beyond ``sys`` and the package itself.
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
    from kconf.cli import main as cli

    cli()
