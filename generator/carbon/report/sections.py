"""Annex A carbon assessment report (碳评估报告) as CommonMark + pipe tables, with PNG charts.

Sections A.1-A.10 follow Annex A of the standard. Tables A.1-A.3 and the results come from the
records and the computed assessment; the text an assessor must write (basis, team, management
and monitoring status, influencing factors, opportunities, problems) comes from the year's
`carbon-assessments` record. Images are referenced as `images/<name>.png`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from generator.carbon.calc.analysis import Assessment, assess, records_for_year
from generator.carbon.calc.rounding import percent
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

ORIGIN_ZH = {
    "default": "缺省值",
    "measured": "实测值",
    "specified": "指定值",
    "source_record": "排放源清单",
}


@dataclass(frozen=True)
class AssessmentReport:
    title: str
    markdown: str
    images: dict[str, bytes] = field(default_factory=dict)


def _info(model: Model, year: int) -> dict:
    found = records_for_year(model, "carbon-assessments", year)
    return found[-1].data if found else {}


def _sources(a: Assessment) -> list[dict]:
    return list(a.inventory.record.data.get("sources") or [])


def _a1(model: Model, a: Assessment, info: dict) -> list[str]:
    out = ["## A.1 碳评估报告编制说明", "", "### A.1.1 评估依据", ""]
    basis = [str(b) for b in info.get("basis") or []]
    # the legal register in force for the year: the latest one dated no later than its end
    registers = [r for r in model.records_of("legal-register") if r.date[:4] <= str(a.year)]
    listed: list[str] = []
    for record in registers[-1:]:
        listed += [
            f"{r['name']}（{r.get('issuer', '')}，{r['effective']} 实施）"
            for r in record.data["requirements"]
        ]
    # a basis the register lists too is printed once, in the register's fuller form
    basis = [b for b in basis if not any(entry.startswith(b) for entry in listed)]
    basis = list(dict.fromkeys(basis + listed))
    sources = sorted({p.source for r in a.inventory.results for p in r.parameters if p.is_default})
    out += [
        bullets(basis) if basis else "评估依据未记录。",
        "",
        "采用的排放因子缺省值来源：",
        "",
        bullets(sources) if sources else "- 无（全部采用实测值）",
    ]
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


def _a2(model: Model, info: dict) -> list[str]:
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


def _a3(model: Model, a: Assessment, info: dict) -> list[str]:
    out = ["## A.3 监测统计状况", "", str(info.get("monitoring_status") or "监测统计状况未记录。")]
    plan = [
        (
            i["content"],
            model.department_name(i["department"]),
            i["method"],
            i["frequency"],
            i["record"],
        )
        for r in model.records_of("monitoring-plan")
        for i in r.data["items"]
    ]
    if plan:
        out += [
            "",
            "监测计划：",
            "",
            table(("监测内容", "责任部门", "监测形式", "监测频率", "记录形式"), plan),
        ]
    operating = [s for s in _sources(a) if s["status"] == "operating"]
    metered = [s for s in operating if s.get("meter")]
    instruments = [i for r in model.records_of("calibration") for i in r.data["instruments"]]
    good = [i for i in instruments if i["result"] == "pass"]
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
                        {"pass": "合格", "fail": "不合格", "not_calibrated": "未检定"}[i["result"]],
                    )
                    for i in instruments
                ],
            ),
        ]
    missing = [f"{m.month} {m.source_id}" for m in a.missing_months]
    out += [
        "",
        f"数据完整性：{'缺少 ' + '、'.join(missing) + ' 的计量数据' if missing else '各运行排放源逐月计量数据齐全'}。",
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
