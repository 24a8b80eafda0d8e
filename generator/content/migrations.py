"""Data format versions: which fields changed since a repository's `schema_version`.

The steps are data (resources/data/migrations.yaml). A repository older than this cems gets a
warning naming the changed fields and `cems migrate`; one newer than this cems is refused,
because fields this cems does not know would be misread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.content.load import SourceFile
from generator.core.issues import Issue, Severity
from generator.core.resources import data_path, parse_data_yaml

ORG_FILE = "content/organisation.yaml"
UNVERSIONED = 1  # repositories written before schema_version existed


@dataclass(frozen=True)
class Change:
    source: int  # the version this change leaves
    target: int
    file: str
    field: str
    zh: str
    en: str
    action: dict[str, Any] | None  # None: done by hand (or nothing to do when optional)
    optional: bool = False

    def describe(self) -> str:
        if self.action:
            how = "可自动迁移 (cems migrate --apply)"
        else:
            how = "可选，按需填写 (optional)" if self.optional else "请手工修改 (by hand)"
        return f"v{self.source}→v{self.target} {self.file} [{self.field}]：{self.zh}（{how}） ({self.en})"


def _table() -> dict[str, Any]:
    data: dict[str, Any] = parse_data_yaml(data_path("migrations.yaml").read_text("utf-8"))
    return data


def current_version() -> int:
    return int(_table()["current"])


def repository_version(organisation: dict[str, Any] | None) -> int:
    value = (organisation or {}).get("schema_version", UNVERSIONED)
    return value if isinstance(value, int) and not isinstance(value, bool) else UNVERSIONED


def pending_changes(version: int) -> list[Change]:
    """Every change between `version` and the current one, oldest first."""
    changes = []
    for step in sorted(_table()["steps"], key=lambda s: int(s["from"])):
        if int(step["from"]) < version:
            continue
        for change in step["changes"]:
            changes.append(
                Change(
                    int(step["from"]),
                    int(step["to"]),
                    str(change["file"]),
                    str(change["field"]),
                    str(change["zh"]),
                    str(change["en"]),
                    change.get("action"),
                    bool(change.get("optional", False)),
                )
            )
    return changes


def version_issues(organisation: SourceFile | None) -> list[Issue]:
    """A warning when the repository is older than this cems, an error when it is newer."""
    if organisation is None or not isinstance(organisation.data, dict):
        return []
    version, current = repository_version(organisation.data), current_version()
    line = organisation.line_of(("schema_version",)) if "schema_version" in organisation.data else 1
    if version > current:
        return [
            Issue(
                ORG_FILE,
                line,
                "schema_version",
                f"本仓库的数据格式版本 {version} 比本 cems 支持的 {current} 新，请升级 cems "
                f"(this repository needs a newer cems: format {version} > {current})",
                code="SCHEMA-VERSION-NEWER",
                hint="pip install --upgrade cems",
            )
        ]
    if version == current:
        return []
    fields = "、".join(dict.fromkeys(c.field for c in pending_changes(version)))
    return [
        Issue(
            ORG_FILE,
            line,
            "schema_version",
            f"本仓库的数据格式版本为 {version}，本 cems 为 {current}；变化的字段：{fields} "
            f"(format {version} is older than {current}; changed fields: {fields})",
            Severity.WARNING,
            "SCHEMA-VERSION-OLDER",
            "cems migrate --check 列出每项变化和迁移方法，cems migrate --apply 自动完成能自动完成的部分",
        )
    ]
