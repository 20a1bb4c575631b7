"""What is wrong with a case file, and where: the loader's errors.

A module of its own so that the CLI can catch them without importing the
loader, which a warm cache never needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a case file, and where."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    case: str | None = None
    """The case's id, or ``#N`` (1-based position in its file) when it has none."""
    field: str | None = None
    """A path such as ``timeline[2].date``."""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.case is not None:
            parts.append(f"case {self.case}")
        if self.field is not None:
            parts.append(f"field {self.field}")
        return ": ".join(parts) + ": " + self.message


class DatasetError(Exception):
    """A case file, or a set of them, could not be loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
