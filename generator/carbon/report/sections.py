"""Annex A carbon assessment report (碳评估报告) as CommonMark + pipe tables, with PNG charts.

Sections A.1-A.10 follow Annex A of the standard. Tables A.1-A.3 and the results come from the
records and the computed assessment; the text an assessor must write (basis, team, management
and monitoring status, influencing factors, opportunities, problems) comes from the year's
`carbon-assessments` record. Images are referenced as `images/<name>.png`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from generator.carbon.calc.analysis import Assessment, assess, records_for_year
from generator.carbon.calc.completeness import plan_for_year
from generator.carbon.calc.rounding import ORIGIN_ZH, percent
from generator.carbon.calc.rules import RULE_ZH, TAG_ZH
from generator.carbon.report.charts import render_charts
from generator.carbon.report.markdown import bullets, table
from generator.carbon.report.results import (
    section_a4_a6,
    section_a7,
    section_a8,
    section_a9,
    section_a10,
)
from generator.content.model import Model, Record

__all__ = ["ORIGIN_ZH", "AssessmentReport", "assessment_record", "render_assessment"]


@dataclass(frozen=True)
class AssessmentReport:
    title: str
    markdown: str
    images: dict[str, bytes] = field(default_factory=dict)


RESULT_ZH = {
    "pass": "合格",
    "fail": "不合格",
    "not_calibrated": "未检定",
    "overdue": "逾期未检",
    "expired": "已过有效期",
}


def _info(model: Model, year: int) -> dict[str, Any]:
    found = records_for_year(model, "carbon-assessments", year)
    return found[-1].data if found else {}


def _sources(a: Assessment) -> list[dict[str, Any]]:
    return list(a.inventory.record.data.get("sources") or [])


def _a1(model: Model, a: Assessment, info: dict[str, Any]) -> list[str]:
    out = ["## A.1 碳评估报告编制说明", "", "### A.1.1 评估依据", ""]
    basis = [str(b) for b in info.get("basis") or []]
    # the legal register in force for the year: the latest one dated no later than its end
    registers = [r for r in model.records_of("legal-register") if r.sort_date.year <= a.year]
    listed: list[str] = []
    for record in registers[-1:]:
        listed += [_requirement_line(r) for r in record.data["requirements"]]
    # a basis the register lists too is printed once, in the register's fuller form
    basis = [b for b in basis if not any(entry.startswith(b) for entry in listed)]
    basis = list(dict.fromkeys(basis + listed))
    sources = sorted(
        {
            f"{p.source}（{p.tag}）"
            for r in a.inventory.results
            for p in r.parameters
            if p.is_default
        }
    )
    out += [
        bullets(basis) if basis else "评估依据未记录。",
        "",
        "采用的排放因子缺省值来源（置信度 V 已核对；C 仅见于公开代码；M 未核实）：",
        "",
        bullets(sources) if sources else "- 无（全部采用实测值或规定值）",
    ]
    out += _rules(a)
    boundary = model.organisation.boundary
    out += [
        "",
        "### A.1.2 评估范围",
        "",
        "遵循“谁排放，谁统计”原则，评估范围与单位运营范围一致。",
        "",
    ]
    for key in ("scope", "description"):
        if boundary.get(key):
            out += [" ".join(str(boundary[key]).split()), ""]
    out += [
        "",
        "按北京市核算要求，固定设施计入排放总量；移动源和京外场所只报告能源消耗，不计入；生物质燃烧的二氧化碳单独报告。",
    ]
    earlier = [str(h.year) for h in a.history if h.year < a.year][-3:]
    out += ["", "### A.1.3 评估时间段", "", f"{a.year} 年 1 月 1 日至 {a.year} 年 12 月 31 日。"]
    if not a.inventory.complete:
        months = a.inventory.months
        upto = f"数据截至 {months[-1]}" if months else "尚无计量数据"
        out.append(
            f"**本年数据不完整**（{upto}），以下结果不是全年结果，与基准的比较按同期月份进行，"
            "目标完成情况未评价。"
        )
    if earlier:
        out.append(f"同时考察了 {'、'.join(earlier)} 年的情况。")
    rows = []
    for member in info.get("team") or []:
        person = model.person(member["person"])
        rows.append(
            (
                person.name if person else member["person"],
                model.department_name(person.department) if person else "",
                person.title if person else "",
                member["role"],
            )
        )
    out += [
        "",
        "### A.1.4 评估组组成",
        "",
        table(("姓名", "部门", "职务", "分工"), rows) if rows else "评估组未记录。",
    ]
    return out


def _a2(model: Model, info: dict[str, Any]) -> list[str]:
    org = model.organisation
    rows = [
        (d.name, model.person_name(d.head) if d.head else "", "".join(d.responsibilities))
        for d in org.departments
    ]
    out = ["## A.2 碳排放管理状况", "", "### A.2.1 组织机构与职责", ""]
    out += [
        f"最高管理者：{model.person_name(org.top_management)}；管理者代表：{model.person_name(org.management_representative)}。",
        "",
    ]
    out += [table(("部门", "负责人", "碳排放管理职责"), rows), "", "### A.2.2 管理制度与执行", ""]
    out.append(str(info.get("management_status") or "管理制度执行情况未记录。"))
    docs = [
        (d.id, d.title, d.kind_zh, d.status_zh)
        for d in model.documents
        if d.kind in ("manual", "procedure", "rule")
    ]
    if docs:
        out += ["", table(("文件编号", "名称", "类别", "状态"), docs)]
    return out


def _a3(model: Model, a: Assessment, info: dict[str, Any]) -> list[str]:
    out = ["## A.3 监测统计状况", "", str(info.get("monitoring_status") or "监测统计状况未记录。")]
    record = plan_for_year(model, a.year)
    plan = [
        (
            i["content"],
            model.department_name(i["department"]),
            i["method"],
            i["frequency"],
            i["record"],
        )
        for i in (record.data["items"] if record else [])
    ]
    if record is not None:
        out += [
            "",
            f"监测计划（{record.id}）：",
            "",
            table(("监测内容", "责任部门", "监测形式", "监测频率", "记录形式"), plan),
        ]
    else:
        out += ["", f"{a.year} 年度监测计划未记录。"]
    operating = [s for s in _sources(a) if s["status"] == "operating"]
    metered = [s for s in operating if s.get("meter")]
    year_end = date(a.year, 12, 31)
    latest: dict[
        str, dict[str, Any]
    ] = {}  # each meter's newest calibration on record by the year's end
    for r in sorted(model.records_of("calibration"), key=lambda r: r.sort_date):
        for i in r.data["instruments"]:
            if r.sort_date <= year_end and str(i.get("calibrated", "")) >= str(
                latest.get(i["id"], {}).get("calibrated", "")
            ):
                latest[i["id"]] = i
    # a fuel card statement and the like is not a measuring instrument
    instruments = [i for i in latest.values() if i["result"] != "exempt"]
    # good = passed and still in date at the end of the year assessed (overdue is not good)
    good = [
        i
        for i in instruments
        if i["result"] == "pass" and str(i.get("due", "9999")) >= year_end.isoformat()
    ]
    out += [
        "",
        f"计量器具配备率：{len(metered)}/{len(operating)} 个运行排放源配有计量器具"
        + (f"（{percent_ratio(len(metered), len(operating))}）" if operating else "")
        + "。",
    ]
    if instruments:
        out.append(
            f"计量器具完好率：{len(good)}/{len(instruments)} 台检定/校准合格（{percent_ratio(len(good), len(instruments))}）。"
        )
        out += [
            "",
            table(
                ("器具编号", "名称", "位置", "准确度等级", "检定日期", "有效期至", "结论"),
                [
                    (
                        i["id"],
                        i["name"],
                        i["location"],
                        i.get("accuracy_class", ""),
                        i.get("calibrated", ""),
                        i.get("due", ""),
                        RESULT_ZH.get(i["result"], i["result"]),
                    )
                    for i in instruments
                ],
            ),
        ]
    missing = [f"{m.month} {m.source_id}" for m in a.missing_months]
    gaps = [f"{m} {i}" for i, m in a.inventory.missing_denominators]
    text = "各运行排放源逐月计量数据和强度分母齐全"
    if missing or gaps:
        text = "**不完整**：" + "；".join(
            part
            for part in (
                "缺少 " + "、".join(missing) + " 的计量数据" if missing else "",
                "缺少 " + "、".join(gaps) + " 的强度分母" if gaps else "",
            )
            if part
        )
    out += ["", f"数据完整性：{text}。"]
    return out


def _of_year(model: Model, record_type: str, year: int) -> list[Record]:
    """Records of `year`: those stating it, else those dated in it (never another year's)."""
    records = list(model.records_of(record_type))
    stated = [r for r in records if r.data.get("year") == year]
    return stated or [r for r in records if "year" not in r.data and r.sort_date.year == year]


def _rules(a: Assessment) -> list[str]:
    rules = a.inventory.rules
    if rules is None:
        return []
    rows = [
        (RULE_ZH.get(r.key, r.key), r.value_zh, r.source, f"{r.tag}（{TAG_ZH.get(r.tag, r.tag)}）")
        for r in rules.rules
    ]
    out = ["", f"核算规则：{rules.name_zh}。", ""]
    out.append(table(("规则", "取值", "来源", "置信度"), rows) if rows else "- 无规则数据。")
    if rules.unverified:
        out += [
            "",
            "标为 C 或 M 的规则和数值未经官方文本核实，使用前应对照当年通知和标准原文确认。",
        ]
    return out


def percent_ratio(part: int, whole: int) -> str:
    return percent(Decimal(part) / Decimal(whole) * 100) if whole else "—"


def render_assessment(
    model: Model, year: int | None = None, assessment: Assessment | None = None
) -> AssessmentReport:
    """The Annex A report for `year` (default: latest). Raises CemsError when it cannot be computed."""
    a = assessment or assess(model, year)
    info = _info(model, a.year)
    title = f"{model.organisation.name} {a.year} 年度碳评估报告"
    parts = [f"# {title}", ""]
    for section in (
        _a1(model, a, info),
        _a2(model, info),
        _a3(model, a, info),
        section_a4_a6(a),
        section_a7(a),
        section_a8(a, info),
        section_a9(a),
        section_a10(a, info),
    ):
        parts += [*section, ""]
    return AssessmentReport(title, "\n".join(parts).rstrip() + "\n", render_charts(a))


def assessment_record(model: Model, year: int) -> Record | None:
    found = records_for_year(model, "carbon-assessments", year)
    return found[-1] if found else None


def _requirement_line(requirement: dict[str, Any]) -> str:
    """A legal requirement as a basis of the report: name (issuer, effective date)."""
    parts = [str(requirement.get("issuer") or ""), f"{requirement['effective']} 实施"]
    return f"{requirement['name']}（{'，'.join(p for p in parts if p)}）"
