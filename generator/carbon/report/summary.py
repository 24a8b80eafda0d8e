"""Assessment -> JSON-ready dict and a readable Chinese text summary (for `cems carbon`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.carbon.calc.analysis import KIND_ZH, Assessment
from generator.carbon.calc.inventory import SourceResult
from generator.carbon.calc.rounding import (
    BOUNDARY_ZH,
    CATEGORY_ZH,
    ORIGIN_ZH,
    PARAMETER_ZH,
    ROUNDING_RULE,
    activity,
    factor,
    intensity,
    num,
    objective_value,
    percent,
    tco2,
)
from generator.carbon.calc.targets import BASIS_ZH
from generator.carbon.calc.uncertainty import LIMIT_PERCENT, over_limit


def source_json(r: SourceResult) -> dict[str, Any]:
    return {
        "source_id": r.source_id,
        "name": r.name,
        "category": r.category,
        "fuel": r.fuel,
        "boundary": r.boundary,
        "biomass": r.biomass,
        "status": r.status,
        "quantity": num(r.quantity),
        "quantity_unit": r.quantity_unit,
        "activity_data": num(r.activity_data),
        "activity_unit": r.activity_unit,
        "emission_factor": num(r.emission_factor),
        "factor_unit": r.factor_unit,
        "factor_source": r.factor_source,
        "factor_origin": r.factor_origin,
        "parameters": [
            {
                "name": p.name,
                "value": num(p.value),
                "unit": p.unit,
                "origin": p.origin,
                "source": p.source,
                "tag": p.tag,
                "uncertainty_percent": num(p.uncertainty_percent),
                "uncertainty_assumed": p.uncertainty_assumed,
            }
            for p in r.parameters
        ],
        "emissions_tco2": num(r.emissions_tco2),
        "uncertainty_percent": num(r.uncertainty_percent),
        "uncertainty_over_limit": over_limit(r.uncertainty_percent),
        "uncertainty_assumed": list(r.uncertainty_assumed),
        "monthly": [{"month": m, "quantity": num(q), "tco2": num(t)} for m, q, t in r.monthly],
        "note": r.note,
    }


def completeness_json(a: Assessment) -> dict[str, Any]:
    inv = a.inventory
    return {
        "complete": inv.complete,
        "status": "完整" if inv.complete else "不完整",
        "months_reported": list(inv.months),
        "missing": [{"source_id": m.source_id, "month": m.month} for m in inv.missing],
        "missing_denominators": [{"indicator": i, "month": m} for i, m in inv.missing_denominators],
    }


def rules_json(a: Assessment) -> dict[str, Any] | None:
    rules = a.inventory.rules
    if rules is None:
        return None
    return {
        "id": rules.id,
        "name": rules.name_zh,
        "jurisdiction": rules.jurisdiction,
        "reporting_year": rules.year,
        "rules_year": rules.rules_year,
        "rules": [
            {"key": r.key, "value": r.value, "source": r.source, "tag": r.tag} for r in rules.rules
        ],
    }


def uncertainty_json(a: Assessment) -> dict[str, Any]:
    c = a.inventory.correlation
    return {
        "method": "IPCC 2006 Vol.1 Ch.3 Approach 1, shared inputs fully correlated",
        "correlated_percent": num(c.correlated_percent),
        "independent_percent": num(c.independent_percent),
        "shared_inputs": [
            {
                "parameter": x.name,
                "value": num(x.value),
                "unit": x.unit,
                "uncertainty_percent": num(x.uncertainty_percent),
                "sources": list(x.sources),
            }
            for x in c.shared
        ],
    }


def _dec_map(values: dict[str, Decimal]) -> dict[str, Any]:
    return {k: num(v) for k, v in values.items()}


def _baseline_json(a: Assessment) -> dict[str, Any] | None:
    b = a.baseline
    if b is None:
        return None
    return {
        "record": b.record_id,
        "basis": b.basis,
        "years": list(b.years),
        "rationale": b.rationale,
        "total_tco2": num(b.total_tco2),
        "total_origin": b.total_origin,
        "intensity": num(b.intensity),
        "intensity_unit": b.intensity_unit,
        "intensity_origin": b.intensity_origin,
        "change_total_percent": num(b.change_total_percent),
        "change_intensity_percent": num(b.change_intensity_percent),
        "like_for_like_months": list(b.like_for_like_months),
        "compared_total_tco2": num(b.compared_total_tco2),
        "current_total_tco2": num(b.current_total_tco2),
        "findings": list(b.findings),
        "advanced_values": [
            {
                "kind": v.kind,
                "intensity": num(v.intensity),
                "intensity_unit": v.unit,
                "source": v.source,
                "gap_percent": num(v.gap_percent),
            }
            for v in b.advanced
        ],
    }


def to_json(a: Assessment, organisation: str = "") -> dict[str, Any]:
    inv = a.inventory
    u_total = inv.uncertainty_percent
    return {
        "year": inv.year,
        "organisation": organisation,
        **completeness_json(a),
        "rule_set": rules_json(a),
        "factor_set": inv.fuel_set,
        "electricity_factor": inv.electricity_factor,
        "total_tco2": num(inv.total_tco2),
        "intensity": num(inv.intensity),
        "intensity_unit": inv.intensity_unit,
        "output": {
            "indicator": inv.output.indicator,
            "name": inv.output.name,
            "unit": inv.output.unit,
            "quantity": num(inv.output.quantity),
        },
        "outputs": [
            {
                "indicator": o.indicator,
                "name": o.name,
                "unit": o.unit,
                "kind": o.kind,
                "aggregation": o.aggregation,
                "quantity": num(o.quantity),
                "missing_months": list(o.missing_months),
                "intensity": num(value),
                "intensity_unit": f"tCO2/{o.unit}",
            }
            for o, value in inv.intensities
        ],
        "uncertainty_percent": num(u_total),
        "uncertainty_method": "IPCC 2006 Approach 1 (shared inputs correlated)",
        "uncertainty": uncertainty_json(a),
        "uncertainty_over_limit": {
            "limit_percent": num(LIMIT_PERCENT),
            "total": over_limit(u_total),
            "sources": [r.source_id for r in inv.results if over_limit(r.uncertainty_percent)],
        },
        "sources": [source_json(r) for r in inv.counted],
        "reported_only": [source_json(r) for r in inv.reported_only],
        "biomass": [source_json(r) for r in inv.biomass],
        "biomass_tco2": num(inv.biomass_tco2),
        "planned": [str(s["id"]) for s in inv.planned],
        "by_category": _dec_map(inv.by_category),
        "by_month": _dec_map(inv.by_month),
        "thresholds": {
            "mom_percent": num(a.thresholds.mom_percent),
            "yoy_percent": num(a.thresholds.yoy_percent),
        },
        "anomalies": [
            {
                "source_id": x.source_id,
                "month": x.month,
                "kind": x.kind,
                "compared_month": x.compared_month,
                "previous": num(x.previous),
                "current": num(x.current),
                "change_percent": num(x.change_percent),
                "unit": x.unit,
            }
            for x in a.anomalies
        ],
        "missing_months": [{"source_id": m.source_id, "month": m.month} for m in a.missing_months],
        "baseline": _baseline_json(a),
        "objectives": [
            {
                "id": o.id,
                "title": o.title,
                "kind": o.kind,
                "metric": o.metric,
                "unit": o.unit,
                "target_year": o.target_year,
                "baseline_value": num(o.baseline_value),
                "target_value": num(o.target_value),
                "actual": num(o.actual),
                "progress_percent": num(o.progress_percent),
                "achieved": o.achieved,
                "note": o.note,
            }
            for o in a.objectives
        ],
        "history": [
            {"year": h.year, "total_tco2": num(h.total_tco2), "intensity": num(h.intensity)}
            for h in a.history
        ],
        "warnings": [i.to_dict() for i in a.issues],
        "rounding": ROUNDING_RULE,
    }


def _row(r: SourceResult) -> str:
    return (
        f"  {r.source_id:<12} {CATEGORY_ZH[r.category]:<8} {activity(r.activity_data):>14} {r.activity_unit:<4} "
        f"× {factor(r.emission_factor):>10} {r.factor_unit:<9} = {tco2(r.emissions_tco2):>12} tCO2"
        f"  ±{percent(r.uncertainty_percent)}  {ORIGIN_ZH.get(r.factor_origin, '混合')}"
        f"  {r.name}"
    )


def to_text(a: Assessment, organisation: str = "") -> str:
    inv = a.inventory
    lines = [f"{organisation} {inv.year} 年度碳排放核算 (carbon emissions {inv.year})".strip(), ""]
    lines += status_lines(a)
    lines.append(
        f"排放总量：{tco2(inv.total_tco2)} tCO2（不确定性 ±{percent(inv.uncertainty_percent)}，"
        f"共用参数按相关合并）"
    )
    for out, value in inv.intensities:
        lines.append(
            f"{out.name}：{activity(out.quantity)} {out.unit}（{'逐月累加' if out.kind == 'flow' else '存量，' + ('各月平均' if out.aggregation == 'average' else '年末值')}）；"
            f"碳排放强度：{intensity(value)} tCO2/{out.unit}"
        )
    lines.append(f"因子集：{inv.fuel_set}；电力排放因子：{inv.electricity_factor}")
    if inv.rules is not None:
        lines.append(f"核算规则：{inv.rules.name_zh}")
    lines += ["", "计入排放的排放源 (counted):"]
    lines += [_row(r) for r in inv.counted] or ["  （无）"]
    lines += ["", "按类别 (by category):"]
    lines += [f"  {CATEGORY_ZH[c]:<8} {tco2(v):>12} tCO2" for c, v in inv.by_category.items()]
    lines += ["", "按月 (by month):"]
    lines += [f"  {m}  {tco2(v):>12} tCO2" for m, v in inv.by_month.items()]
    if inv.reported_only:
        lines += ["", "只报告不计入 (reported only: mobile / out of city):"]
        lines += [_row(r) + f"  [{BOUNDARY_ZH[r.boundary]}]" for r in inv.reported_only]
    if inv.biomass:
        lines += ["", f"生物质 CO2 单独报告，不计入总量：{tco2(inv.biomass_tco2)} tCO2"]
    assumed = sorted(
        {
            f"{r.source_id}:{PARAMETER_ZH.get(n, n)}"
            for r in inv.results
            for n in r.uncertainty_assumed
        }
    )
    if assumed:
        lines += ["", f"未给出不确定性、按假定值计（活动水平和参数 5%）：{'、'.join(assumed)}"]
    flagged = [r.source_id for r in inv.results if over_limit(r.uncertainty_percent)]
    if flagged or over_limit(inv.uncertainty_percent):
        lines.append(
            f"不确定性超过 {LIMIT_PERCENT}%，方法1 不再适用：{'、'.join(flagged) or '总量'}"
        )
    lines += [
        "",
        f"监测分析 (阈值：环比 {a.thresholds.mom_percent}%，同比 {a.thresholds.yoy_percent}%):",
    ]
    for x in a.anomalies:
        kind = KIND_ZH[x.kind]
        lines.append(
            f"  异常 {x.month} {x.source_id} {kind} {percent(x.change_percent)}"
            f"（{activity(x.previous)} → {activity(x.current)} {x.unit}，对比 {x.compared_month}）"
        )
    if a.missing_months:
        lines.append(f"  缺失 {len(a.missing_months)} 个排放源月度计量数据（见上方数据状态）")
    if not a.anomalies and not a.missing_months:
        lines.append("  无异常，无缺失月份")
    b = a.baseline
    if b:
        lines += [
            "",
            f"基准（{BASIS_ZH.get(b.basis, b.basis)}，{'、'.join(map(str, b.years))}）："
            f"{tco2(b.total_tco2)} tCO2，强度 {intensity(b.intensity)} {b.intensity_unit}；"
            f"本年变化 {percent(b.change_total_percent)}，强度变化 {percent(b.change_intensity_percent)}",
        ]
        if b.like_for_like_months:
            months = b.like_for_like_months
            lines.append(
                f"  同口径比较（数据不完整）：仅比较 {months[0]}～{months[-1]} 共 {len(months)} 个月与基准年同期 "
                f"({tco2(b.current_total_tco2)} 对 {tco2(b.compared_total_tco2)} tCO2)"
            )
        lines += [f"  发现：{f}" for f in b.findings]
    for objective in a.objectives:
        state = (
            ("进行中" if objective.note.startswith("目标年度未到") else "—")
            if objective.achieved is None and not objective.note.startswith("未评价")
            else "未评价（数据不完整）"
            if objective.achieved is None
            else ("已达成" if objective.achieved else "未达成")
        )
        lines.append(
            f"  目标 {objective.id} {objective.title}：实际 {objective_value(objective.unit, objective.actual)} / 目标 {objective_value(objective.unit, objective.target_value)} {objective.unit}，"
            f"进度 {percent(objective.progress_percent)}，{state}"
        )
    lines += ["", ROUNDING_RULE]
    return "\n".join(lines)


def status_lines(a: Assessment) -> list[str]:
    """不完整 with the missing source-months and denominators, or 完整."""
    inv = a.inventory
    if inv.complete:
        return [f"数据状态：完整（{inv.year} 年各排放源和强度分母逐月齐全）(complete)", ""]
    lines = [f"数据状态：不完整 (INCOMPLETE) — {inv.year} 年数据不全，不能作为全年结果使用"]
    by_month: dict[str, list[str]] = {}
    for m in inv.missing:
        by_month.setdefault(m.month, []).append(m.source_id)
    for month, ids in sorted(by_month.items()):
        lines.append(f"  缺少计量数据 {month}：{'、'.join(ids)}")
    gaps: dict[str, list[str]] = {}
    for indicator, month in inv.missing_denominators:
        gaps.setdefault(indicator, []).append(month)
    for indicator, months in gaps.items():
        name = next((o.name for o in inv.outputs if o.indicator == indicator), indicator)
        lines.append(f"  缺少强度分母 {name}：{'、'.join(months)}")
    return [*lines, ""]


def fixed_any(value: Decimal | None) -> str:
    return intensity(value)
