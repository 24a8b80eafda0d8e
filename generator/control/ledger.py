"""The release ledger: every release tag names the one before it, so history cannot be
rewritten quietly.

`cems release` writes `Previous-Release: TAG COMMIT TAG-OBJECT` (or `none` for the first
release) into the tag message. The tag object id hashes its own message, tagger and the
previous link, so the tags form a hash chain: deleting a release, moving it to another commit
or recreating it breaks the link its successor holds. Dates only move forward too: a release
takes effect no earlier than it was tagged and no earlier than the release before it.
"""

from __future__ import annotations

from generator.control.types import Release
from generator.core.issues import Issue, Severity
from generator.git.client import TagRef

LEDGER_KEY = "Previous-Release"
_HINT = (
    "发布标签不能删除、移动或重建；如确需更正，用 cems release 发布新版本。"
    "已推送的标签可从远程仓库恢复：git fetch origin 'refs/tags/release/*:refs/tags/release/*'"
)


def previous_release(message: str) -> tuple[str, str, str] | None:
    """The ledger link (tag, commit, tag object) of a tag message, ("", "", "") for `none`,
    None if the message has no ledger line."""
    for line in message.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == LEDGER_KEY.lower():
            parts = value.split()
            if parts == ["none"] or not parts:
                return "", "", ""
            padded = [*parts, "", "", ""]
            return padded[0], padded[1], padded[2]
    return None


def ledger_line(previous: TagRef | None) -> str:
    """The line `cems release` writes: the hash chain to the last release."""
    if previous is None:
        return f"{LEDGER_KEY}: none"
    return f"{LEDGER_KEY}: {previous.name} {previous.commit} {previous.object}"


def _issue(code: str, message: str, hint: str = _HINT) -> Issue:
    return Issue("git", None, "", message, severity=Severity.ERROR, code=code, hint=hint)


def _link_problem(release: Release, before: Release | None, tags: dict[str, TagRef]) -> str:
    tag = tags.get(release.tag)
    link = previous_release(tag.message if tag else release.message)
    if link is None:
        return (
            f"{release.tag} 不是用 cems release 发布的，没有台账记录 (Previous-Release)，"
            "不能确认之前的发布未被改动 (not a ledger release)"
        )
    name, commit, obj = link
    expected = before.tag if before else ""
    if name and name not in tags:
        return f"{release.tag} 之前的发布 {name} 已被删除 (previous release tag deleted)"
    if name:
        current = tags[name]
        if current.commit != commit:
            return (
                f"发布 {name} 已被移动到其他提交（台账记录 {commit[:10]}，现在 {current.commit[:10]}）"
                " (release tag moved)"
            )
        if obj and current.object != obj:
            return f"发布 {name} 已被删除后重建 (release tag recreated)"
    if name != expected:
        shown = expected or "（无）"
        return (
            f"{release.tag} 的台账记录上一发布为 {name or '（无）'}，但按时间顺序上一发布是 {shown}"
            " (ledger chain broken: a release was inserted, deleted or re-dated)"
        )
    return ""


def check_ledger(releases: list[Release], tags: dict[str, TagRef]) -> list[Issue]:
    """ERRORs for every broken link and every date that goes backwards (oldest first)."""
    issues: list[Issue] = []
    for index, release in enumerate(releases):
        before = releases[index - 1] if index else None
        problem = _link_problem(release, before, tags)
        if problem:
            issues.append(_issue("HISTORY-LEDGER", problem))
        issues += date_problems(release, before)
    return issues


def date_problems(release: Release, before: Release | None) -> list[Issue]:
    """Effective date >= tag date, and >= the previous release's effective date."""
    issues = []
    if release.effective_date < release.date.date():
        issues.append(
            _issue(
                "HISTORY-BACKDATED",
                f"{release.tag} 的生效日期 {release.effective_date} 早于发布日期 "
                f"{release.date.date()}（倒签） (effective date before the release date)",
                "生效日期不能早于批准发布的日期。",
            )
        )
    if before is not None and release.effective_date < before.effective_date:
        issues.append(
            _issue(
                "HISTORY-BACKDATED",
                f"{release.tag} 的生效日期 {release.effective_date} 早于上一发布 {before.tag} "
                f"的生效日期 {before.effective_date} (effective dates go backwards)",
                "生效日期只能向后。",
            )
        )
    return issues
