"""History stage: document control (clause 7.2) computed from git.

A release is an annotated tag `release/VERSION` (the tagger approves and issues everything in
it). For every release we read the tree (`git ls-tree -r -z`), identify documents by the `id`
in their front matter (so renames are followed without guessing), and compare content hashes:
a document whose bytes changed gets the next revision (A/0, A/1, ...; a new edition letter
starts again at 0). Commits come from ONE `git log --name-status -M` pass and blobs from ONE
`git cat-file --batch`, so the cost does not grow with one git call per file.

The namespace `release/` keeps the organisation's document releases apart from any other tag
(`v1.0`, a software version of the tool, a CI marker), which is never read as a release.
Opening the repository and reading the release tags is `releases.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from generator.content.model import Model
from generator.control.history_cache import HistoryCache
from generator.control.policy import ReleasePolicy, release_policy
from generator.control.published import outside_record_issues
from generator.control.records import record_origins
from generator.control.release_schemas import released_schema_issues
from generator.control.review_dates import apply_reviews
from generator.control.reviews import Reviews, unreviewed_issue

# open_repo, collect_releases and signature_for stay importable from here (release.py does).
from generator.control.tags import (
    GIT_FILE,
    Repo,
    collect_releases,
    git_issue,
    open_repo,
    signature_for,
)
from generator.control.types import (
    MEANING_RECORD,
    MEANING_REVIEW,
    CopyIssue,
    DocumentControl,
    History,
    RecordOrigin,
    Release,
    Revision,
    distribution_code,
)
from generator.core.config import Config
from generator.core.issues import Issue, Severity
from generator.git.client import (
    GitError,
    LogEntry,
    Snapshot,
    snapshot,
    snapshots_at,
    trailers,
)

DRAFT_SEGMENT = -1


def read_history(
    config: Config, model: Model, at: str | None = None, today: date | None = None
) -> tuple[History, list[Issue]]:
    """Document control of every document at `at` (a release tag or commit; None = working tree).

    `today` (default `config.today`, else the clock's date) decides which approved releases are in
    force: one whose effective date is later is approved but not yet in force. An unchanged
    repository's result comes from the local history cache (`history_cache`).
    """
    cache = HistoryCache.open(config, model, at, today or config.today or date.today())
    kept = cache.load() if cache is not None else None
    if kept is not None:
        return kept[0], list(kept[1])
    history, issues = _read_history(config, model, at, today)
    if cache is not None:
        cache.store(history, issues)
    return history, issues


def _read_history(
    config: Config, model: Model, at: str | None, today: date | None
) -> tuple[History, list[Issue]]:
    try:
        repo, empty, issues = open_repo(config, at)
        if repo is None:
            return _unreleased(empty, model), issues
        releases, more = collect_releases(repo, model)
        if at is None:  # the records kept outside the tags guard the newest release too
            more += outside_record_issues(repo.git, config.root, model, repo.tags)
            more += released_schema_issues(repo.git, repo.prefix, releases)
        current = read_current_documents(repo, config, model, from_tree=at is not None)
        day = today or config.today
        history, computed = compute_history(repo, model, releases, current, day)
        recorded_by = lambda ident: signature_for(ident, MEANING_RECORD, model)  # noqa: E731
        reviewed_by = lambda ident: signature_for(ident, MEANING_REVIEW, model)  # noqa: E731
        origins = record_origins(repo.log, repo.prefix, recorded_by, reviewed_by)
        history = replace(history, records=_with_releases(origins, repo, releases))
    except GitError as error:
        return _unreleased(History(""), model), error.issues
    return history, issues + more + computed


def _with_releases(
    origins: dict[str, RecordOrigin], repo: Repo, releases: list[Release]
) -> dict[str, RecordOrigin]:
    """Each record's origin with the first release that contains it (its approval)."""
    segment = _segments(repo, releases)
    return {
        path: replace(origin, released_in=releases[segment[origin.commit]])
        if origin.commit in segment
        else origin
        for path, origin in origins.items()
    }


def _unreleased(history: History, model: Model) -> History:
    docs = {d.id: DocumentControl(d.id) for d in sorted(model.documents, key=lambda d: d.id)}
    return replace(history, documents=docs)


DOCUMENTS_FOLDER = "content/documents/"


def _read_trees(
    repo: Repo,
    commits: list[str],
    issues: list[Issue],
    unreadable: dict[str, set[str]] | None = None,
) -> dict[str, dict[str, Snapshot]]:
    trees, problems = snapshots_at(repo.git, commits, repo.prefix, DOCUMENTS_FOLDER, unreadable)
    issues += [
        git_issue(
            "HISTORY-FRONT-MATTER",
            f"发布版本中的文件头无法读取或文件编号重复 (unreadable front matter in a release): {p}",
            "发布的提交必须通过 cems validate；用 cems release 发布修正后的版本。",
        )
        for p in problems
    ]
    return trees


def read_current_documents(
    repo: Repo, config: Config, model: Model, from_tree: bool = False
) -> dict[str, Snapshot]:
    """The documents as they are now: the working tree, or the tree of the requested ref."""
    if from_tree:
        return _read_trees(repo, [repo.head], [])[repo.head]
    current: dict[str, Snapshot] = {}
    for doc in model.documents:
        snap = snapshot(doc.path, (config.root / doc.path).read_bytes())
        if snap is not None:
            current[snap.id] = snap
    return current


# -- revisions -------------------------------------------------------------------------------


@dataclass
class _DocState:
    revisions: list[Revision] = field(default_factory=list)
    last_text: str = ""
    pending: dict[str, LogEntry] = field(default_factory=dict)  # changes since the last revision
    withdrawn_in: Release | None = None
    reason: str = ""
    numbers: dict[str, str] = field(default_factory=dict)  # department -> 分发号
    copies: list[CopyIssue] = field(default_factory=list)


def _segments(repo: Repo, releases: list[Release]) -> dict[str, int]:
    """Commit -> index of the first release that contains it (DRAFT_SEGMENT: none yet)."""
    parents = {e.commit: e.parents for e in repo.log}
    segment: dict[str, int] = {}
    for index, release in enumerate(releases):
        stack = [release.commit]
        while stack:
            commit = stack.pop()
            if commit in segment or commit not in parents:
                continue
            segment[commit] = index
            stack.extend(parents[commit])
    return segment


Index = dict[int, dict[str, list[tuple[int, LogEntry, str, str]]]]


def _path_index(repo: Repo, segment: dict[str, int]) -> Index:
    """segment -> path -> [(log position, entry, status, other path)] for every file change."""
    index: Index = {}
    for position, entry in enumerate(repo.log):
        paths = index.setdefault(segment.get(entry.commit, DRAFT_SEGMENT), {})
        for change in entry.files:
            paths.setdefault(change.path, []).append((position, entry, change.status, ""))
            if change.old_path:
                paths.setdefault(change.old_path, []).append(
                    (position, entry, change.status, change.path)
                )
                paths[change.path][-1] = (position, entry, change.status, change.old_path)
    return index


def _touching(
    paths_index: dict[str, list[tuple[int, LogEntry, str, str]]], start: Iterable[str]
) -> list[tuple[int, LogEntry]]:
    """Commits touching any of `start`, following renames back to earlier names."""
    found: dict[str, tuple[int, LogEntry]] = {}
    todo, seen = [p for p in start if p], set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for position, entry, status, other in paths_index.get(path, ()):
            found[entry.commit] = (position, entry)
            if status in "RC" and other:
                todo.append(other)
    return sorted(found.values(), key=lambda item: -item[0])  # oldest first


def _edition_key(edition: str) -> tuple[int, str]:
    return len(edition), edition.upper()


def _edition_backwards(snap: Snapshot, last: Revision, release: Release) -> Issue:
    return git_issue(
        "HISTORY-EDITION-BACKWARDS",
        f"{snap.id} 在 {release.tag} 中的版次 {snap.edition} 早于已发布的 {last.edition} "
        "(edition letters only move forward)",
        f"{snap.path} 的 edition 应为 {last.edition} 或之后的字母。",
    )


def _issue_copies(state: _DocState, revision: Revision, distribution: tuple[str, ...]) -> None:
    tag = revision.release.tag
    state.copies = [replace(c, recalled_by=tag) if not c.recalled_by else c for c in state.copies]
    for department in distribution:
        if department not in state.numbers:
            number = len(state.numbers) + 1
            state.numbers[department] = f"{distribution_code(revision.document_id)}-{number:02d}"
        state.copies.append(
            CopyIssue(
                state.numbers[department], department, revision.document_id, revision.label, tag
            )
        )


def _withdraw(state: _DocState, release: Release, reason: str) -> None:
    state.withdrawn_in = release
    state.reason = reason
    state.copies = [
        replace(c, recalled_by=release.tag) if not c.recalled_by else c for c in state.copies
    ]


def _deletion_reason(
    paths_index: dict[str, list[tuple[int, LogEntry, str, str]]], path: str
) -> str:
    for _position, entry, status, _other in paths_index.get(path, ()):
        if status == "D":
            lines = [ln for ln in entry.message.splitlines() if not trailers(ln, "Reviewed-by")]
            return " ".join(" ".join(lines).split())
    return ""


def _release_document(
    state: _DocState, snap: Snapshot, release: Release, reviews: Reviews
) -> Revision | None:
    """The new revision `release` makes of one present document, or None."""
    if snap.status != "effective":
        return None
    last = state.revisions[-1] if state.revisions else None
    if last is not None and last.content_sha256 == snap.sha256:
        return None
    if last is not None and _edition_key(snap.edition) < _edition_key(last.edition):
        reviews.issues.append(_edition_backwards(snap, last, release))
    number = last.number + 1 if last is not None and last.edition == snap.edition else 0
    changes = tuple(reviews.change(e) for e in state.pending.values())
    return Revision(
        snap.id, snap.edition, number, release, snap.path, snap.sha256, snap.status, changes
    )


def compute_history(
    repo: Repo,
    model: Model,
    releases: list[Release],
    current: dict[str, Snapshot],
    today: date | None = None,
) -> tuple[History, list[Issue]]:
    """Revisions, withdrawals, copies and drafts of every document, from already-read git data.

    Only releases effective on or before `today` (default: the clock's date) are in force."""
    issues: list[Issue] = []
    reviews = Reviews(model, repo.log)
    segment = _segments(repo, releases)
    index = _path_index(repo, segment)
    unreadable: dict[str, set[str]] = {}
    trees = _read_trees(repo, [r.commit for r in releases], issues, unreadable)
    states: dict[str, _DocState] = {}
    archived: dict[str, tuple[str, str]] = {}
    previous: dict[str, Snapshot] = {}
    for k, release in enumerate(releases):
        snaps = _carry_unreadable(trees[release.commit], previous, unreadable.get(release.commit))
        for doc_id in sorted(set(snaps) | set(previous)):
            state = states.setdefault(doc_id, _DocState())
            snap, before = snaps.get(doc_id), previous.get(doc_id)
            paths = [repo.prefix + s.path for s in (snap, before) if s is not None]
            for _position, entry in _touching(index.get(k, {}), paths):
                state.pending[entry.commit] = entry
            in_force = state.revisions and state.withdrawn_in is None
            if state.withdrawn_in is not None:
                if snap is not None and snap.status == "effective":
                    issues.append(_reused(doc_id, release))
                continue
            if snap is None or snap.status == "obsolete":
                if in_force:
                    if snap is not None:
                        reason = snap.withdrawal_reason
                    else:
                        # doc_id is in snaps or previous: with no snapshot now, it had one before
                        assert before is not None
                        reason = _deletion_reason(index.get(k, {}), repo.prefix + before.path)
                    _withdraw(state, release, reason)
                    archived[doc_id] = (state.revisions[-1].path, state.last_text)
                continue
            revision = _release_document(state, snap, release, reviews)
            if revision is not None:
                state.revisions.append(revision)
                state.last_text = snap.text
                state.pending = {}
                _issue_copies(state, revision, snap.distribution)
        previous = snaps
    day = today or date.today()
    documents = _controls(
        repo, reviews, states, current, previous, index.get(DRAFT_SEGMENT, {}), day
    )
    issues += reviews.issues + _unreviewed(documents, release_policy(model))
    history = History(
        head_commit=repo.head,
        releases=tuple(releases),
        documents=documents,
        archived=dict(sorted(archived.items())),
        head_date=repo.head_date,
    )
    return apply_reviews(history, model, repo.head_date), issues


def _carry_unreadable(
    snaps: dict[str, Snapshot], previous: dict[str, Snapshot], unreadable: set[str] | None
) -> dict[str, Snapshot]:
    """A file still present at a release but unreadable (an ERROR already) keeps its last
    readable state: it is neither withdrawn nor revised by a broken front matter."""
    if not unreadable:
        return snaps
    kept = {
        doc_id: snap
        for doc_id, snap in previous.items()
        if doc_id not in snaps and snap.path in unreadable
    }
    return {**snaps, **kept}


def _reused(doc_id: str, release: Release) -> Issue:
    return Issue(
        GIT_FILE,
        None,
        "",
        f"{doc_id} 已在 {release.tag} 之前作废，不能再次生效；请使用新的文件编号 "
        "(a withdrawn document id cannot come back into force)",
        severity=Severity.WARNING,
        code="HISTORY-WITHDRAWN-REUSED",
    )


def _unreviewed(documents: dict[str, DocumentControl], policy: ReleasePolicy) -> list[Issue]:
    """Released changes without a valid review (the organisation's review rule)."""
    if not policy.require_review:
        return []
    return [
        unreviewed_issue(control.document_id, revision.release.tag, change, Severity.WARNING)
        for control in documents.values()
        for revision in (*control.revisions, *control.approved)
        for change in revision.changes
        if not change.reviewers
    ]


def _split_future(state: _DocState, day: date) -> tuple[list[Revision], list[Revision]]:
    """(revisions in force by `day`, revisions approved but effective later)."""
    now = [r for r in state.revisions if r.release.in_force_on(day)]
    return now, [r for r in state.revisions if not r.release.in_force_on(day)]


def _controls(
    repo: Repo,
    reviews: Reviews,
    states: dict[str, _DocState],
    current: dict[str, Snapshot],
    last_tree: dict[str, Snapshot],
    draft_index: dict[str, list[tuple[int, LogEntry, str, str]]],
    day: date,
) -> dict[str, DocumentControl]:
    documents: dict[str, DocumentControl] = {}
    for doc_id in sorted(set(states) | set(current)):
        state = states.get(doc_id, _DocState())
        cur, released = current.get(doc_id), last_tree.get(doc_id)
        paths = [repo.prefix + s.path for s in (cur, released) if s is not None]
        pending = dict(state.pending)
        for _position, entry in _touching(draft_index, paths):
            pending[entry.commit] = entry
        revisions, approved = _split_future(state, day)
        withdrawn_in = state.withdrawn_in
        if withdrawn_in is not None and not withdrawn_in.in_force_on(day):
            withdrawn_in = None  # approved withdrawal, effective later
        in_force = revisions[-1] if revisions and not withdrawn_in else None
        latest = approved[-1] if approved else in_force  # an approved text is not a draft
        if withdrawn_in is not None:
            draft = False
        elif latest is None:
            draft = True
        else:
            draft = cur is None or cur.sha256 != latest.content_sha256
        documents[doc_id] = DocumentControl(
            document_id=doc_id,
            revisions=tuple(revisions),
            in_force=in_force,
            draft=draft,
            draft_changes=tuple(reviews.change(e) for e in pending.values()) if draft else (),
            withdrawn_in=withdrawn_in,
            withdrawal_reason=state.reason if withdrawn_in else "",
            pending_withdrawal=state.withdrawn_in if withdrawn_in is None else None,
            approved=tuple(approved),
            copies=tuple(state.copies),
            current_sha256=cur.sha256 if cur else "",
        )
    return documents
