"""Annex A report, sections A.9 (baseline, advanced values, objectives) and A.10 (conclusion).
Figures come from the computed assessment; an incomplete year, baseline findings and objectives
not evaluated are said so here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.carbon.calc.analysis import Assessment
from generator.carbon.calc.exact import dec
from generator.carbon.calc.rounding import (
    ADVANCED_ZH_SHORT,
    intensity,
    objective_value,
    percent,
    tco2,
)
from generator.carbon.calc.targets import BASIS_ZH
from generator.carbon.calc.uncertainty import LIMIT_PERCENT, over_limit
from generator.carbon.report.markdown import bullets, table


def _dec(value: Any) -> Decimal | None:
    return None if value is None else dec(value)


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
        if b.like_for_like_months:
            months = b.like_for_like_months
            out += [
                "",
                f"本年数据不完整，变化按同口径计算：本年 {months[0]}～{months[-1]}（{len(months)} 个月）"
                f" {tco2(b.current_total_tco2)} tCO2，对基准年同期 {tco2(b.compared_total_tco2)} tCO2。",
            ]
        if b.findings:
            out += ["", "发现：", "", bullets(b.findings)]
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
                objective_value(o.unit, o.baseline_value),
                objective_value(o.unit, o.target_value),
                o.target_year,
                objective_value(o.unit, o.actual),
                percent(o.progress_percent),
                "未评价（数据不完整）"
                if o.note.startswith("未评价")
                else "—"
                if o.achieved is None
                else "已达到"
                if o.achieved
                else "未达到",
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


def section_a10(a: Assessment, info: dict[str, Any]) -> list[str]:
    inv = a.inventory
    out = ["## A.10 碳评估结论", ""]
    state = "" if inv.complete else "（数据不完整，非全年结果）"
    text = f"{a.year} 年碳排放总量{state} {tco2(inv.total_tco2)} tCO2，碳排放强度 {intensity(inv.intensity)} {inv.intensity_unit}"
    if a.baseline and a.baseline.change_total_percent is not None:
        text += f"，较基准排放量变化 {percent(a.baseline.change_total_percent)}"
    out += [text + "。", "", "存在的问题：", ""]
    problems = list(info.get("problems") or [])
    if not inv.complete:
        problems.append(
            "数据不完整："
            + "、".join(
                [f"{m.month} {m.source_id}" for m in a.missing_months]
                + [f"{m} {i}（强度分母）" for i, m in inv.missing_denominators]
            )
            + "；结果不是全年结果，目标完成情况未评价"
        )
    if a.baseline is not None:
        problems += list(a.baseline.findings)
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
