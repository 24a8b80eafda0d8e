"""`cems check`: validation, history problems, unreleased drafts and overdue reviews."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from generator.content.model import Model
from generator.content.project import Project, load_project
from generator.control.review_dates import REVIEW_RECORD_TYPE, apply_reviews
from generator.control.revisions import read_history
from generator.control.types import DocumentControl, History
from generator.core.config import Config
from generator.core.issues import Issue, Severity, sort_issues
from generator.ops.compliance import compliance_findings


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


def _locator(project: Project) -> Callable[[str, tuple[str | int, ...]], int | None]:
    files = {f.rel: f for f in project.sources.all_files()}

    def locate(file: str, path: tuple[str | int, ...]) -> int | None:
        source = files.get(file)
        return source.line_of(path) if source else None

    return locate


def run_check(config: Config, today: str | None = None) -> CheckResult:
    """Validation, history problems, drafts and overdue reviews of a content repository."""
    # Imported here: history imports this module for apply_reviews.

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
    issues += compliance_findings(model, reference, _locator(project))
    return CheckResult(reference, sort_issues(issues), drafts, overdue, history)
