"""Cross references: the index of every ID the repository defines, and what happens when a
file that defines them cannot be read (its dependent reference errors are counted, not listed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.content.discover import Sources
from generator.content.load import SourceFile
from generator.content.standard import clause_ids
from generator.core.issues import Issue, Severity

REF_KINDS_ZH = {
    "person": "人员",
    "department": "部门",
    "document": "文件",
    "record": "记录",
    "clause": "标准条款",
    "source": "排放源",
}
_ID_IN_FILE_NAME = re.compile(r"^([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)-")
TYPE_ZH = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "array": "列表",
    "object": "键值对象",
    "null": "空值",
}


@dataclass
class IdIndex:
    """Every identifier that references may point at, with where it was defined."""

    ids: dict[str, dict[str, tuple[str, int | None]]] = field(default_factory=dict)

    def add(self, kind: str, value: Any, file: str, line: int | None) -> Issue | None:
        if not isinstance(value, str) or not value:
            return None
        known = self.ids.setdefault(kind, {})
        if value in known:
            first_file, first_line = known[value]
            where = first_file + (f":{first_line}" if first_line else "")
            return Issue(
                file,
                line,
                "id",
                f"{REF_KINDS_ZH.get(kind, kind)}编号 '{value}' 重复，已在 {where} 定义 "
                f"(duplicate {kind} id)",
                code="XREF-DUPLICATE-ID",
            )
        known[value] = (file, line)
        return None

    def has(self, kind: str, value: str) -> bool:
        return value in self.ids.get(kind, {})


def _line(source: SourceFile, *path: str | int) -> int | None:
    return source.line_of(path)


def as_list(value: Any) -> list[Any]:
    """A list from content, or nothing when the content has another shape (the schema
    reports that; the rules must not crash on it)."""
    return value if isinstance(value, list) else []


def build_index(sources: Sources) -> tuple[IdIndex, list[Issue]]:
    index, issues = IdIndex(), []
    for clause in clause_ids():
        index.add("clause", clause, "standard", None)

    def add(kind: str, value: Any, source: SourceFile, *path: str | int) -> None:
        issue = index.add(kind, value, source.rel, _line(source, *path))
        if issue:
            issues.append(
                Issue(
                    issue.file, issue.line, "/".join(map(str, path)), issue.message, code=issue.code
                )
            )

    org = sources.organisation
    if org and isinstance(org.data, dict):
        for key, kind in (("people", "person"), ("departments", "department")):
            for i, item in enumerate(as_list(org.data.get(key))):
                if isinstance(item, dict):
                    add(kind, item.get("id"), org, key, i, "id")
    for doc in sources.documents:
        if isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
            add("document", doc.data.get("id"), doc, "id")
        elif match := _ID_IN_FILE_NAME.match(doc.rel.rsplit("/", 1)[-1]):
            # its front matter is broken (reported on its own): references to the id in its
            # file name are not errors too, so one mistake gives one message
            add("document", match.group(1), doc, "id")
    for files in sources.records.values():
        for rec in files:
            if isinstance(rec.data, dict):
                add("record", rec.data.get("id"), rec, "id")
    for rec in sources.records.get("emission-sources", []):
        if isinstance(rec.data, dict):
            for i, item in enumerate(as_list(rec.data.get("sources"))):
                if isinstance(item, dict) and item.get("id") not in index.ids.get("source", {}):
                    add("source", item.get("id"), rec, "sources", i, "id")
    return index, issues


def broken_reference_kinds(sources: Sources) -> set[str]:
    """Reference kinds whose definitions could not be read: organisation.yaml missing, not
    parsed or of the wrong shape means no person (or department) id is known."""
    org = sources.organisation
    if org is None or org.issues or not isinstance(org.data, dict):
        return {"person", "department"}
    return {
        kind
        for key, kind in (("people", "person"), ("departments", "department"))
        if not isinstance(org.data.get(key), list)
    }


def suppressed_issue(count: int, broken: set[str]) -> Issue:
    """The one line that stands for the reference errors a broken definition file caused."""
    kinds = "、".join(REF_KINDS_ZH[k] for k in sorted(broken))
    return Issue(
        "content/organisation.yaml",
        None,
        "",
        f"organisation.yaml 无法使用，另有 {count} 个依赖它的{kinds}引用错误未列出 "
        f"({count} dependent reference error(s) suppressed)",
        severity=Severity.WARNING,
        code="XREF-SUPPRESSED",
        hint="先改正 organisation.yaml 的错误，再重新校验。",
    )
