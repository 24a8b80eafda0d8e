"""Records of released tags kept outside the tags themselves, so the NEWEST release is guarded too.

The ledger (`ledger.py`) links every release to the one before it, so deleting or moving an
older release breaks a link; nothing links to the newest one. Two records do:

- the published site: `cems publish` writes, for every released version in `versions.json`,
  the tag, its commit and its tag object id. `releases.published_record` in organisation.yaml
  names that file (a path relative to the content root, or absolute), and every read of the
  history compares it with the tags; `cems publish` compares its own previous output.
- the local release log `.git/cems/releases.log` that `cems release` appends to (one line per
  release: tag, commit, tag object). It lives inside .git, so it is never committed, and a
  `git tag -d` in this clone is caught without any configuration.

A recorded tag that is missing, points at another commit, or is another tag object (deleted
and recreated) is an ERROR naming the tag and both commits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from generator.content.model import Model
from generator.control.policy import release_policy
from generator.core.dates import iso_time
from generator.core.issues import Issue, Severity
from generator.git.client import RELEASE_PREFIX, Git, TagRef

RELEASE_LOG = Path("cems") / "releases.log"
CODE = "HISTORY-PUBLISHED-TAG"
_HINT = (
    "已发布的标签不能删除、移动或重建。从远程仓库恢复原标签："
    "git fetch origin 'refs/tags/release/*:refs/tags/release/*'；如确需更正，用 cems release 发布新版本。"
)


@dataclass(frozen=True)
class RecordedTag:
    """A release tag as an outside record saw it."""

    tag: str
    commit: str
    tag_object: str


def _problem(source: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(source, None, "", message, severity=severity, code=CODE, hint=_HINT)


def _entry(item: object) -> RecordedTag | str | None:
    """A versions.json entry as a recorded tag; None for the draft or an entry written by an
    older cems (no tag); a string saying what is wrong with a malformed entry."""
    if not isinstance(item, dict):
        return "条目不是对象 (entry is not an object)"
    if "tag" not in item:
        return None
    values = [item.get(key) for key in ("tag", "commit", "tag_object")]
    if not all(isinstance(v, str) and v for v in values[:2]) or not isinstance(values[2], str):
        return "tag、commit、tag_object 必须是字符串 (tag, commit and tag_object must be strings)"
    tag, commit, tag_object = (str(v) for v in values)
    if not tag.startswith(RELEASE_PREFIX):
        return f"{tag} 不是发布标签 (not a release tag)"
    return RecordedTag(tag, commit, tag_object)


def read_versions_record(path: Path, shown: str) -> tuple[list[RecordedTag], list[Issue]]:
    """The released tags a published `versions.json` records; ([], []) if it does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as error:
        return [], [
            _problem(shown, f"发布记录无法读取 (cannot read the published record): {error}")
        ]
    try:
        data = json.loads(text)
    except ValueError as error:
        issue = _problem(shown, f"发布记录不是有效的 JSON (published record is not JSON): {error}")
        return [], [replace(issue, line=getattr(error, "lineno", None))]
    if not isinstance(data, list):
        return [], [_problem(shown, "发布记录应为版本列表 (published record must be a list)")]
    recorded, issues = [], []
    for index, item in enumerate(data):
        entry = _entry(item)
        if isinstance(entry, str):
            issues.append(_problem(shown, f"发布记录第 {index + 1} 项：{entry}"))
        elif entry is not None:
            recorded.append(entry)
    return recorded, issues


def read_release_log(path: Path) -> list[RecordedTag]:
    """The lines `cems release` appended to the local release log (unreadable lines skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    recorded = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 3 and parts[0].startswith(RELEASE_PREFIX):
            recorded.append(RecordedTag(parts[0], parts[1], parts[2]))
    return recorded


def release_log_line(tag: TagRef) -> str:
    return f"{tag.name} {tag.commit} {tag.object or '-'} {iso_time(tag.tagger.when) if tag.tagger else ''}"


def tag_problems(recorded: list[RecordedTag], tags: list[TagRef], source: str) -> list[Issue]:
    """ERRORs for every recorded release tag that is gone, moved or recreated."""
    current = {t.name: t for t in tags}
    issues: list[Issue] = []
    for entry in dict.fromkeys(recorded):
        tag = current.get(entry.tag)
        if tag is None:
            issues.append(
                _problem(
                    source,
                    f"发布标签 {entry.tag} 已被删除：{source} 记载它指向提交 {entry.commit[:10]}，"
                    "现在仓库中没有这个标签 (a recorded release tag was deleted)",
                )
            )
        elif tag.commit != entry.commit:
            issues.append(
                _problem(
                    source,
                    f"发布标签 {entry.tag} 已被移动：{source} 记载提交 {entry.commit[:10]}，"
                    f"现在指向提交 {tag.commit[:10]} (a recorded release tag was moved)",
                )
            )
        elif entry.tag_object not in ("", "-") and tag.object != entry.tag_object:
            issues.append(
                _problem(
                    source,
                    f"发布标签 {entry.tag} 已被删除后重建：{source} 记载提交 {entry.commit[:10]}、"
                    f"标签对象 {entry.tag_object[:10]}，现在提交 {tag.commit[:10]}、标签对象 "
                    f"{(tag.object or '（轻量标签）')[:10]} (a recorded release tag was recreated)",
                )
            )
    return issues


def configured_record(model: Model, root: Path) -> Path | None:
    """The published `versions.json` organisation.yaml names (releases.published_record)."""
    named = release_policy(model).published_record
    if not named:
        return None
    path = Path(named)
    return path if path.is_absolute() else root / path


def outside_record_issues(git: Git, root: Path, model: Model, tags: list[TagRef]) -> list[Issue]:
    """The tags checked against the configured published record and the local release log."""
    issues: list[Issue] = []
    record = configured_record(model, root)
    if record is not None:
        shown = str(release_policy(model).published_record)
        if not record.is_file():
            issues.append(
                _problem(
                    shown,
                    f"找不到 releases.published_record 指定的发布记录 {shown}，无法核对已发布的标签 "
                    "(the published record is missing)",
                    Severity.WARNING,
                )
            )
        recorded, problems = read_versions_record(record, shown)
        issues += problems + tag_problems(recorded, tags, shown)
    git_dir = git.common_dir()
    if git_dir is not None:
        log = read_release_log(git_dir / RELEASE_LOG)
        issues += tag_problems(log, tags, ".git/" + RELEASE_LOG.as_posix())
    return issues
