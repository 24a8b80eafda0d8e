"""Questions asked of a History: what was in force on a date or at a release, which copies
were issued and recalled. Pure functions of the History `revisions.read_history` returns."""

from __future__ import annotations

from datetime import date

from generator.control.types import CopyIssue, History, Revision


def in_force_at(history: History, when: date | str) -> dict[str, Revision]:
    """Revisions in force on a date (by effective date) or at a release tag/version (text)."""
    if isinstance(when, date):
        included = {r.tag for r in history.releases if r.effective_date <= when}
    else:
        index = next((i for i, r in enumerate(history.releases) if when in (r.tag, r.version)), -1)
        included = {r.tag for r in history.releases[: index + 1]}
    result: dict[str, Revision] = {}
    for doc_id, control in history.documents.items():
        if control.withdrawn_in is not None and control.withdrawn_in.tag in included:
            continue
        if control.pending_withdrawal is not None and control.pending_withdrawal.tag in included:
            continue
        revisions = [
            r for r in (*control.revisions, *control.approved) if r.release.tag in included
        ]
        if revisions:
            result[doc_id] = revisions[-1]
    return result


def copy_register(history: History) -> list[CopyIssue]:
    """Every controlled copy ever issued (发放) and whether it was recalled (回收), by document."""
    order = {r.tag: i for i, r in enumerate(history.releases)}
    copies = [c for control in history.documents.values() for c in control.copies]
    return sorted(
        copies, key=lambda c: (c.document_id, order.get(c.issued, -1), c.distribution_number)
    )
