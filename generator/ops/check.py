"""`cems check`: does the management system run? Validation, history, and the rules of
resources/data/check-rules.yaml judged against the records at a reference date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.content.model import Model
from generator.content.project import Project, load_project
from generator.control.review_dates import apply_reviews
from generator.control.revisions import read_history
from generator.control.types import DocumentControl, History
from generator.core.config import Config
from generator.core.dates import iso_day, iso_time
from generator.core.findings import Finding, StatusReport
from generator.core.issues import Issue, Severity, sort_issues
from generator.ops.compliance import compliance_findings
from generator.ops.rules import load_rule_modules
from generator.ops.rules.base import REGISTRY, Context, load_catalogue, run_rules, specs


@dataclass
class CheckResult:
    """What `cems check` found; the CLI only formats it."""

    reference_date: date
    issues: list[Issue] = field(default_factory=list)  # validation and history problems
    findings: list[Finding] = field(default_factory=list)
    drafts: list[DocumentControl] = field(default_factory=list)
    overdue: list[DocumentControl] = field(default_factory=list)
    history: History | None = None
    status: StatusReport | None = None

    def all_findings(self) -> list[Finding]:
        """Validation and history issues as findings (rule = issue code; clause 7.2, control
        of documents and records), then the rules' findings."""
        found = [
            Finding(
                "7.2",
                i.code,
                i.severity,
                i.file,
                i.line,
                i.message + (f"（{i.field}）" if i.field else ""),
            )
            for i in self.issues
        ]
        return found + self.findings

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.reference_date.isoformat(),
            "findings": [f.to_dict() for f in self.all_findings()],
            # kept for scripts written against the first `cems check`
            "drafts": [
                {
                    "document": c.document_id,
                    "in_force": c.revision_label,
                    "changes": [
                        {"commit": ch.commit, "date": iso_time(ch.date), "summary": ch.summary}
                        for ch in c.draft_changes
                    ],
                }
                for c in self.drafts
            ],
            "overdue_reviews": [
                {
                    "document": c.document_id,
                    "last_review": iso_day(c.last_review),
                    "due": iso_day(c.next_review),
                }
                for c in self.overdue
            ],
        }

    def failing(self, fail_on: str) -> bool:
        levels = {Severity.ERROR} if fail_on == "error" else {Severity.ERROR, Severity.WARNING}
        return any(f.severity in levels for f in self.all_findings())


def locator(project: Project) -> Callable[[str, tuple[str | int, ...]], int | None]:
    """Field path -> line number in the content files of `project`."""
    files = {f.rel: f for f in project.sources.all_files()}

    def locate(file: str, path: tuple[str | int, ...]) -> int | None:
        source = files.get(file)
        return source.line_of(path) if source else None

    return locate


def status_report(
    model: Model, as_of: date, history: History | None = None, locate: Any = None
) -> tuple[StatusReport, list[Issue]]:
    """The rules' findings at `as_of`, for `cems check` and for the site's status page."""
    load_rule_modules()
    overrides = model.organisation.data.get("checks") or {}
    catalogue, issues = load_catalogue(overrides)
    ctx = Context(model, as_of, catalogue, history)
    if locate is not None:
        ctx.locate = locate
    findings = run_rules(ctx)
    findings += _compliance(model, as_of, locate)
    enabled = [s for s in specs(catalogue) if s.severity != "off" and s.id in REGISTRY]
    report = StatusReport(
        as_of.isoformat(),
        tuple(findings),
        frozenset(s.clause for s in enabled) | frozenset(COMPLIANCE_CLAUSES.values()),
        {s.id: s.title for s in specs(catalogue)},
    )
    return report, issues


# The annual compliance cycle's findings (ops/compliance.py), by the clause each one judges:
# 8.6 allowance and offset management, 8.7 c reporting to the authorities, 7.2 e the
# verification report as a record.
COMPLIANCE_CLAUSES = {"LEDGER": "8.6", "CALENDAR": "8.7", "VERIFICATION": "7.2"}


def _compliance(model: Model, as_of: date, locate: Any) -> list[Finding]:
    return [
        Finding(
            COMPLIANCE_CLAUSES.get(i.code.split("-", 1)[0], "8.6"),
            i.code,
            i.severity,
            i.file,
            i.line,
            i.message,
            i.field,
        )
        for i in compliance_findings(model, as_of, locate)
    ]


# History states in which there is nothing to check yet (validate works without git too).
_NO_HISTORY = {"HISTORY-NOT-GIT", "HISTORY-NO-COMMITS", "HISTORY-SHALLOW"}


def history_problems(config: Config, model: Model) -> list[Issue]:
    """What `cems validate` reports about git: identities, signatures, reviews, the ledger."""
    _history, issues = read_history(config, model, today=config.today)
    return [i for i in issues if i.code not in _NO_HISTORY]


def run_check(config: Config, today: date | None = None) -> CheckResult:
    """Validation, history problems and the rules of a content repository at `today`
    (default the real date today)."""
    as_of = today or date.today()
    project = load_project(config)
    if project.model is None:
        return CheckResult(as_of, list(project.issues))
    model = project.model
    history, history_issues = read_history(config, model, today=today)
    history = apply_reviews(history, model, as_of)
    controls = list(history.documents.values())
    overdue = [c for c in controls if c.review_overdue]
    drafts = [c for c in controls if c.draft and model.document(c.document_id) is not None]
    report, rule_issues = status_report(model, as_of, history, locator(project))
    issues = sort_issues(list(project.issues) + history_issues + rule_issues)
    return CheckResult(as_of, issues, list(report.findings), drafts, overdue, history, report)
