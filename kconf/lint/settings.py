"""Project settings: ``[tool.kconf]`` in pyproject.toml or ``.kconf.yaml``,
found in the working folder or the nearest parent that has one.

    [tool.kconf]
    disable = ["etcd-quorum"]
    severity = {public-cidr = "error"}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kconf.errors import KconfError
from kconf.lint.model import SEVERITIES


@dataclass(frozen=True)
class Settings:
    disabled: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)
    source: str | None = None


def _from_mapping(raw: Any, source: str) -> Settings:
    if not isinstance(raw, dict):
        raise KconfError("kconf settings must be a mapping (disable, severity)", source)
    unknown = sorted(set(raw) - {"disable", "severity"})
    if unknown:
        raise KconfError(f"unknown kconf setting {unknown[0]!r} (known: disable, severity)", source)
    disabled = raw.get("disable", [])
    if not isinstance(disabled, list) or not all(isinstance(n, str) for n in disabled):
        raise KconfError("disable must be a list of rule names", source)
    severity = raw.get("severity", {})
    if not isinstance(severity, dict):
        raise KconfError("severity must be a mapping of rule name to error or warning", source)
    for name, level in severity.items():
        if level not in SEVERITIES:
            raise KconfError(f"severity of {name}: {level!r} is not error or warning", source)
    return Settings(frozenset(disabled), dict(severity), source)


def load_settings(start: Path | None = None) -> Settings:
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        kconf_yaml = candidate / ".kconf.yaml"
        if kconf_yaml.is_file():
            from kconf.fsio import read_text
            from kconf.yamlio import load_documents

            docs = [d for d in load_documents(read_text(str(kconf_yaml)), str(kconf_yaml)) if d.data is not None]
            return _from_mapping(docs[0].data if docs else {}, str(kconf_yaml))
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            import tomllib

            try:
                data = tomllib.loads(pyproject.read_text())
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise KconfError(f"cannot read: {exc}", str(pyproject)) from None
            tool = data.get("tool", {}).get("kconf")
            if tool is not None:
                return _from_mapping(tool, f"{pyproject} [tool.kconf]")
    return Settings()
