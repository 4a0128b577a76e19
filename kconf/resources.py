"""Package data: JSON Schemas (schemas/) and jinja2 templates (templates/).

Always read from the installed package (or, installed editable, from the
source folders the install maps it to), never through the working directory:
an installed pre-commit hook has no checkout.
"""

from __future__ import annotations

import importlib
import json
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


@cache
def _folder(package: str) -> str | None:
    """Where the files of ``package`` (kconf.schemas, kconf.templates) are:
    the folder of its __init__.py, as the import system found it (an
    editable install maps it to schemas/ or templates/). None when that is
    no folder (a zip): importlib.resources reads those, at the price of its
    imports (tempfile, random, ...: ~4 ms of every start)."""
    origin = getattr(importlib.import_module(package), "__file__", None)
    folder = os.path.dirname(origin) if origin else None
    return folder if folder and os.path.isdir(folder) else None


def read_bytes(package: str, name: str) -> bytes:
    """The file ``name`` (``/``-separated) of a data package of kconf."""
    folder = _folder(package)
    if folder is not None:
        with open(os.path.join(folder, *name.split("/")), "rb") as handle:
            return handle.read()
    from importlib import resources

    node = resources.files(package)
    for part in name.split("/"):
        node = node.joinpath(part)
    return node.read_bytes()


@cache
def schema(name: str) -> dict[str, Any]:
    """A schema by its path below schemas/, e.g. ``cluster.schema.json`` or
    ``kubeadm/v1beta4/ClusterConfiguration.json``."""
    loaded: dict[str, Any] = json.loads(read_bytes("kconf.schemas", name).decode("utf-8"))
    return loaded


# How the templates are compiled; part of the bytecode cache's folder name, as
# the cache's own key is only a template's name and source.
_TEMPLATE_OPTIONS: dict[str, Any] = {"keep_trailing_newline": True, "trim_blocks": True, "lstrip_blocks": True, "autoescape": False}


def cache_dir() -> Path | None:
    """kconf's folder in the user's cache ($XDG_CACHE_HOME, else ~/.cache), or
    None when there is no home to put it in. Never the working folder."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "kconf"


def _bytecode_cache(jinja2: Any) -> Any:
    """A compiled-template cache in the user's cache folder: compiling the
    templates (lexing, parsing, generating Python, compiling that) costs
    more than rendering them, at every start. A template is compiled again
    when its source changes (the key holds its checksum), and so is every
    one when jinja2 (as installed), Python or the options change (the
    folder's name). A
    cache that cannot be read or written is no cache: the template is
    compiled, and nothing is reported."""
    import hashlib
    import sys

    where = cache_dir()
    if where is None:
        return None
    # jinja2 as installed: its version, and where and when its files were put
    # there (a reinstall of the same version counts as another jinja2)
    try:
        installed = (getattr(jinja2, "__version__", ""), jinja2.__file__, os.stat(jinja2.__file__).st_mtime_ns)
    except (OSError, TypeError):
        return None
    signature = hashlib.sha256(repr((installed, sys.version, sorted(_TEMPLATE_OPTIONS.items()))).encode()).hexdigest()[:16]
    folder = where / f"templates-{signature}"

    class QuietCache(jinja2.FileSystemBytecodeCache):  # type: ignore[misc]
        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # unreadable, or not what was written: compile
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                super().dump_bytecode(bucket)
            except Exception:  # a read-only or full disk: compiled next time too
                pass

    return QuietCache(str(folder), "%s.cache")


@cache
def template_environment() -> jinja2.Environment:
    import shlex

    import jinja2

    def load(name: str) -> str:
        return read_bytes("kconf.templates", name).decode("utf-8")

    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_bytecode_cache(jinja2),
        **_TEMPLATE_OPTIONS,
    )
    # Every value a template puts into shell code goes through this.
    environment.filters["shell_quote"] = shlex.quote
    return environment


def render_template(name: str, **context: Any) -> str:
    return template_environment().get_template(name).render(**context)
