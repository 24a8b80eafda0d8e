"""Annex A report, sections A.4-A.10: sources, data and factor tables, results, influencing
factors, baseline and advanced values, conclusion. Everything here comes from the records and
the computed assessment; `report.py` assembles the sections."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.carbon.calc.analysis import KIND_ZH, Assessment
from generator.carbon.calc.rounding import (
    ADVANCED_ZH_SHORT,
    BOUNDARY_ZH,
    CATEGORY_ZH,
    ORIGIN_ZH,
    PARAMETER_ZH,
    ROUNDING_RULE_ZH,
    STATUS_ZH,
    activity,
    factor,
    intensity,
    percent,
    tco2,
)
from generator.carbon.calc.targets import BASIS_ZH
from generator.carbon.calc.uncertainty import LIMIT_PERCENT, over_limit
from generator.carbon.report.markdown import bullets, table


def _sources(a: Assessment) -> list[dict[str, Any]]:
    return list(a.inventory.record.data.get("sources") or [])


def section_a4_a6(a: Assessment) -> list[str]:
    entries = _sources(a)
    out = [
        "## A.4 碳排放源识别",
        "",
        "识别出评估时间段内的碳排放源，见表A.1。",
        "",
        "表A.1 碳排放源清单",
        "",
    ]
    out.append(
        table(
            ("序号", "名称", "规格参数", "位置", "投运时间"),
            [
                (n, s["name"], s["spec"], s["location"], s["commissioned"])
                for n, s in enumerate(entries, 1)
            ],
        )
    )
    notes = [
        f"{s['name']}（{s['id']}）：{BOUNDARY_ZH[s['boundary']]}，{STATUS_ZH[s['status']]}"
        for s in entries
        if s["boundary"] != "fixed" or s["status"] != "operating" or s.get("biomass")
    ]
    if notes:
        out += ["", "说明：", "", bullets(notes)]
    results = {r.source_id: r for r in a.inventory.results}

    def used(sid: str, name: str) -> str:
        r = results.get(sid)
        p = next((p for p in r.parameters if p.name == name), None) if r else None
        if p is None:
            return ""
        where = f"{p.source}（{p.tag}）" if p.is_default else p.source
        return f"{ORIGIN_ZH.get(p.origin, p.origin)} {p.value} {p.unit}：{where}"

    a2, a3 = [], []
    for s in entries:
        comb = s["category"] == "combustion"
        content = f"{s['name']}（{s['id']}）"
        a2.append(
            (
                CATEGORY_ZH[s["category"]],
                content,
                s.get("activity_data_source", ""),
                (s.get("ncv_source") or used(s["id"], "ncv")) if comb else "--",
            )
        )
        first = (
            s.get("carbon_content_source") or used(s["id"], "carbon_content")
            if comb
            else used(s["id"], "emission_factor")
        )
        a3.append(
            (
                CATEGORY_ZH[s["category"]],
                content,
                first or used(s["id"], "emission_factor"),
                (s.get("oxidation_source") or used(s["id"], "oxidation_rate")) if comb else "--",
            )
        )
    out += [
        "",
        "## A.5 活动水平数据及其来源说明",
        "",
        "确定碳排放单位二氧化碳排放涉及到的所有活动水平数据种类及来源，详见表A.2。",
        "",
        "表A.2 活动水平及其来源",
        "",
        table(("类别", "内容", "净消耗量数据来源", "低位发热值数据来源"), a2),
    ]
    out += [
        "",
        "## A.6 排放因子数据及其来源说明",
        "",
        "确定碳排放单位二氧化碳排放涉及到的所有排放因子，详见表A.3。",
        "",
        "表A.3 排放因子及其来源",
        "",
        table(("类别", "内容", "单位热值含碳量数据来源", "碳氧化率数据来源"), a3),
    ]
    params = [
        (
            r.source_id,
            PARAMETER_ZH.get(p.name, p.name),
            p.value,
            p.unit,
            ORIGIN_ZH.get(p.origin, p.origin),
            p.source,
            p.tag or "—",
            f"{p.uncertainty_percent}%" + ("（假定）" if p.uncertainty_assumed else ""),
        )
        for r in a.inventory.results
        for p in r.parameters
    ]
    out += [
        "",
        "本年计算实际采用的参数（置信度：V 公开来源已核对；C 仅见于公开代码；M 常被引用、未核实）：",
        "",
        table(
            ("排放源", "参数", "数值", "单位", "取值方式", "来源或证据", "置信度", "不确定性"),
            params,
        ),
    ]
    return out


def _result_rows(results) -> list[tuple]:
    return [
        (
            r.source_id,
            r.name,
            CATEGORY_ZH[r.category],
            activity(r.activity_data),
            r.activity_unit,
            factor(r.emission_factor),
            r.factor_unit,
            tco2(r.emissions_tco2),
            percent(r.uncertainty_percent),
        )
        for r in results
    ]


RESULT_HEADERS = (
    "编号",
    "名称",
    "类别",
    "活动水平",
    "单位",
    "排放因子",
    "单位",
    "排放量 tCO2",
    "不确定性",
)


def section_a7(a: Assessment) -> list[str]:
    inv = a.inventory
    out = [
        "## A.7 碳排放量计算结果",
        "",
        "根据北京市碳排放核算与报告指南（GB/T 32150 结构）计算：燃料燃烧 E = 消耗量 × 低位发热值 × 单位热值含碳量 × 碳氧化率 × 44/12；"
        "工业过程 E = 物料量 × 排放因子；净购入电力、热力 E = 净购入量 × 排放因子。",
        "",
    ]
    out.append(
        table(
            RESULT_HEADERS,
            [
                *_result_rows(inv.counted),
                (
                    "合计",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    tco2(inv.total_tco2),
                    percent(inv.uncertainty_percent),
                ),
            ],
        )
    )
    out += [
        "",
        table(
            ("类别", "排放量 tCO2"), [(CATEGORY_ZH[c], tco2(v)) for c, v in inv.by_category.items()]
        ),
    ]
    out += [
        "",
        f"碳排放总量 **{tco2(inv.total_tco2)} tCO2**；{inv.output.name} {activity(inv.output.quantity)} {inv.output.unit}；"
        f"碳排放强度 **{intensity(inv.intensity)} {inv.intensity_unit}**。",
        "",
    ]
    out += [f"![{a.year} 年各月碳排放量（按类别）](images/emissions-by-month.png)", ""]
    out += [table(("月份", "排放量 tCO2"), [(m, tco2(v)) for m, v in inv.by_month.items()])]
    if inv.reported_only:
        out += [
            "",
            "只报告、不计入总量的排放源（移动源、京外场所）：",
            "",
            table(
                (*RESULT_HEADERS, "边界"),
                [
                    (*row, BOUNDARY_ZH[r.boundary])
                    for row, r in zip(
                        _result_rows(inv.reported_only), inv.reported_only, strict=True
                    )
                ],
            ),
        ]
    if inv.biomass:
        out += ["", f"生物质燃烧二氧化碳 {tco2(inv.biomass_tco2)} tCO2，单独报告，不计入总量。"]
    out += [
        "",
        f"不确定性按 IPCC 2006 方法1（误差传递）计算：总量不确定性 ±{percent(inv.uncertainty_percent)}。"
        f"未给出不确定性的输入按 5% 假定，已在表中注明。",
    ]
    flagged = [r.source_id for r in inv.results if over_limit(r.uncertainty_percent)]
    if flagged:
        out.append(
            f"排放源 {'、'.join(flagged)} 的不确定性超过 {LIMIT_PERCENT}%，方法1 不再适用，宜采用蒙特卡罗法（方法2）。"
        )
    out += ["", f"数值修约：{ROUNDING_RULE_ZH}"]
    return out


def section_a8(a: Assessment, info: dict) -> list[str]:
    out = ["## A.8 碳排放量影响因素识别", ""]
    factors = [(f["factor"], f["analysis"]) for f in info.get("influencing_factors") or []]
    out.append(table(("影响因素", "分析"), factors) if factors else "影响因素未记录。")
    anomalies = [
        (
            x.month,
            x.source_id,
            KIND_ZH[x.kind],
            x.compared_month,
            f"{activity(x.previous)} → {activity(x.current)} {x.unit}",
            percent(x.change_percent),
        )
        for x in a.anomalies
    ]
    out += [
        "",
        f"监测数据分析（环比阈值 {a.thresholds.mom_percent}%，同比阈值 {a.thresholds.yoy_percent}%）：",
        "",
    ]
    out.append(
        table(("月份", "排放源", "类型", "对比月份", "计量值", "变化"), anomalies)
        if anomalies
        else "未发现超过阈值的变化。"
    )
    chances = [
        (o["measure"], tco2(_dec(o.get("potential_tco2")))) for o in info.get("opportunities") or []
    ]
    out += [
        "",
        "减排潜力：",
        "",
        table(("减排机会", "潜力 tCO2/年"), chances) if chances else "减排机会未记录。",
    ]
    return out


def _dec(value):
    return None if value is None else Decimal(str(value))


def section_a9(a: Assessment) -> list[str]:
    out = ["## A.9 碳排放基准与先进值", ""]
    b = a.baseline
    if b is None:
        out.append("尚未确定碳排放基准（无基准记录）。")
    else:
        origin = {"record": "记录值", "computed": "按核算结果计算", "": "未知"}
        out.append(
            table(
                ("项目", "基准", "本年", "变化"),
                [
                    (
                        "基准类型",
                        f"{BASIS_ZH.get(b.basis, b.basis)}（{'、'.join(map(str, b.years))} 年）",
                        "",
                        "",
                    ),
                    (
                        "排放量 tCO2",
                        f"{tco2(b.total_tco2)}（{origin[b.total_origin]}）",
                        tco2(a.inventory.total_tco2),
                        percent(b.change_total_percent),
                    ),
                    (
                        f"强度 {b.intensity_unit}",
                        f"{intensity(b.intensity)}（{origin[b.intensity_origin]}）",
                        intensity(a.inventory.intensity),
                        percent(b.change_intensity_percent),
                    ),
                ],
            )
        )
        out += ["", f"选择理由：{b.rationale}", "", "碳排放先进值：", ""]
        out.append(
            table(
                ("类型", "强度", "单位", "来源", "本年与先进值差距"),
                [
                    (
                        ADVANCED_ZH_SHORT.get(v.kind, v.kind),
                        intensity(v.intensity),
                        v.unit,
                        v.source,
                        percent(v.gap_percent),
                    )
                    for v in b.advanced
                ],
            )
        )
    out += ["", "![碳排放强度与基准、先进值](images/intensity-vs-baseline.png)"]
    if a.objectives:
        rows = [
            (
                o.id,
                o.title,
                o.unit,
                _objective_value(o.unit, o.baseline_value),
                _objective_value(o.unit, o.target_value),
                o.target_year,
                _objective_value(o.unit, o.actual),
                percent(o.progress_percent),
                "—" if o.achieved is None else "已达到" if o.achieved else "未达到",
            )
            for o in a.objectives
        ]
        out += [
            "",
            "碳排放管理目标进展：",
            "",
            table(
                (
                    "编号",
                    "目标",
                    "单位",
                    "基准值",
                    "目标值",
                    "目标年度",
                    "本年实际",
                    "完成进度",
                    "状态",
                ),
                rows,
            ),
        ]
    return out


def _objective_value(unit: str, value: Decimal | None) -> str:
    """Totals in tCO2 with 2 decimals like every emission; intensities with 4."""
    return tco2(value) if unit.strip() == "tCO2" else intensity(value)


def section_a10(a: Assessment, info: dict) -> list[str]:
    inv = a.inventory
    out = ["## A.10 碳评估结论", ""]
    text = f"{a.year} 年碳排放总量 {tco2(inv.total_tco2)} tCO2，碳排放强度 {intensity(inv.intensity)} {inv.intensity_unit}"
    if a.baseline and a.baseline.change_total_percent is not None:
        text += f"，较基准排放量变化 {percent(a.baseline.change_total_percent)}"
    out += [text + "。", "", "存在的问题：", ""]
    problems = list(info.get("problems") or [])
    if a.missing_months:
        problems.append(
            "缺少计量数据：" + "、".join(f"{m.month} {m.source_id}" for m in a.missing_months)
        )
    if any(over_limit(r.uncertainty_percent) for r in inv.results):
        problems.append(f"部分排放源不确定性超过 {LIMIT_PERCENT}%")
    out.append(bullets(problems) if problems else "- 未发现问题。")
    factors = [f["factor"] for f in info.get("influencing_factors") or []]
    out += [
        "",
        "影响碳排放量及强度的主要因素：" + ("、".join(factors) if factors else "未记录") + "。",
        "",
        "减排机会：",
        "",
    ]
    chances = [
        o["measure"]
        + (
            f"（约 {tco2(_dec(o['potential_tco2']))} tCO2/年）"
            if o.get("potential_tco2") is not None
            else ""
        )
        for o in info.get("opportunities") or []
    ]
    out.append(bullets(chances) if chances else "- 未记录。")
    return out
