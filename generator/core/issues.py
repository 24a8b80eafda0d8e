"""Issues: what every stage reports instead of printing or exiting.

Each stage returns (or appends to) a list of `Issue`; only the CLI prints them and chooses
the exit code. `CemsError` is for "cannot continue" and carries its issues.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class ExitCode(enum.IntEnum):
    OK = 0
    CONTENT = 1  # invalid content, or a refused operation
    USAGE = 2  # bad command line (click's own default)
    INTERNAL = 3  # a bug: one line and "rerun with --debug"


@dataclass(frozen=True, order=True)
class Issue:
    """One finding, located as precisely as the stage can."""

    file: str  # relative to the content root, forward slashes
    line: int | None
    field: str  # JSON-pointer-like path, "" for the whole file
    message: str
    severity: Severity = Severity.ERROR
    code: str = "ERROR"
    hint: str = ""

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        """The inverse of `to_dict` (for issues kept in a cache)."""
        return cls(
            data["file"],
            data.get("line"),
            data.get("field", ""),
            data["message"],
            Severity(data.get("severity", "error")),
            data.get("code", ""),
            data.get("hint", ""),
        )

    def format(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        field = f" [{self.field}]" if self.field else ""
        text = f"{where}: {self.severity.value} {self.code}{field}: {self.message}"
        return text + (f"\n    提示 hint: {self.hint}" if self.hint else "")


def sort_issues(issues: Iterable[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: (i.file, i.line or 0, i.field, i.message))


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity is Severity.ERROR for i in issues)


class CemsError(Exception):
    """A stage cannot continue; the CLI prints its issues and exits with `exit_code`."""

    def __init__(
        self, message: str, issues: Iterable[Issue] = (), exit_code: ExitCode = ExitCode.CONTENT
    ) -> None:
        super().__init__(message)
        self.message = message
        self.issues = list(issues)
        self.exit_code = exit_code
