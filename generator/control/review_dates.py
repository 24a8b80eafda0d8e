"""Periodic review dates of documents (clause 7.2).

A document is due for review `review_interval_months` after the later of its last release
(the effective date of the revision in force) and its last entry in
`records/document-reviews/`. "Overdue" is judged against a reference date that comes from
git (the head commit's date) unless the user names one, so results never depend on the clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from generator.content.model import Model
from generator.control.types import DocumentControl, History
from generator.core.dates import add_months

REVIEW_RECORD_TYPE = "document-reviews"


def recorded_reviews(model: Model) -> dict[str, date]:
    """Document id -> date of its latest review record."""
    latest: dict[str, date] = {}
    for record in model.records_of(REVIEW_RECORD_TYPE):
        for item in record.data.get("documents", ()):
            doc_id = item.get("document", "") if isinstance(item, dict) else ""
            if doc_id and record.date and (doc_id not in latest or record.date > latest[doc_id]):
                latest[doc_id] = record.date
    return latest


def review_control(
    control: DocumentControl, interval_months: int, recorded: date | None, reference: date | None
) -> DocumentControl:
    """`control` with last/next review and overdue status filled in."""
    if control.in_force is None:  # never released, or withdrawn: nothing is due
        return replace(control, last_review=recorded, next_review=None, review_overdue=False)
    effective = control.in_force.effective_date
    last = max(effective, recorded) if recorded else effective
    following = add_months(last, interval_months)
    overdue = reference is not None and following < reference
    return replace(control, last_review=last, next_review=following, review_overdue=overdue)


def apply_reviews(history: History, model: Model, reference: date | None) -> History:
    """The history with periodic-review dates computed against `reference` (None: never overdue)."""
    recorded = recorded_reviews(model)
    intervals = {d.id: d.review_interval_months for d in model.documents}
    documents = {
        doc_id: review_control(control, intervals.get(doc_id, 12), recorded.get(doc_id), reference)
        for doc_id, control in history.documents.items()
    }
    return replace(history, documents=documents)
