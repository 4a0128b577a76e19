"""A rule: a name, a default severity, a one-line summary, and a check
function whose docstring is its user documentation (what, why, fix)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kconf.lint.model import Group, RawFinding

Check = Callable[[Group], Iterable[RawFinding]]


@dataclass(frozen=True)
class Rule:
    name: str
    severity: str
    summary: str
    check: Check

    @property
    def documentation(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or self.summary)
