"""Periodic review of documents (clause 7.2) and the `cems check` rules.

A document is due for review `review_interval_months` after the later of its last release
(the effective date of the revision in force) and its last entry in
`records/document-reviews/`. "Overdue" is judged against a reference date that comes from
git (the head commit's date) unless the user names one, so results never depend on the clock.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date

from .config import Config
from .control import DocumentControl, History
from .issues import Issue, Severity, sort_issues
from .model import Model

REVIEW_RECORD_TYPE = "document-reviews"


def add_months(day: str, months: int) -> str:
    """YYYY-MM-DD plus whole months, clamped to the month's last day (01-31 + 1 -> 02-28)."""
    start = date.fromisoformat(day)
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last)).isoformat()


def recorded_reviews(model: Model) -> dict[str, str]:
    """Document id -> date of its latest review record."""
    latest: dict[str, str] = {}
    for record in model.records_of(REVIEW_RECORD_TYPE):
        for item in record.data.get("documents", ()):
            doc_id = item.get("document", "") if isinstance(item, dict) else ""
            if doc_id and record.date > latest.get(doc_id, ""):
                latest[doc_id] = record.date
    return latest


def review_control(
    control: DocumentControl, interval_months: int, recorded: str, reference: str
) -> DocumentControl:
    """`control` with last/next review and overdue status filled in."""
    if control.in_force is None:  # never released, or withdrawn: nothing is due
        return replace(control, last_review=recorded, next_review="", review_overdue=False)
    last = max(control.in_force.effective_date, recorded)
    following = add_months(last, interval_months)
    overdue = bool(reference) and following < reference
    return replace(control, last_review=last, next_review=following, review_overdue=overdue)


def apply_reviews(history: History, model: Model, reference: str) -> History:
    """The history with periodic-review dates computed against `reference` (YYYY-MM-DD)."""
    recorded = recorded_reviews(model)
    intervals = {d.id: d.review_interval_months for d in model.documents}
    documents = {
        doc_id: review_control(
            control, intervals.get(doc_id, 12), recorded.get(doc_id, ""), reference
        )
        for doc_id, control in history.documents.items()
    }
    return replace(history, documents=documents)


@dataclass
class CheckResult:
    """What `cems check` found; the CLI only formats it."""

    reference_date: str
    issues: list[Issue] = field(default_factory=list)
    drafts: list[DocumentControl] = field(default_factory=list)
    overdue: list[DocumentControl] = field(default_factory=list)
    history: History | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "reference_date": self.reference_date,
            "issues": [i.to_dict() for i in self.issues],
            "drafts": [
                {
                    "document": c.document_id,
                    "in_force": c.revision_label,
                    "changes": [
                        {"commit": ch.commit, "date": ch.date, "summary": ch.summary}
                        for ch in c.draft_changes
                    ],
                }
                for c in self.drafts
            ],
            "overdue_reviews": [
                {"document": c.document_id, "last_review": c.last_review, "due": c.next_review}
                for c in self.overdue
            ],
        }


def _overdue_issue(control: DocumentControl, model: Model, reference: str) -> Issue:
    doc = model.document(control.document_id)
    return Issue(
        doc.path if doc else control.document_id,
        None,
        "review_interval_months",
        f"{control.document_id} 应在 {control.next_review} 前评审，已逾期（参照日 {reference}；"
        f"上次发布或评审 {control.last_review}） (periodic review overdue)",
        severity=Severity.WARNING,
        code="REVIEW-OVERDUE",
        hint=f"评审后在 records/{REVIEW_RECORD_TYPE}/ 记录结论，或修订后发布新版本。",
    )


def run_check(config: Config, today: str | None = None) -> CheckResult:
    """Validation, history problems, drafts and overdue reviews of a content repository."""
    # Imported here: history imports this module for apply_reviews.
    from .history import read_history
    from .project import load_project

    project = load_project(config)
    if project.model is None:
        return CheckResult(today or "", list(project.issues))
    model = project.model
    history, history_issues = read_history(config, model)
    reference = today if today is not None else history.head_date
    history = apply_reviews(history, model, reference)
    controls = list(history.documents.values())
    overdue = [c for c in controls if c.review_overdue]
    issues = list(project.issues) + history_issues
    issues += [_overdue_issue(c, model, reference) for c in overdue]
    drafts = [c for c in controls if c.draft and model.document(c.document_id) is not None]
    return CheckResult(reference, sort_issues(issues), drafts, overdue, history)
