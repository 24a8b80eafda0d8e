"""Release stage: approve and issue documents by making an annotated tag `release/VERSION`.

The person running it is the approver (git's tagger identity, matched to `organisation.people`
and required to be on the `approvers` roster). The tag message records the effective date as an
`Effective-Date:` trailer and lists the revised and withdrawn documents and the recalled copies,
computed by the same code that later reads the release back (`history.compute_history` with
the new release appended), so the message and the registers can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from generator.content.model import Model
from generator.content.project import load_project
from generator.control.identity import (
    GOOD,
    UNSIGNED,
    allowed_signers_file,
    person_by_email,
    signature_state,
)
from generator.control.ledger import date_problems, ledger_line
from generator.control.policy import ReleasePolicy, release_policy
from generator.control.published import RELEASE_LOG, outside_record_issues, release_log_line
from generator.control.reviews import unreviewed_issue
from generator.control.revisions import compute_history, read_current_documents
from generator.control.tags import (
    APPROVER_HINT,
    Repo,
    approver_problem,
    collect_releases,
    open_repo,
    signature_for,
)
from generator.control.types import (
    MEANING_APPROVE,
    SIGNATURE_ZH,
    CopyIssue,
    History,
    Release,
    Revision,
)
from generator.core.config import Config
from generator.core.issues import CemsError, Issue, Severity, has_errors
from generator.git.client import RELEASE_PREFIX, Git, GitError, Ident

VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


@dataclass
class ReleaseResult:
    release: Release
    history: History  # including the new release
    revised: list[Revision] = field(default_factory=list)
    withdrawn: list[tuple[str, str]] = field(default_factory=list)  # (document id, reason)
    recalled: list[CopyIssue] = field(default_factory=list)
    issued: list[CopyIssue] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)  # changed documents left as drafts


def _refuse(
    code: str, message: str, hint: str = "", issues: list[Issue] | None = None
) -> CemsError:
    issue = Issue("git", None, "", message, severity=Severity.ERROR, code=code, hint=hint)
    return CemsError(f"拒绝发布 (release refused): {message}", [*(issues or []), issue])


def _check_version(version: str) -> None:
    if not VERSION_PATTERN.match(version) or ".." in version or version.endswith((".", ".lock")):
        raise _refuse(
            "RELEASE-VERSION",
            f"版本号 '{version}' 无效 (invalid version)",
            "用字母、数字、点和连字符，如 2025.1。",
        )


def _model(config: Config) -> Model:
    project = load_project(config)
    if project.model is None or has_errors(project.issues):
        raise _refuse(
            "RELEASE-INVALID",
            "内容校验未通过，不能发布 (content is invalid)",
            "先运行 cems validate 并修正全部错误。",
            [i for i in project.issues if i.severity is Severity.ERROR],
        )
    return project.model


def _doc_title(model: Model, doc_id: str) -> str:
    doc = model.document(doc_id)
    return f"{doc_id} {doc.title}" if doc else doc_id


def compose_message(
    result: ReleaseResult, model: Model, effective: date, note: str | None, ledger: str = ""
) -> str:
    """The tag message: summary, the user's note, the lists, and the Effective-Date trailer."""
    version = result.release.version
    lines = [
        # a record read by auditors (site, copies): Chinese only, unlike the CLI's messages
        f"发布 {version}：修订 {len(result.revised)} 份，作废 {len(result.withdrawn)} 份",
        "",
    ]
    if note:
        lines += [note.strip(), ""]
    if result.revised:
        lines.append("修订文件：")
        lines += [f"- {_doc_title(model, r.document_id)} {r.label}" for r in result.revised]
    if result.withdrawn:
        lines.append("作废文件：")
        lines += [f"- {_doc_title(model, d)}：{reason}" for d, reason in result.withdrawn]
    if result.recalled:
        lines.append("回收副本：")
        lines += [
            f"- {c.distribution_number} {model.department_name(c.department)} "
            f"{c.document_id} {c.revision}"
            for c in result.recalled
        ]
    lines += ["", f"Effective-Date: {effective}"]
    if ledger:
        lines.append(ledger)
    return "\n".join(lines) + "\n"


def _summarise(history: History, release: Release) -> ReleaseResult:
    result = ReleaseResult(release, history)
    for control in history.documents.values():
        result.revised += [r for r in control.revisions if r.release.tag == release.tag]
        if control.withdrawn_in is not None and control.withdrawn_in.tag == release.tag:
            result.withdrawn.append((control.document_id, control.withdrawal_reason))
        result.recalled += [c for c in control.copies if c.recalled_by == release.tag]
        result.issued += [c for c in control.copies if c.issued == release.tag]
    return result


def _open(config: Config, env: dict[str, str] | None) -> Repo:
    repo, _empty, problems = open_repo(config, env=env)
    if repo is None:
        raise _refuse(
            "RELEASE-NO-HISTORY",
            "没有可发布的 git 历史 (no usable git history)",
            problems[0].hint if problems else "",
            [replace(i, severity=Severity.ERROR) for i in problems],
        )
    return repo


def _check_tree(repo: Repo, tag: str, policy: ReleasePolicy) -> None:
    git = repo.git
    if git.ok("rev-parse", "-q", "--verify", f"refs/tags/{tag}"):
        raise _refuse("RELEASE-TAG-EXISTS", f"标签 {tag} 已存在 (tag exists)", "换一个版本号。")
    dirty = git.dirty_paths()
    if dirty:
        shown = "、".join(dirty[:10]) + ("……" if len(dirty) > 10 else "")
        raise _refuse(
            "RELEASE-DIRTY",
            f"工作区有未提交的修改 (uncommitted changes): {shown}",
            "先提交（git commit）或撤销这些修改；发布只能针对已提交的内容。",
        )
    main = policy.main_branch
    branch = git.current_branch()
    if branch != main or git.resolve(f"refs/heads/{main}") != repo.head:
        where = f"分支 {branch}" if branch else "分离的 HEAD (detached HEAD)"
        raise _refuse(
            "RELEASE-NOT-MAIN",
            f"只能在主分支 {main} 上发布，当前在{where} (releases only from the main branch)",
            f"git switch {main}；主分支名在 organisation.yaml 的 releases.main_branch 设置。",
        )


def _tagger(repo: Repo, model: Model, approver_check: bool) -> Ident:
    try:
        tagger = repo.git.committer_ident()
    except GitError as error:
        raise _refuse(
            "RELEASE-NO-IDENTITY",
            f"git 不知道发布人是谁 (no git identity): {error.stderr}",
            'git config user.name "姓名"; git config user.email "邮箱"',
        ) from None
    problem = approver_problem(tagger, model, "本次发布") if approver_check else ""
    if problem:
        roster = "、".join(model.person_name(p) for p in model.organisation.approvers)
        raise _refuse("RELEASE-NOT-APPROVER", problem, f"批准人：{roster}。{APPROVER_HINT}")
    return tagger


def _check_dates(pending: Release, releases: list[Release]) -> None:
    problems = date_problems(pending, releases[-1] if releases else None)
    if problems:
        raise _refuse("RELEASE-BACKDATED", problems[0].message, problems[0].hint)


def _check_history(issues: list[Issue]) -> None:
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        raise _refuse(
            "RELEASE-HISTORY",
            "已有的发布历史有错误，修正前不能再发布 (the release history has errors)",
            "运行 cems check 查看。",
            errors,
        )


def _check_result(result: ReleaseResult, policy: ReleasePolicy, review_issues: list[Issue]) -> None:
    if not result.revised and not result.withdrawn:
        raise _refuse(
            "RELEASE-NOTHING",
            "自上次发布以来没有文件修订或作废 (nothing to release)",
            "文件状态须为 effective 且内容有变化；草稿（status: draft）不发布。",
        )
    backwards = [i for i in review_issues if i.code == "HISTORY-EDITION-BACKWARDS"]
    if backwards:
        raise _refuse("RELEASE-EDITION", backwards[0].message, backwards[0].hint)
    unreviewed = [
        unreviewed_issue(r.document_id, r.release.tag, c, Severity.ERROR)
        for r in result.revised
        for c in r.changes
        if not c.reviewers
    ]
    if policy.require_review and unreviewed:
        raise _refuse(
            "RELEASE-UNREVIEWED",
            f"有 {len(unreviewed)} 项修改没有审核，不能发布 (unreviewed changes)",
            unreviewed[0].hint,
            unreviewed,
        )


def _drafts(history: History, model: Model) -> list[str]:
    """Documents with committed changes that this release leaves as drafts."""
    return [
        c.document_id
        for c in history.documents.values()
        if c.draft and c.draft_changes and model.document(c.document_id) is not None
    ]


def create_release(
    config: Config,
    version: str,
    *,
    approver_check: bool = True,
    require_signed: bool = False,
    effective_date: date | None = None,
    message: str | None = None,
    sign: bool = False,
    env: dict[str, str] | None = None,
    dry_run: bool = False,
    show: Callable[[ReleaseResult], None] | None = None,
) -> ReleaseResult:
    """Tag HEAD as `release/VERSION`, or raise CemsError saying why it is refused.

    The tagger is whoever git says is committing now (user.name/user.email, or the
    GIT_COMMITTER_* variables, which `env` may supply for scripted releases). `show` sees the
    planned release before the tag is made; `dry_run` stops there.
    """
    _check_version(version)
    tag = RELEASE_PREFIX + version
    model = _model(config)
    policy = release_policy(model)
    repo = _open(config, env)
    _check_tree(repo, tag, policy)
    tagger = _tagger(repo, model, approver_check)
    effective = effective_date or tagger.when.date()
    releases, history_issues = collect_releases(repo, model)
    history_issues += outside_record_issues(repo.git, config.root, model, repo.tags)
    _check_history(history_issues)
    approver = signature_for(tagger, MEANING_APPROVE, model)
    pending = Release(tag, version, repo.head, tagger.when, effective, approver, "")
    _check_dates(pending, releases)
    current = read_current_documents(repo, config, model)
    history, computed = compute_history(repo, model, [*releases, pending], current, effective)
    result = _summarise(history, pending)
    result.drafts = _drafts(history, model)
    _check_result(result, policy, computed)
    if show is not None:
        show(result)
    if dry_run:
        return result
    previous = next((t for t in repo.tags if releases and t.name == releases[-1].tag), None)
    text = compose_message(result, model, effective, message, ledger_line(previous))
    required = require_signed or policy.signature_required(tagger.when)
    signature = _tag(repo, model, tag, text, sign or required)
    if required and signature != GOOD:
        repo.git.run("tag", "-d", tag)
        raise _refuse(
            "RELEASE-UNSIGNED",
            f"标签签名验证结果为 {SIGNATURE_ZH.get(signature, signature)}，已撤销标签 "
            "(signature not verified against the approver's registered key)",
            "在 organisation.yaml 为本人登记 gpg_keys 或 ssh_keys，并配置 git user.signingkey。",
        )
    result.release = replace(pending, message=text.strip(), signature=signature)
    _append_release_log(repo.git, tag)
    return result


def _append_release_log(git: Git, tag: str) -> None:
    """One line in .git/cems/releases.log: the record that guards the newest release locally."""
    made = next((t for t in git.release_tags() if t.name == tag), None)
    git_dir = git.common_dir()
    if made is None or git_dir is None:
        return
    path = git_dir / RELEASE_LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8", newline="\n") as log:
        log.write(release_log_line(made) + "\n")


def _tag(repo: Repo, model: Model, tag: str, text: str, signing: bool) -> str:
    """Make the tag; the signature state as `cems check` will later read it."""
    try:
        repo.git.run_bytes(
            "tag", "-s" if signing else "-a", "-F", "-", tag, repo.head, stdin=text.encode()
        )
    except GitError as error:
        raise _refuse(
            "RELEASE-TAG-FAILED",
            f"git 无法创建标签 (git tag failed): {error.stderr}",
            "签名发布需要密钥：git config user.signingkey <密钥>。" if signing else "",
        ) from None
    if not signing:
        return UNSIGNED
    tagger = repo.git.committer_ident()
    with allowed_signers_file(model) as signers:
        verification = repo.git.verify_tag(tag, signers)
    return signature_state(verification, person_by_email(model, tagger.email), model)
