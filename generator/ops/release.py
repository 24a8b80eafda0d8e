"""Release stage: approve and issue documents by making an annotated tag `release/VERSION`.

The person running it is the approver (git's tagger identity, matched to `organisation.people`
and required to be on the `approvers` roster). The tag message records the effective date as an
`Effective-Date:` trailer and lists the revised and withdrawn documents and the recalled copies,
computed by the same code that later reads the release back (`history.compute_history` with
the new release appended), so the message and the registers can never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from generator.content.model import Model
from generator.content.project import load_project
from generator.control.revisions import (
    collect_releases,
    compute_history,
    open_repo,
    read_current_documents,
    signature_for,
)
from generator.control.types import MEANING_APPROVE, CopyIssue, History, Release, Revision
from generator.core.config import Config
from generator.core.issues import CemsError, Issue, Severity, has_errors
from generator.git.client import RELEASE_PREFIX, GitError

VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


@dataclass
class ReleaseResult:
    release: Release
    history: History  # including the new release
    revised: list[Revision] = field(default_factory=list)
    withdrawn: list[tuple[str, str]] = field(default_factory=list)  # (document id, reason)
    recalled: list[CopyIssue] = field(default_factory=list)
    issued: list[CopyIssue] = field(default_factory=list)


def _refuse(
    code: str, message: str, hint: str = "", issues: list[Issue] | None = None
) -> CemsError:
    issue = Issue("git", None, "", message, severity=Severity.ERROR, code=code, hint=hint)
    return CemsError(f"拒绝发布 (release refused): {message}", [*(issues or []), issue])


def _check_arguments(version: str, effective: str | None) -> None:
    if not VERSION_PATTERN.match(version) or ".." in version or version.endswith((".", ".lock")):
        raise _refuse(
            "RELEASE-VERSION",
            f"版本号 '{version}' 无效 (invalid version)",
            "用字母、数字、点和连字符，如 2025.1。",
        )
    if effective is not None:
        try:
            datetime.strptime(effective, "%Y-%m-%d")
        except ValueError:
            raise _refuse(
                "RELEASE-EFFECTIVE-DATE", f"生效日期 '{effective}' 不是 YYYY-MM-DD"
            ) from None


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


def compose_message(result: ReleaseResult, model: Model, effective: str, note: str | None) -> str:
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


def create_release(
    config: Config,
    version: str,
    *,
    approver_check: bool = True,
    require_signed: bool = False,
    effective_date: str | None = None,
    message: str | None = None,
    sign: bool = False,
    env: dict[str, str] | None = None,
) -> ReleaseResult:
    """Tag HEAD as `release/VERSION`, or raise CemsError saying why it is refused.

    The tagger is whoever git says is committing now (user.name/user.email, or the
    GIT_COMMITTER_* variables, which `env` may supply for scripted releases).
    """
    _check_arguments(version, effective_date)
    tag = RELEASE_PREFIX + version
    model = _model(config)
    repo, _empty, problems = open_repo(config, env=env)
    if repo is None:
        raise _refuse(
            "RELEASE-NO-HISTORY",
            "没有可发布的 git 历史 (no usable git history)",
            problems[0].hint if problems else "",
            [replace(i, severity=Severity.ERROR) for i in problems],
        )
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
    try:
        tagger = git.committer_ident()
    except GitError as error:
        raise _refuse(
            "RELEASE-NO-IDENTITY",
            f"git 不知道发布人是谁 (no git identity): {error.stderr}",
            'git config user.name "姓名"; git config user.email "邮箱"',
        ) from None
    approver = signature_for(tagger, MEANING_APPROVE, model)
    if approver_check and approver.person_id not in model.organisation.approvers:
        roster = "、".join(model.person_name(p) for p in model.organisation.approvers)
        raise _refuse(
            "RELEASE-NOT-APPROVER",
            f"{tagger.name} <{tagger.email}> 不在批准人名单中 (not an approver)",
            f"批准人：{roster}。git user.email 须与 organisation.yaml 中该人员的 email 一致。",
        )
    effective = effective_date or tagger.when[:10]
    releases, _issues = collect_releases(repo, model)
    pending = Release(tag, version, repo.head, tagger.when, effective, approver, "")
    current = read_current_documents(repo, config, model)
    history, _more = compute_history(repo, model, [*releases, pending], current)
    result = _summarise(history, pending)
    if not result.revised and not result.withdrawn:
        raise _refuse(
            "RELEASE-NOTHING",
            "自上次发布以来没有文件修订或作废 (nothing to release)",
            "文件状态须为 effective 且内容有变化；草稿（status: draft）不发布。",
        )
    text = compose_message(result, model, effective, message)
    signing = sign or require_signed
    try:
        git.run_bytes(
            "tag", "-s" if signing else "-a", "-F", "-", tag, repo.head, stdin=text.encode()
        )
    except GitError as error:
        raise _refuse(
            "RELEASE-TAG-FAILED",
            f"git 无法创建标签 (git tag failed): {error.stderr}",
            "签名发布需要 gpg 密钥：git config user.signingkey <密钥>。" if signing else "",
        ) from None
    signature = git.verify_tag(tag) if signing else "unsigned"
    if require_signed and signature != "good":
        git.run("tag", "-d", tag)
        raise _refuse(
            "RELEASE-UNSIGNED",
            f"标签签名验证结果为 {signature}，已撤销标签 (signature not verified)",
            "配置 user.signingkey 并确认 gpg 能验证该密钥：git verify-tag。",
        )
    result.release = Release(
        tag, version, repo.head, tagger.when, effective, approver, text.strip(), signature
    )
    return result
