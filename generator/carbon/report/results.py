"""Annex A report, sections A.4-A.10: sources, data and factor tables, results, influencing
factors, baseline and advanced values, conclusion. Everything here comes from the records and
the computed assessment; `report.py` assembles the sections."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.carbon.calc.analysis import KIND_ZH, Assessment
from generator.carbon.calc.exact import dec
from generator.carbon.calc.indicators import AGGREGATION_ZH
from generator.carbon.calc.inventory import SourceResult
from generator.carbon.calc.rounding import (
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
from generator.carbon.calc.uncertainty import LIMIT_PERCENT, over_limit
from generator.carbon.report.conclusions import section_a9, section_a10
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


def _result_rows(results: tuple[SourceResult, ...]) -> list[tuple[object, ...]]:
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


def _uncertainty(a: Assessment) -> list[str]:
    c = a.inventory.correlation
    out = [
        f"不确定性按 IPCC 2006 第 1 卷第 3 章方法1（误差传递）计算：总量不确定性 "
        f"±{percent(c.correlated_percent)}。未给出不确定性的输入按 5% 假定，已在表中注明。"
    ]
    if c.shared:
        shared = "；".join(
            f"{PARAMETER_ZH.get(x.name, x.name)} {x.value} {x.unit}（±{x.uncertainty_percent}%）："
            f"{'、'.join(x.sources)}"
            for x in c.shared
        )
        out.append(
            f"下列参数由多个排放源共用同一数值，其误差对这些排放源方向相同，按完全相关合并"
            f"（先线性相加各源贡献，再与其他独立分量平方和开方）：{shared}。"
            f"若按相互独立合并，总量不确定性为 ±{percent(c.independent_percent)}，会低估不确定性。"
        )
    return out


def _standard(a: Assessment) -> str:
    rules = a.inventory.rules
    rule = rules.get("standard") if rules is not None else None
    return f"{rule.value}（{rule.tag}）" if rule is not None else "北京市碳排放核算和报告要求"


def section_a7(a: Assessment) -> list[str]:
    inv = a.inventory
    out = [
        "## A.7 碳排放量计算结果",
        "",
    ]
    if not inv.complete:
        out += [
            "**数据不完整**：本节为已有月份的合计，不是全年结果（缺失月份见 A.3）。",
            "",
        ]
    out += [
        f"根据{_standard(a)}（GB/T 32150 结构）计算：燃料燃烧 E = 消耗量 × 低位发热值 × 单位热值含碳量 × 碳氧化率 × 44/12；"
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
    state = "" if inv.complete else "（不完整）"
    out += [
        "",
        f"碳排放总量{state} **{tco2(inv.total_tco2)} tCO2**。",
        "",
        table(
            ("强度指标", "性质", "全年取值", "数值", "单位", "碳排放强度"),
            [
                (
                    o.name,
                    "流量" if o.kind == "flow" else "存量",
                    AGGREGATION_ZH.get(o.aggregation, o.aggregation),
                    activity(o.quantity),
                    o.unit,
                    f"{intensity(value)} tCO2/{o.unit}" + state,
                )
                for o, value in inv.intensities
            ],
        ),
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
    out += ["", *_uncertainty(a)]
    unverified = sorted(
        {
            f"{PARAMETER_ZH.get(p.name, p.name)} {p.value} {p.unit}（{p.tag}）"
            for r in inv.results
            for p in r.parameters
            if p.is_default and p.tag and not p.tag.startswith("V")
        }
    )
    if unverified:
        out += [
            "",
            "采用的未核实缺省值（C 仅见于公开代码，M 常被引用、未核实），应对照官方文本确认："
            + "；".join(unverified)
            + "。",
        ]
    flagged = [r.source_id for r in inv.results if over_limit(r.uncertainty_percent)]
    if flagged:
        out.append(
            f"排放源 {'、'.join(flagged)} 的不确定性超过 {LIMIT_PERCENT}%，方法1 不再适用，宜采用蒙特卡罗法（方法2）。"
        )
    out += ["", f"数值修约：{ROUNDING_RULE_ZH}"]
    return out


def section_a8(a: Assessment, info: dict[str, Any]) -> list[str]:
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


def _dec(value: Any) -> Decimal | None:
    return None if value is None else dec(value)


__all__ = ["section_a4_a6", "section_a7", "section_a8", "section_a9", "section_a10"]
