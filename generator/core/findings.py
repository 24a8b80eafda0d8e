"""Findings of `cems check`: one judgement of whether the management system runs.

A finding names the rule (from resources/data/check-rules.yaml), the clause of the standard it
judges, where the evidence is (file, line) and a plain Chinese message. They are computed in
ops/ and handed to the renderer as data, so render/ never runs the rules itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.core.issues import Severity


@dataclass(frozen=True, order=True)
class Finding:
    clause: str
    rule: str
    severity: Severity
    file: str
    line: int | None
    message: str
    field: str = ""  # the field to fill or correct, where the finding points at one

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "clause": self.clause,
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }
        if self.field:  # only where a finding points at one field
            data["field"] = self.field
        return data

    def format(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.severity.value} {self.rule} [{self.clause}]: {self.message}"


@dataclass(frozen=True)
class StatusReport:
    """What the site's 体系运行状态 page and clause matrix need from `cems check`."""

    as_of: str
    findings: tuple[Finding, ...] = ()
    checked_clauses: frozenset[str] = field(default_factory=frozenset)
    rule_titles: dict[str, str] = field(default_factory=dict)

    def for_clause(self, clause_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.clause == clause_id)


@dataclass(frozen=True)
class PackSection:
    """One input of clause 10 a), prefilled from the records (plain text lines)."""

    key: str  # the management-reviews `inputs` field it feeds
    title: str
    lines: tuple[str, ...]
    sources: tuple[str, ...] = ()  # record ids the lines were taken from


@dataclass(frozen=True)
class ReviewPack:
    """The management review input pack (管理评审输入材料) of one period."""

    id: str  # e.g. MRI-2025; a management-reviews record names it in `pack`
    period: str
    title: str
    as_of: str
    organisation: str
    sections: tuple[PackSection, ...]

    def to_markdown(self, heading: bool = True) -> str:
        out = [f"# {self.title}", ""] if heading else []
        out += [
            f"材料编号：{self.id}；评审期间：{self.period} 年；数据截至 {self.as_of}。"
            "本材料由 cems review-input 从记录生成，供管理评审会议使用，"
            f"会议记录应在 pack 字段引用 {self.id}。",
            "",
        ]
        for number, section in enumerate(self.sections, start=1):
            out += [f"## {number} {section.title}", ""]
            out += [f"- {_escape(line)}" for line in section.lines] or ["- 本期无相关记录。"]
            if section.sources:
                out += ["", f"数据来源：{'、'.join(section.sources)}"]
            out.append("")
        return "\n".join(out)


def _escape(text: str) -> str:
    for char in ("\\", "*", "_", "`", "[", "]", "<", ">", "|"):
        text = text.replace(char, "\\" + char)
    return text
