"""Reviews (审核) of changes, read from `Reviewed-by:` trailers in git.

A trailer counts where the organisation's flow puts it: in the commit itself (a direct commit,
or a squash merge), or in a merge commit (GitHub/GitLab "merge" flow), whose review covers the
commits it brings in: those reachable from its second parent and not from its first.
Reviewers are matched by e-mail to the organisation's people; nobody reviews their own change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.content.model import Model, Person
from generator.control.identity import person_by_email
from generator.control.types import MEANING_AUTHOR, MEANING_REVIEW, Change, Signature
from generator.core.issues import Issue, Severity
from generator.git.client import Ident, LogEntry, trailers

TRAILER = "Reviewed-by"


def _ancestors(start: str, parents: dict[str, tuple[str, ...]]) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        commit = stack.pop()
        if commit in seen or commit not in parents:
            continue
        seen.add(commit)
        stack.extend(parents[commit])
    return seen


def merge_reviews(log: list[LogEntry]) -> dict[str, list[tuple[LogEntry, str, str]]]:
    """commit -> [(merge entry, name, email)] for every reviewer named in a merge commit."""
    parents = {e.commit: e.parents for e in log}
    reviews: dict[str, list[tuple[LogEntry, str, str]]] = {}
    for entry in log:
        if len(entry.parents) < 2:
            continue
        named = trailers(entry.message, TRAILER)
        if not named:
            continue
        brought = _ancestors(entry.parents[1], parents) - _ancestors(entry.parents[0], parents)
        for commit in brought:
            reviews.setdefault(commit, []).extend((entry, n, e) for n, e in named)
    return reviews


@dataclass
class Reviews:
    """Turns log entries into Changes with their valid reviewers; collects what it rejected."""

    model: Model
    log: list[LogEntry]
    issues: list[Issue] = field(default_factory=list)
    _merges: dict[str, list[tuple[LogEntry, str, str]]] = field(default_factory=dict)
    _reported: set[tuple[str, str]] = field(default_factory=set)
    _people: dict[str, Person | None] = field(default_factory=dict)  # by e-mail, as written

    def __post_init__(self) -> None:
        self._merges = merge_reviews(self.log)

    def _signature(self, ident: Ident, meaning: str) -> Signature:
        if ident.email not in self._people:
            self._people[ident.email] = person_by_email(self.model, ident.email)
        person = self._people[ident.email]
        return Signature(ident.name, ident.email, ident.when, meaning, person.id if person else "")

    def _reject(self, entry: LogEntry, email: str, message: str) -> None:
        if (entry.commit, email.lower()) in self._reported:
            return
        self._reported.add((entry.commit, email.lower()))
        self.issues.append(
            Issue(
                "git",
                None,
                TRAILER,
                f"提交 {entry.commit[:10]}「{entry.subject}」：{message}",
                severity=Severity.WARNING,
                code="HISTORY-REVIEWER",
                hint="Reviewed-by: 姓名 <邮箱>，邮箱须是 organisation.yaml 中作者以外的人员。",
            )
        )

    def change(self, entry: LogEntry) -> Change:
        author = self._signature(entry.author, MEANING_AUTHOR)
        named = [(entry, n, e) for n, e in trailers(entry.message, TRAILER)]
        named += self._merges.get(entry.commit, [])
        reviewers: dict[str, Signature] = {}
        for source, name, email in named:
            signature = self._signature(Ident(name, email, source.committer.when), MEANING_REVIEW)
            if not signature.person_id:
                self._reject(source, email, f"审核人 {name} <{email}> 不是本单位人员，不计为审核")
            elif author.person_id and signature.person_id == author.person_id:
                self._reject(entry, email, f"作者 {name} 不能审核自己的修改 (self-review)")
            else:
                reviewers.setdefault(signature.person_id, signature)
        return Change(
            commit=entry.commit,
            date=entry.author.when,
            summary=entry.subject,
            author=author,
            reviewers=tuple(reviewers.values()),
        )


def unreviewed_issue(document_id: str, tag: str, change: Change, severity: Severity) -> Issue:
    return Issue(
        "git",
        None,
        TRAILER,
        f"{document_id} 在 {tag or '本次发布'} 中的修改 {change.commit[:10]}「{change.summary}」"
        "没有审核人 (released change has no review)",
        severity=severity,
        code="HISTORY-UNREVIEWED",
        hint="合并请求合并时在合并提交中写 Reviewed-by: 姓名 <邮箱>；"
        "或在 organisation.yaml 设置 releases.require_review: false。",
    )
