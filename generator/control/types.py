"""Document-control data (clause 7.2) as computed from git: the types every renderer reads.

`history.py` computes a `History` from the repository; the site, the Word copies, the
manifest and `cems verify` all read revisions from it, so a header and a history table can
never disagree (one computation, one source of truth).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

MEANING_AUTHOR = "编制"
MEANING_REVIEW = "审核"
MEANING_APPROVE = "批准"
MEANING_RECORD = "记录"
SIGNATURE_ZH = {
    "good": "签名已验证",
    "unsigned": "未签名",
    "bad": "签名无效",
    "unknown": "签名无效（无法验证）",
}
UNRELEASED = "未发布"  # shown instead of a revision when git has no release for a document


@dataclass(frozen=True)
class Signature:
    """A printed name, a date-time and what the act means, all taken from git."""

    name: str
    email: str
    when: dt.datetime  # aware, in the offset git recorded (e.g. +08:00)
    meaning: str  # 编制 / 审核 / 批准
    person_id: str = ""  # the organisation person with this e-mail (never matched by name)

    @property
    def date(self) -> dt.date:
        return self.when.date()


@dataclass(frozen=True)
class Release:
    """An annotated release tag: approval and issue of everything in it."""

    tag: str
    version: str
    commit: str
    date: dt.datetime  # tag time (aware)
    effective_date: dt.date  # from the tag message, default the tag's day
    approver: Signature | None
    message: str
    signature: str = "unsigned"  # unsigned | good | bad | unknown (see SIGNATURE_ZH)
    previous: str = ""  # the release this one's ledger line names ("" for the first)

    @property
    def signature_zh(self) -> str:
        return SIGNATURE_ZH.get(self.signature, SIGNATURE_ZH["bad"])

    def in_force_on(self, day: dt.date) -> bool:
        """Approved releases take effect on their effective date, not before."""
        return self.effective_date <= day


@dataclass(frozen=True)
class Change:
    """One commit that changed a document, with its author and reviewers."""

    commit: str
    date: dt.datetime  # author time (aware)
    summary: str
    author: Signature
    reviewers: tuple[Signature, ...] = ()


@dataclass(frozen=True)
class Revision:
    """A released revision of one document (版次/修改状态, e.g. A/1)."""

    document_id: str
    edition: str
    number: int
    release: Release
    path: str
    content_sha256: str
    status: str  # the document's status in that release
    changes: tuple[Change, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.edition}/{self.number}"

    @property
    def effective_date(self) -> dt.date:
        return self.release.effective_date


@dataclass(frozen=True)
class CopyIssue:
    """A controlled copy issued to a department (发放), and when it was recalled (回收)."""

    distribution_number: str  # 分发号, kept by the department across revisions
    department: str
    document_id: str
    revision: str
    issued: str  # release tag
    recalled_by: str = ""  # release tag that superseded or withdrew it


@dataclass(frozen=True)
class DocumentControl:
    document_id: str
    revisions: tuple[Revision, ...] = ()  # oldest first
    in_force: Revision | None = None
    draft: bool = True  # the working content differs from the revision in force
    draft_changes: tuple[Change, ...] = ()
    withdrawn_in: Release | None = None
    withdrawal_reason: str = ""
    last_review: dt.date | None = None  # last release or recorded review
    next_review: dt.date | None = None
    review_overdue: bool = False
    copies: tuple[CopyIssue, ...] = ()
    current_sha256: str = ""
    approved: tuple[Revision, ...] = ()  # released, but effective after the reference date
    pending_withdrawal: Release | None = None  # withdrawal approved, effective later

    @property
    def last_revision(self) -> Revision | None:
        """The revision in force or, for a withdrawn document, the last one it had."""
        return self.in_force or (self.revisions[-1] if self.revisions else None)

    @property
    def revision_label(self) -> str:
        return self.last_revision.label if self.last_revision else UNRELEASED

    @property
    def effective_date(self) -> dt.date | None:
        """The last revision's effective date, None for a document never released."""
        return self.last_revision.effective_date if self.last_revision else None

    @property
    def effective_text(self) -> str:
        """The effective date as shown: YYYY-MM-DD, or 未发布."""
        day = self.effective_date
        return day.isoformat() if day is not None else UNRELEASED

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_in is not None


@dataclass(frozen=True)
class RecordOrigin:
    """Who wrote a record and when, from the commit that added it (records are not typed by hand)."""

    path: str  # relative to the content root
    recorded: Signature  # meaning 记录
    commit: str = ""  # the commit that added it
    later_changes: int = 0  # commits that changed it afterwards (corrections stay traceable)
    last_changed: dt.datetime | None = None  # the last change, None if never changed
    released_in: Release | None = None  # the first release whose commit contains `commit`
    reviewers: tuple[Signature, ...] = ()  # Reviewed-by: trailers of the adding commit


@dataclass(frozen=True)
class History:
    head_commit: str
    releases: tuple[Release, ...] = ()  # oldest first
    documents: dict[str, DocumentControl] = field(default_factory=dict)
    archived: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # withdrawn id -> (path, last text)
    shallow: bool = False
    records: dict[str, RecordOrigin] = field(default_factory=dict)  # record path -> origin
    head_date: dt.date | None = None  # committer day of head_commit: the default "today"

    def control(self, document_id: str) -> DocumentControl:
        return self.documents.get(document_id) or DocumentControl(document_id)

    @property
    def latest_release(self) -> Release | None:
        return self.releases[-1] if self.releases else None


def control_status_zh(control: DocumentControl, document_status: str) -> str:
    """The one status text the site and every register print for a document."""
    if control.is_withdrawn or document_status == "obsolete":
        return "作废"
    if control.in_force is None:
        return f"草稿（{UNRELEASED}）"
    if control.draft:
        return "有效（有未发布的修改）"
    return "有效"


def distribution_code(document_id: str) -> str:
    """The document part of a 分发号: CEMS-QP-04 -> QP04 (the organisation prefix dropped)."""
    parts = [p for p in document_id.split("-") if p]
    return "".join(parts[1:] if len(parts) > 1 else parts)
