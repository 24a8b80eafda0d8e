"""Release-tag stage: the git repository opened once, its `release/VERSION` tags read as releases.

A release is an annotated tag in the `release/` namespace: the tagger approves and issues it,
an `Effective-Date:` line in the message may set when it takes effect. Lightweight tags carry no
tagger, so they are reported and never count as releases. `history.py` computes the revisions
from what this module returns; `release.py` (the `cems release` command) builds on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from generator.content.model import Model
from generator.control.types import MEANING_APPROVE, History, Release, Signature
from generator.core.config import Config
from generator.core.issues import Issue, Severity
from generator.git.client import RELEASE_PREFIX, Git, Ident, LogEntry, TagRef

GIT_FILE = "git"


@dataclass
class Repo:
    """What one read of the repository gives: enough to compute a History without more git calls."""

    git: Git
    prefix: str  # the content root inside the git work tree, "" or "sub/dir/"
    head: str
    log: list[LogEntry]
    tags: list[TagRef]

    @property
    def head_date(self) -> str:
        entry = next((e for e in self.log if e.commit == self.head), None)
        return entry.committer.when[:10] if entry else ""


def git_issue(
    code: str, message: str, hint: str = "", severity: Severity = Severity.ERROR
) -> Issue:
    """An issue about the repository itself (its file is `git`, no line)."""
    return Issue(GIT_FILE, None, "", message, severity=severity, code=code, hint=hint)


def open_repo(
    config: Config, at: str | None = None, env: dict[str, str] | None = None
) -> tuple[Repo | None, History, list[Issue]]:
    """Open the repository around `config.root`; (None, empty history, issues) if it cannot be read.

    `env` adds environment variables for git (e.g. GIT_COMMITTER_* for a scripted tagger).
    """
    git = Git(config.root, env)
    if git.toplevel() is None:
        return (
            None,
            History(""),
            [
                git_issue(
                    "HISTORY-NOT-GIT",
                    "内容目录不在 git 仓库中，所有文件显示为未发布 (not a git repository)",
                    "在内容目录运行 git init 并提交，再用 cems release 发布。",
                    Severity.WARNING,
                )
            ],
        )
    head = git.resolve(at or "HEAD")
    if head is None:
        if at:
            return (
                None,
                History(""),
                [git_issue("HISTORY-BAD-REF", f"找不到版本 '{at}' (no such ref)")],
            )
        issue = git_issue(
            "HISTORY-NO-COMMITS",
            "git 仓库还没有提交，所有文件显示为未发布 (no commits yet)",
            "git add -A && git commit",
            Severity.WARNING,
        )
        return None, History(""), [issue]
    if git.is_shallow():
        issue = git_issue(
            "HISTORY-SHALLOW",
            "这是浅克隆，git 历史不完整，无法得到正确的版次 (shallow clone: history is incomplete)",
            "运行 git fetch --unshallow；CI 中设置 fetch-depth: 0 (actions/checkout)。",
        )
        return None, History(head, shallow=True), [issue]
    repo = Repo(git, git.prefix(), head, git.log([head]), git.release_tags())
    return repo, History(head), []


def signature_for(ident: Ident, meaning: str, model: Model) -> Signature:
    email = ident.email.strip().lower()
    person = next((p for p in model.organisation.people if p.email.lower() == email), None)
    person = person or next((p for p in model.organisation.people if p.name == ident.name), None)
    return Signature(ident.name, ident.email, ident.when, meaning, person.id if person else "")


def effective_date(message: str, default: str) -> tuple[str, bool]:
    """`Effective-Date: YYYY-MM-DD` from a tag message; (default, False) if missing or invalid."""
    for line in message.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "effective-date":
            try:
                return datetime.strptime(value.strip(), "%Y-%m-%d").date().isoformat(), True
            except ValueError:
                return default, False
    return default, True


def _timestamp(when: str) -> float:
    try:
        return datetime.fromisoformat(when).timestamp()
    except ValueError:
        return 0.0


def make_release(tag: TagRef, model: Model, signature: str) -> tuple[Release, list[Issue]]:
    assert tag.tagger is not None
    issues: list[Issue] = []
    approver = signature_for(tag.tagger, MEANING_APPROVE, model)
    effective, valid = effective_date(tag.message, tag.tagger.when[:10])
    if not valid:
        issues.append(
            git_issue(
                "HISTORY-EFFECTIVE-DATE",
                f"{tag.name}: Effective-Date 不是 YYYY-MM-DD，按发布日期计 (invalid effective date)",
                severity=Severity.WARNING,
            )
        )
    if approver.person_id not in model.organisation.approvers:
        issues.append(
            git_issue(
                "HISTORY-APPROVER",
                f"{tag.name} 的发布人 {tag.tagger.name} <{tag.tagger.email}> 不在批准人名单中 "
                "(tagger is not an approver)",
                "organisation.yaml 的 approvers 列出有权批准发布的人员，邮箱须与 git user.email 一致。",
                Severity.WARNING,
            )
        )
    release = Release(
        tag=tag.name,
        version=tag.name.removeprefix(RELEASE_PREFIX),
        commit=tag.commit,
        date=tag.tagger.when,
        effective_date=effective,
        approver=approver,
        message=tag.message,
        signature=signature,
    )
    return release, issues


def collect_releases(repo: Repo, model: Model) -> tuple[list[Release], list[Issue]]:
    """Annotated release tags reachable from the head, oldest first."""
    reachable = {entry.commit for entry in repo.log}
    releases, issues = [], []
    for tag in repo.tags:
        if not tag.annotated or tag.tagger is None:
            issues.append(
                git_issue(
                    "HISTORY-LIGHTWEIGHT-TAG",
                    f"标签 {tag.name} 是轻量标签，没有发布人，不作为发布 (lightweight tag is not a release)",
                    f"删除后用 cems release 重新发布，或 git tag -a {tag.name} -m '发布说明' <commit>；"
                    "网页上创建的标签是轻量标签。",
                    Severity.WARNING,
                )
            )
            continue
        if tag.commit not in reachable:
            continue  # a release on another branch, or later than `at`
        signature = repo.git.verify_tag(tag.name) if tag.signed else "unsigned"
        release, found = make_release(tag, model, signature)
        releases.append(release)
        issues += found
    releases.sort(key=lambda r: (_timestamp(r.date), r.version))
    return releases, issues
