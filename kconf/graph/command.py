"""``kconf graph CLUSTER [-o FILE.svg]``: read, lint as render does, draw, write."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kconf.errors import KconfError
from kconf.wording import counted


def run_graph(cluster_path: str, output: str | None, *, echo: Callable[..., Any]) -> int:
    """Draw the description; its findings go on the picture and, as render
    prints them, to stderr. Exit 0 when drawn (findings do not stop a
    picture: showing them is its point); 2 when the description cannot be
    modelled."""
    from kconf.graph.marks import marks
    from kconf.graph.picture import cluster_svg
    from kconf.lint.model import ERROR
    from kconf.lint.reporters import TextReporter
    from kconf.render import lint_description

    display = os.path.normpath(cluster_path)
    linted = lint_description(cluster_path, None)
    findings = linted.findings
    cluster = linted.cluster
    if cluster is None:
        errors = sum(f.severity == ERROR for f in findings)
        if not errors:
            raise KconfError("not a usable cluster description", display)
        echo(f"kconf: error: {display}: the description cannot be drawn ({counted(errors, 'error')}):", err=True)
        echo(TextReporter(color=False).render(findings, 1), nl=False, err=True)
        return 2
    if findings:
        echo(TextReporter(color=False).render(findings, 1), nl=False, err=True)
    picture = cluster_svg(cluster, marks(cluster, display, findings), posixpath.basename(display)).encode()
    if output is None:
        echo(picture.decode(), nl=False)
        return 0
    from kconf.fsio import write_file

    if _same_file(output, cluster_path):
        raise KconfError("is the cluster description; write the picture to another file (-o FILE.svg)", output)
    write_file(Path(output), picture)
    echo(f"wrote {output}", err=True)
    return 0


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # the output does not exist yet
        return False
