"""Project settings: ``.kconf.yaml`` or ``[tool.kconf]`` in pyproject.toml,
from the working folder or the nearest parent that has either (in one folder,
``.kconf.yaml`` wins; a pyproject.toml without ``[tool.kconf]`` is passed by).

    [tool.kconf]                          # .kconf.yaml
    disable = ["etcd-quorum"]             # disable: [etcd-quorum]
    severity = {public-cidr = "error"}    # severity: {public-cidr: error}

A setting kconf cannot use (an unknown key, a wrong type, an unknown rule or
severity, a file that does not parse) is a usage error naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from kconf.errors import KconfError
from kconf.lint.model import SEVERITIES

SETTINGS_FILE = ".kconf.yaml"
KEYS = ("disable", "severity")


class Settings:
    # was a frozen dataclass: a plain class starts faster (no generated source
    # to exec), its __init__ gives each a fresh severity dict as field(default_factory=dict)
    # did, and Final keeps the fields unassigned (mypy). Nothing compares or prints settings.
    __slots__ = ("disabled", "severity", "source")

    disabled: Final[frozenset[str]]
    severity: Final[dict[str, str]]
    source: Final[str | None]

    def __init__(
        self, disabled: frozenset[str] = frozenset(), severity: dict[str, str] | None = None, source: str | None = None
    ) -> None:
        self.disabled = disabled
        self.severity = {} if severity is None else severity
        self.source = source


def _from_mapping(raw: Any, source: str) -> Settings:
    """Settings from the parsed mapping; rule names are checked by the engine
    against the registered rules."""
    if raw is None:
        return Settings(source=source)
    if not isinstance(raw, dict):
        raise KconfError(f"kconf settings must be a mapping with {' and/or '.join(KEYS)}", source)
    unknown = sorted(str(key) for key in set(raw) - set(KEYS))
    if unknown:
        raise KconfError(f"unknown kconf setting {unknown[0]!r} (known: {', '.join(KEYS)})", source)
    disabled = raw.get("disable", [])
    if not isinstance(disabled, list) or not all(isinstance(n, str) for n in disabled):
        raise KconfError("disable must be a list of rule names, e.g. [etcd-quorum]", source)
    severity = raw.get("severity", {})
    if not isinstance(severity, dict):
        raise KconfError("severity must be a mapping of rule name to error or warning", source)
    for name, level in severity.items():
        if not isinstance(name, str) or level not in SEVERITIES:
            raise KconfError(f"severity of {name}: {level!r} is not error or warning", source)
    return Settings(frozenset(disabled), {str(k): str(v) for k, v in severity.items()}, source)


def _read_kconf_yaml(path: Path) -> Settings:
    from kconf.fsio import read_text
    from kconf.yamlio import load_documents

    documents = [d for d in load_documents(read_text(str(path)), str(path)) if d.data is not None]
    if len(documents) > 1:
        raise KconfError("holds several YAML documents; kconf settings are one mapping", str(path))
    return _from_mapping(documents[0].data if documents else None, str(path))


def _read_pyproject(path: Path) -> Settings | None:
    """``[tool.kconf]`` of a pyproject.toml, or None when it has none."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        if "[tool.kconf" not in path.read_text(errors="replace"):
            return None
        raise KconfError("reading [tool.kconf] needs Python 3.11 or later (tomllib); use .kconf.yaml", str(path)) from None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KconfError(f"cannot read: {exc.strerror}", str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KconfError(f"not valid TOML: {exc}", str(path)) from None
    except RecursionError:  # tomllib parses arrays and inline tables recursively
        raise KconfError("nesting too deep to read (arrays or inline tables inside each other); kconf settings are flat lists and tables", str(path)) from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict) or "kconf" not in tool:
        return None
    return _from_mapping(tool["kconf"], f"{path} [tool.kconf]")


def load_settings(start: Path | None = None) -> Settings:
    """The settings that apply in ``start`` (default: the working folder)."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        kconf_yaml = candidate / SETTINGS_FILE
        if kconf_yaml.is_file():
            return _read_kconf_yaml(kconf_yaml)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            found = _read_pyproject(pyproject)
            if found is not None:
                return found
    return Settings()
