"""Entry points of the pre-commit hooks that need more than one kconf command
(.pre-commit-hooks.yaml).

``python -m kconf.hooks render-check FILE...`` runs ``kconf render --check``
for every cluster description among FILE and for the description of every
output folder a FILE lies in, so that a hand edit of a rendered file and a
description changed without re-rendering both fail the commit. A description
whose output folder does not exist (never rendered into the repository) is
not checked, as in ``kconf lint``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from kconf.cli import handles_errors
from kconf.console import echo
from kconf.errors import KconfError


def _is_description(path: str) -> bool:
    from kconf.lint.sources import CLUSTER_MARKER, YAML_SUFFIXES

    if not path.endswith(YAML_SUFFIXES) or not os.path.isfile(path):
        return False
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    return CLUSTER_MARKER.search(head) is not None


def descriptions_to_check(paths: Iterable[str]) -> list[str]:
    """Descriptions among ``paths``, and those whose output folder holds one of
    ``paths``, each once, in a stable order."""
    from kconf.lint.sources import description_for

    found: dict[str, None] = {}
    by_folder: dict[Path, str | None] = {}  # an output folder -> its description
    for path in paths:
        if _is_description(path):
            found.setdefault(os.path.normpath(path))
            continue
        folder = Path(path).parent
        if folder not in by_folder:
            by_folder[folder] = description_for(folder) if folder.name else None
        description = by_folder[folder]
        if description is not None:
            found.setdefault(os.path.normpath(description))
    return sorted(found)


def render_check(paths: Sequence[str], echo: Callable[..., Any]) -> int:
    """1 when some output folder is not what its description renders (the
    differing files are named on stderr), else 0."""
    from kconf.description import load_cluster
    from kconf.render import default_output_dir, run_render

    failed = False
    for description in descriptions_to_check(paths):
        try:
            if not default_output_dir(load_cluster(description)).is_dir():
                continue
            failed |= run_render(description, None, check=True, echo=echo) != 0
        except KconfError as exc:
            echo(f"kconf: error: {exc}", err=True)
            failed = True
    return 1 if failed else 0


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """kconf's pre-commit hook entry points."""


@main.command("render-check")
@click.argument("paths", nargs=-1, type=click.Path())
@handles_errors
def render_check_command(paths: tuple[str, ...]) -> int:
    """`kconf render --check` for the descriptions of PATHS (descriptions, or
    files of their output folders)."""
    return render_check(paths, echo)  # what every command prints through: stderr redacted


if __name__ == "__main__":
    main()
