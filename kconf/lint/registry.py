"""A rule: a name, a default severity, a one-line summary, a check function
whose docstring is its user documentation (what, why, fix), and the parts of
the cluster model it reads (kconf.description: NODE_ADDRESSES, LOAD_BALANCER,
...). A rule does not run on a group whose description has one of those
parts broken: the broken field is reported (cluster-schema or a value rule),
and a rule reading a placeholder would report nonsense. Rules that read the
description as written (its raw document) read no part."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from kconf.lint.model import Group, RawFinding

Check = Callable[[Group], Iterable[RawFinding]]


# a NamedTuple, not a frozen dataclass: no generated source to exec at start-up
class Rule(NamedTuple):
    name: str
    severity: str
    summary: str
    check: Check
    reads: frozenset[str] = frozenset()
    # what `kconf lint --fix` writes for this rule's findings that carry a
    # Replacement ("" : the rule has no mechanical fix, and any it yields is ignored)
    fix: str = ""

    @property
    def documentation(self) -> str:
        import inspect  # for kconf rules and --explain: not at every start (~7 ms)

        text = inspect.cleandoc(self.check.__doc__ or self.summary)
        return f"{text}\n\n--fix: {self.fix}" if self.fix else text
