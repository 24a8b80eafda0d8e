"""The compliance cycle of a year as Markdown sections and JSON: ledger, forecast, verification,
calendar. One text for the site (碳排放报告与履约), `cems ledger` and the evidence pack."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from generator.carbon.calc.calendar import KIND_ZH, DeadlineStatus
from generator.carbon.calc.cycle import YearCompliance
from generator.carbon.calc.ledger import Ledger
from generator.carbon.calc.rounding import num, percent, tco2
from generator.carbon.calc.verification import VerificationComparison
from generator.carbon.report.markdown import table

KIND_TITLES = {
    "free_allocation": "免费分配",
    "auction": "有偿竞价",
    "buy": "买入",
    "sell": "卖出",
    "carry_in": "上年结转转入",
    "carry_out": "结转下年",
    "surrender": "清缴",
}
INSTRUMENT_TITLES = {"allowance": "配额", "ccer": "CCER", "pcer": "碳普惠"}
ORIGIN_TITLES = {"beijing": "北京市内", "outside": "北京市外", "": ""}


def t(value: Decimal | None) -> str:
    """Tonnes: whole numbers as such, else one decimal."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.1f}"


def yuan(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def ledger_markdown(ledger: Ledger) -> list[str]:
    rows = [
        (
            e.date,
            KIND_TITLES.get(e.kind, e.kind),
            INSTRUMENT_TITLES.get(e.instrument, e.instrument),
            t(e.quantity),
            yuan(e.price),
            ORIGIN_TITLES.get(e.origin, e.origin),
            e.project,
        )
        for e in sorted(ledger.entries, key=lambda e: (e.date, e.index))
    ]
    limit = ledger.limit
    summary = [
        ("应清缴量（核查排放量向上取整）", f"{t(ledger.obligation_t)} t", ledger.emissions_basis),
        ("本年度配额（免费分配 + 有偿竞价）", f"{t(ledger.allocated_t)} t", ""),
        (
            "可用于清缴的持有量",
            f"{t(ledger.available_t)} t",
            "结转转入 + 配额 + 买入 − 卖出，含抵消量",
        ),
        ("盈余（+）/ 缺口（−）", f"{t(ledger.balance_t)} t", ""),
        ("已清缴", f"{t(ledger.surrendered_t)} t", ledger.surrender_date or "未清缴"),
        (
            "其中抵消量",
            f"{t(ledger.offsets_surrendered_t)} t",
            f"上限 {t(ledger.offset_limit_t)} t（{limit.tag}：{limit.source}）"
            if limit
            else "无上限数据",
        ),
        (
            "其中京外 CCER",
            f"{t(ledger.outside_ccer_surrendered_t)} t",
            f"上限 {t(ledger.outside_limit_t)} t",
        ),
        ("履约净成本", f"{yuan(ledger.cost_yuan)} 元", "竞价和买入支出 − 卖出收入"),
        (
            "清缴后剩余配额",
            f"{t(ledger.remaining_t)} t",
            "其中结转 " + t(ledger.total(("carry_out",))) + " t",
        ),
        (
            "剩余配额估值",
            f"{yuan(ledger.holdings_value_yuan)} 元",
            f"按 {yuan(ledger.market_price)} 元/t（{ledger.record.data.get('market_price_date', '')}"
            f" {ledger.record.data.get('market_price_source', '')}）"
            if ledger.market_price is not None
            else "未记录价格",
        ),
    ]
    return [
        table(("项目", "数值", "说明"), summary),
        "",
        table(("日期", "业务", "品种", "数量（t）", "单价（元/t）", "产地", "项目"), rows),
    ]


def forecast_markdown(found: YearCompliance) -> list[str]:
    if not found.forecast:
        return ["没有可用于预测的月度数据或配额数据。"]
    rows = [
        (
            f"Q{f.quarter}",
            f.months_recorded,
            tco2(f.to_date_tco2),
            tco2(f.projected_tco2),
            t(f.available_t),
            t(f.balance_t),
            f.method,
        )
        for f in found.forecast
    ]
    return [
        table(
            (
                "季度",
                "已记录月数",
                "累计排放 tCO2",
                "全年预测 tCO2",
                "预计可用配额 t",
                "预测盈缺 t",
                "方法",
            ),
            rows,
        )
    ]


def verification_markdown(comparison: VerificationComparison) -> list[str]:
    record = comparison.record
    rows = [
        (
            r.source_id,
            r.name,
            tco2(r.engine_tco2),
            tco2(r.verified_tco2),
            tco2(r.difference),
            percent(r.difference_percent),
            "超出容差" if r.beyond else "一致",
            r.explanation,
        )
        for r in comparison.rows
    ]
    rows.append(
        (
            "合计",
            "",
            tco2(comparison.engine_total),
            tco2(comparison.verified_total),
            tco2(comparison.verified_total - comparison.engine_total),
            "",
            "",
            "",
        )
    )
    notes = [
        f"{label}：{' '.join(str(record.data[key]).split())}"
        for key, label in (("spot_check", "抽查情况"), ("conclusion", "核查结论"))
        if record.data.get(key)
    ]
    return [
        f"核查机构：{record.data['verifier']}；核查报告 {record.data['report_number']}（{record.date}）；"
        f"比对容差 {comparison.tolerance_percent}%。",
        "",
        table(
            ("排放源", "名称", "核算值 tCO2", "核查值 tCO2", "差值", "差异 %", "结论", "差异说明"),
            rows,
        ),
        *(line for note in notes for line in ("", note)),
    ]


def calendar_markdown(statuses: list[DeadlineStatus]) -> list[str]:
    rows = [
        (
            s.deadline.due,
            KIND_ZH[s.deadline.kind],
            s.deadline.title + (f"（{s.deadline.month}）" if s.deadline.month else ""),
            s.state_zh,
            s.done_on,
            s.deadline.tag,
            s.deadline.source,
        )
        for s in statuses
    ]
    return [table(("截止日期", "事项", "内容", "状态", "完成日期", "可信度", "依据"), rows)]


def year_markdown(found: YearCompliance, today: date | None) -> str:
    out = [f"# {found.year} 年度碳排放报告与履约", ""]
    if found.inventory is not None:
        out += [f"核算排放总量 {tco2(found.inventory.total_tco2)} tCO2（本系统核算）。", ""]
    out += ["## 核查比对", ""]
    out += verification_markdown(found.verification) if found.verification else ["尚无核查记录。"]
    out += ["", "## 配额和抵消台账", ""]
    out += ledger_markdown(found.ledger) if found.ledger else ["尚无配额和抵消台账记录。"]
    out += ["", "## 季度配额盈缺预测", "", *forecast_markdown(found)]
    if found.calendar:
        out += ["", f"## 履约日历（参照日 {today}）", "", *calendar_markdown(found.calendar)]
    return "\n".join(out) + "\n"


def year_json(found: YearCompliance) -> dict[str, Any]:
    data: dict[str, Any] = {"year": found.year}
    ledger = found.ledger
    if ledger is not None:
        data["ledger"] = {
            "record": ledger.record.id,
            "emissions_tco2": num(ledger.emissions_tco2),
            "emissions_basis": ledger.emissions_basis,
            "obligation_t": num(ledger.obligation_t),
            "allocated_t": num(ledger.allocated_t),
            "available_t": num(ledger.available_t),
            "balance_t": num(ledger.balance_t),
            "surrendered_t": num(ledger.surrendered_t),
            "offsets_surrendered_t": num(ledger.offsets_surrendered_t),
            "offset_limit_t": num(ledger.offset_limit_t),
            "outside_ccer_surrendered_t": num(ledger.outside_ccer_surrendered_t),
            "outside_limit_t": num(ledger.outside_limit_t),
            "cost_yuan": num(ledger.cost_yuan),
            "remaining_t": num(ledger.remaining_t),
            "holdings_value_yuan": num(ledger.holdings_value_yuan),
        }
    data["forecast"] = [
        {
            "quarter": f.quarter,
            "months_recorded": f.months_recorded,
            "to_date_tco2": num(f.to_date_tco2),
            "projected_tco2": num(f.projected_tco2),
            "available_t": num(f.available_t),
            "balance_t": num(f.balance_t),
            "method": f.method,
        }
        for f in found.forecast
    ]
    if found.verification is not None:
        data["verification"] = {
            "record": found.verification.record.id,
            "tolerance_percent": num(found.verification.tolerance_percent),
            "sources": [
                {
                    "source": r.source_id,
                    "engine_tco2": num(r.engine_tco2),
                    "verified_tco2": num(r.verified_tco2),
                    "difference_percent": num(r.difference_percent),
                    "beyond_tolerance": r.beyond,
                    "explanation": r.explanation,
                }
                for r in found.verification.rows
            ],
        }
    data["calendar"] = [
        {
            "id": s.deadline.event_id,
            "due": s.deadline.due,
            "state": s.state,
            "done_on": s.done_on,
            "tag": s.deadline.tag,
            "source": s.deadline.source,
        }
        for s in found.calendar
    ]
    return data
