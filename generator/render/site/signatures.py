"""Signatures on the site: who compiled, reviewed and approved a revision (from git, never
typed by hand), each revision's change rows, and whether the text still matches the approved one."""

from __future__ import annotations

from generator.content.model import Document, Model
from generator.control.types import Change, DocumentControl, Signature
from generator.core.dates import minute_text


def signer(model: Model, signature: Signature | None) -> str:
    """'林慧 2025-03-01 10:15': the organisation's name for the signer when git matched one."""
    if signature is None:
        return ""
    name = model.person_name(signature.person_id) if signature.person_id else signature.name
    return f"{name} {minute_text(signature.when)}"


def _signers(model: Model, signatures: list[Signature]) -> str:
    seen: list[str] = []
    for signature in signatures:
        text = signer(model, signature)
        if text not in seen:
            seen.append(text)
    return "\n".join(seen)


def _change_rows(model: Model, changes: tuple[Change, ...]) -> tuple[str, str, str]:
    summary = "\n".join(c.summary for c in changes)
    authors = _signers(model, [c.author for c in changes])
    reviewers = _signers(model, [r for c in changes for r in c.reviewers])
    return summary, authors, reviewers


def revision_rows(model: Model, control: DocumentControl) -> list[dict[str, str]]:
    """Revision history, newest first; unreleased changes first of all, marked 草稿."""
    rows: list[dict[str, str]] = []
    if control.draft and control.draft_changes:
        summary, authors, reviewers = _change_rows(model, control.draft_changes)
        rows.append(
            {
                "date": control.draft_changes[-1].date.date().isoformat(),
                "label": "草稿（未发布）",
                "summary": summary,
                "author": authors,
                "reviewers": reviewers or "未审核",
                "approver": "未批准",
                "fingerprint": control.current_sha256[:16] or "—",
            }
        )
    for revision in reversed(control.revisions):
        summary, authors, reviewers = _change_rows(model, revision.changes)
        rows.append(
            {
                "date": revision.effective_date.isoformat(),
                "label": revision.label,
                "summary": summary or revision.release.message,
                "author": authors,
                "reviewers": reviewers,
                "approver": signer(model, revision.release.approver),
                "fingerprint": revision.content_sha256[:16],
            }
        )
    return rows


def _names(model: Model, signatures: list[Signature]) -> str:
    names = [model.person_name(s.person_id) if s.person_id else s.name for s in signatures]
    return "、".join(dict.fromkeys(names))


def approvals(model: Model, doc: Document, control: DocumentControl) -> tuple[str, str, str]:
    """编制 / 审核 / 批准 from git (the History), like the Word copy; front matter only names
    who is still to sign a document that was never released (未签署)."""
    revision = control.in_force or (control.last_revision if control.is_withdrawn else None)
    if revision is None:
        authors = _names(model, [c.author for c in control.draft_changes])
        return (
            authors or f"{model.person_name(doc.author)}（未签署）",
            f"{model.person_name(doc.reviewer)}（未签署）",
            f"{model.person_name(doc.approver)}（未签署）",
        )
    approver = revision.release.approver
    return (
        _names(model, [c.author for c in revision.changes]) or "—",
        _names(model, [r for c in revision.changes for r in c.reviewers]) or "—",
        _names(model, [approver]) if approver else "—",
    )


def fingerprint_state(control: DocumentControl) -> str:
    """Whether the text in the repository is still the one that was approved (7.2)."""
    if control.in_force is None or not control.current_sha256:
        return ""
    if control.current_sha256 == control.in_force.content_sha256:
        return "与当前文本一致（未修改）"
    if control.approved and control.current_sha256 == control.approved[-1].content_sha256:
        return f"当前文本为已批准、尚未生效的 {control.approved[-1].label}"
    return "当前文本已修改，尚未批准"
