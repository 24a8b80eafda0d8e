"""Release-tag stage: the git repository opened once, its `release/VERSION` tags read as releases.

A release is an annotated tag in the `release/` namespace: the tagger approves and issues it,
an `Effective-Date:` line in the message may set when it takes effect. Lightweight tags carry no
tagger, so they are reported and never count as releases. `history.py` computes the revisions
from what this module returns; `release.py` (the `cems release` command) builds on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from generator.content.model import Model
from generator.control.identity import (
    BAD,
    GOOD,
    UNKNOWN,
    UNSIGNED,
    allowed_signers_file,
    person_by_email,
    signature_state,
)
from generator.control.ledger import check_ledger, previous_release
from generator.control.policy import ReleasePolicy, release_policy
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
    def head_date(self) -> date | None:
        entry = next((e for e in self.log if e.commit == self.head), None)
        return entry.committer.when.date() if entry else None


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
    """A git identity as a signature; `person_id` only when the e-mail is on the roster."""
    person = person_by_email(model, ident.email)
    return Signature(ident.name, ident.email, ident.when, meaning, person.id if person else "")


def effective_date(message: str, default: date) -> tuple[date, bool]:
    """`Effective-Date: YYYY-MM-DD` from a tag message; (default, False) if missing or invalid."""
    for line in message.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "effective-date":
            try:
                return datetime.strptime(value.strip(), "%Y-%m-%d").date(), True
            except ValueError:
                return default, False
    return default, True


def make_release(tag: TagRef, model: Model, signature: str) -> tuple[Release, list[Issue]]:
    assert tag.tagger is not None
    issues: list[Issue] = []
    approver = signature_for(tag.tagger, MEANING_APPROVE, model)
    effective, valid = effective_date(tag.message, tag.tagger.when.date())
    if not valid:
        issues.append(
            git_issue(
                "HISTORY-EFFECTIVE-DATE",
                f"{tag.name}: Effective-Date 不是 YYYY-MM-DD，按发布日期计 (invalid effective date)",
                severity=Severity.WARNING,
            )
        )
    link = previous_release(tag.message)
    release = Release(
        tag=tag.name,
        version=tag.name.removeprefix(RELEASE_PREFIX),
        commit=tag.commit,
        date=tag.tagger.when,
        effective_date=effective,
        approver=approver,
        message=tag.message,
        signature=signature,
        previous=link[0] if link else "",
    )
    return release, issues


def approver_problem(ident: Ident, model: Model, what: str) -> str:
    """Why `ident` may not approve, "" if it may: matched by e-mail, on the approvers roster."""
    person = person_by_email(model, ident.email)
    if person is None:
        return (
            f"{what}的发布人 {ident.name} <{ident.email}> 的邮箱不属于本单位任何人员，不能批准发布 "
            "(tagger e-mail is not on the roster)"
        )
    if person.id not in model.organisation.approvers:
        return (
            f"{what}的发布人 {person.name} <{ident.email}> 不在批准人名单中，不能批准发布 "
            "(tagger is not an approver)"
        )
    return ""


APPROVER_HINT = (
    "人员按邮箱识别（不按姓名）：organisation.yaml 的 approvers 列出有权批准发布的人员，"
    "其 email 须与 git user.email 一致。"
)


def main_commits(repo: Repo, branch: str) -> set[str] | None:
    """Commits reachable from the main branch (local, else origin's), None if there is none."""
    for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
        if repo.git.resolve(ref):
            return repo.git.rev_list(ref)
    return None


def _tag_signature(repo: Repo, tag: TagRef, model: Model, signers: Path | None) -> str:
    if not tag.signed:
        return UNSIGNED
    assert tag.tagger is not None
    verification = repo.git.verify_tag(tag.name, signers)
    return signature_state(verification, person_by_email(model, tag.tagger.email), model)


def _admit(
    repo: Repo, tag: TagRef, model: Model, policy: ReleasePolicy, signers: Path | None
) -> tuple[str | None, list[Issue]]:
    """(signature state, issues) of a release tag; state None if it is not a release."""
    assert tag.tagger is not None
    problem = approver_problem(tag.tagger, model, f"{tag.name} ")
    if problem:
        return None, [git_issue("HISTORY-APPROVER", problem, APPROVER_HINT)]
    signature = _tag_signature(repo, tag, model, signers)
    labels = {UNSIGNED: "未签名", BAD: "签名无效", UNKNOWN: "签名无法验证"}
    required = policy.signature_required(tag.tagger.when)
    if signature != GOOD and (required or signature == BAD):
        severity = Severity.ERROR if required else Severity.WARNING
        issue = git_issue(
            "HISTORY-SIGNATURE",
            f"{tag.name}：{labels[signature]}，不是发布人登记的密钥所签 "
            "(signature missing or not by the tagger's registered key)",
            "organisation.yaml 中为批准人登记 gpg_keys（指纹）或 ssh_keys（公钥），"
            "用 cems release --sign 签名发布。",
            severity,
        )
        return (None if required else signature), [issue]
    return signature, []


def collect_releases(repo: Repo, model: Model) -> tuple[list[Release], list[Issue]]:
    """Annotated release tags reachable from the head, oldest first, checked against the
    organisation's identities, signing keys, main branch and the release ledger."""
    policy = release_policy(model)
    reachable = {entry.commit for entry in repo.log}
    on_main = main_commits(repo, policy.main_branch)
    releases: list[Release] = []
    issues: list[Issue] = []
    if on_main is None:
        issues.append(
            git_issue(
                "HISTORY-NO-MAIN-BRANCH",
                f"找不到主分支 {policy.main_branch}，无法确认发布在主分支上 (main branch not found)",
                "organisation.yaml 的 releases.main_branch 设置主分支；CI 中请获取该分支。",
                Severity.WARNING,
            )
        )
    with allowed_signers_file(model) as signers:
        for tag in repo.tags:
            if not tag.annotated or tag.tagger is None:
                issues.append(_lightweight(tag))
                continue
            if on_main is not None and tag.commit not in on_main:
                issues.append(_off_main(tag, policy.main_branch))
                continue
            if tag.commit not in reachable:
                continue  # a later release than `at`
            signature, found = _admit(repo, tag, model, policy, signers)
            issues += found
            if signature is None:
                continue
            release, found = make_release(tag, model, signature)
            releases.append(release)
            issues += found
    releases.sort(key=lambda r: (r.date, r.version))
    issues += check_ledger(releases, {t.name: t for t in repo.tags})
    return releases, issues


def _lightweight(tag: TagRef) -> Issue:
    return git_issue(
        "HISTORY-LIGHTWEIGHT-TAG",
        f"标签 {tag.name} 是轻量标签，没有发布人，不作为发布 (lightweight tag is not a release)",
        f"删除后用 cems release 重新发布（不要 git tag -a 手工打标签）：git tag -d {tag.name}；"
        "网页上创建的标签是轻量标签。",
        Severity.WARNING,
    )


def _off_main(tag: TagRef, branch: str) -> Issue:
    return git_issue(
        "HISTORY-OFF-MAIN",
        f"{tag.name} 指向的提交不在主分支 {branch} 上（在其他分支发布，或主分支被改写），"
        "不作为发布 (release is not on the main branch)",
        f"只在 {branch} 上运行 cems release；主分支被 reset 时请恢复被丢弃的提交。",
    )
