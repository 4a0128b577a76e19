"""Package data: JSON Schemas (schemas/) and jinja2 templates (templates/).

Always read through importlib.resources, never through the working directory:
an installed pre-commit hook has no checkout.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


@cache
def schema(name: str) -> dict[str, Any]:
    """A schema by its path below schemas/, e.g. ``cluster.schema.json`` or
    ``kubeadm/v1beta4/ClusterConfiguration.json``."""
    node = resources.files("kconf.schemas")
    for part in name.split("/"):
        node = node.joinpath(part)
    loaded: dict[str, Any] = json.loads(node.read_text(encoding="utf-8"))
    return loaded


@cache
def template_environment() -> jinja2.Environment:
    import shlex

    import jinja2

    def load(name: str) -> str:
        return resources.files("kconf.templates").joinpath(name).read_text(encoding="utf-8")

    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    # Every value a template puts into shell code goes through this.
    environment.filters["shell_quote"] = shlex.quote
    return environment


def render_template(name: str, **context: Any) -> str:
    return template_environment().get_template(name).render(**context)
