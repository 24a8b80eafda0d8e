"""Findings of `cems check`: one judgement of whether the management system runs.

A finding names the rule (from resources/data/check-rules.yaml), the clause of the standard it
judges, where the evidence is (file, line) and a plain Chinese message. They are computed in
ops/ and handed to the renderer as data, so render/ never runs the rules itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.core.issues import Severity


@dataclass(frozen=True, order=True)
class Finding:
    clause: str
    rule: str
    severity: Severity
    file: str
    line: int | None
    message: str

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "clause": self.clause,
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }

    def format(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.severity.value} {self.rule} [{self.clause}]: {self.message}"


@dataclass(frozen=True)
class StatusReport:
    """What the site's 体系运行状态 page and clause matrix need from `cems check`."""

    as_of: str
    findings: tuple[Finding, ...] = ()
    checked_clauses: frozenset[str] = field(default_factory=frozenset)
    rule_titles: dict[str, str] = field(default_factory=dict)

    def for_clause(self, clause_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.clause == clause_id)
