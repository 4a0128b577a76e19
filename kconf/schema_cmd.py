"""``kconf schema``: the cluster description's JSON Schema, for editors.

What is printed is the package's ``schemas/cluster.schema.json`` byte for
byte: the very schema ``kconf lint`` and ``kconf render`` validate with, so
an editor (yaml-language-server) and kconf cannot disagree about a field.
It has no ``$id``: the schema is identified by where the editor reads it
from (a file beside the description, written by ``kconf schema -o``), and a
made-up URL there would be one an editor or a reader tries and cannot load.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

SCHEMA = "cluster.schema.json"
# The name `kconf init` points its yaml-language-server line at (beside the description).
SCHEMA_FILE_NAME = SCHEMA


def schema_bytes() -> bytes:
    """The cluster description's JSON Schema, as shipped in the package."""
    from kconf.resources import read_bytes

    return read_bytes("kconf.schemas", SCHEMA)


def run_schema(output: str | None, *, echo: Callable[..., Any]) -> int:
    """Print the schema, or write it to ``output`` atomically (replacing an
    older copy there: it is generated, and re-running updates it)."""
    data = schema_bytes()
    if output is None or output == "-":
        echo(data.decode("utf-8"), nl=False)
        return 0
    from kconf.fsio import write_file

    write_file(Path(output), data)
    return 0
