"""The annual emission report (二氧化碳排放报告) of a reporting year, from records and the engine.

Structured after the reporting elements of the Beijing DB11/T 1781–1787—2020 series; the
section list is data (`templates/emission-report/structure.yaml`) because the official template
could not be confirmed. Each section gives Markdown (for the Word copy and the site) and its
tables as raw values (for the .xlsx); the monthly table is the data the platform asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.carbon.calc.inventory import CATEGORIES, Inventory
from generator.carbon.calc.rounding import (
    BOUNDARY_ZH,
    CATEGORY_ZH,
    ORIGIN_ZH,
    PARAMETER_ZH,
    activity,
    factor,
    intensity,
    percent,
    tco2,
)
from generator.carbon.calc.verification import verification_record
from generator.carbon.report.markdown import table
from generator.content.model import Model
from generator.core.resources import parse_data_yaml

Cell = str | int | float | None
FACTOR_ORIGIN_ZH = {"default": "缺省值", "measured": "实测", "mixed": "部分实测"}


@dataclass(frozen=True)
class Table:
    name: str  # sheet name
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class EmissionReport:
    year: int
    title: str
    markdown: str
    tables: tuple[Table, ...] = field(default_factory=tuple)


@dataclass
class _Context:
    model: Model
    inventory: Inventory
    previous: Inventory | None
    tables: list[Table] = field(default_factory=list)

    def table(
        self,
        name: str,
        headers: tuple[str, ...],
        shown: Sequence[Sequence[object]],
        raw: Sequence[Sequence[Cell]],
    ) -> str:
        self.tables.append(Table(name, headers, tuple(tuple(r) for r in raw)))
        return table(headers, shown)


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def load_structure(path: Path) -> dict[str, Any]:
    return dict(parse_data_yaml(path.read_text(encoding="utf-8")))


def _entity(c: _Context) -> list[str]:
    org = c.model.organisation
    rep = c.model.person(org.management_representative)
    rows = [
        ("单位名称", org.name),
        ("统一社会信用代码", str(org.data.get("credit_code", ""))),
        ("地址", org.address),
        ("行业", org.industry),
        ("报告年度", str(c.inventory.year)),
        ("填报负责人", f"{rep.name}（{rep.title}）" if rep else ""),
    ]
    return [c.table("报告主体", ("项目", "内容"), rows, list(rows))]


def _boundary(c: _Context) -> list[str]:
    boundary = c.model.organisation.boundary
    out = [
        " ".join(str(boundary.get(k, "")).split())
        for k in ("scope", "description")
        if boundary.get(k)
    ]
    sites = [
        (s.get("name", ""), s.get("address", ""), "是" if s.get("in_beijing") else "否")
        for s in boundary.get("sites") or []
    ]
    if sites:
        out += ["", c.table("核算边界", ("场所", "地址", "位于北京市"), sites, sites)]
    out += [
        "",
        "固定设施计入排放总量；移动源和京外场所只报告能源消耗，不计入；生物质燃烧的二氧化碳单独报告。",
    ]
    return out


def _emissions(c: _Context) -> list[str]:
    inv = c.inventory
    total = inv.total_tco2
    rows = [
        (CATEGORY_ZH[k], tco2(v), percent(v / total * 100 if total else None))
        for k, v in inv.by_category.items()
    ]
    raw: list[tuple[Cell, ...]] = [
        (CATEGORY_ZH[k], _f(v), _f(v / total * 100 if total else None))
        for k, v in inv.by_category.items()
    ]
    rows.append(("排放总量", tco2(total), "100.0%"))
    raw.append(("排放总量", _f(total), 100.0))
    out = [c.table("排放汇总", ("类别", "排放量（tCO2）", "占比"), rows, raw)]
    out += ["", f"生物质燃烧二氧化碳（单独报告，不计入）：{tco2(inv.biomass_tco2)} tCO2。"]
    if inv.reported_only:
        names = "、".join(
            f"{r.name} {activity(r.quantity)} {r.quantity_unit}" for r in inv.reported_only
        )
        out.append(f"只报告能源消耗、不计入排放的：{names}。")
    return out


def _sources(c: _Context) -> list[str]:
    rows, raw = [], []
    for r in c.inventory.results:
        counted = "计入" if r.counted else "只报告"
        rows.append(
            (
                r.source_id,
                r.name,
                CATEGORY_ZH[r.category],
                BOUNDARY_ZH.get(r.boundary, r.boundary),
                counted,
                tco2(r.emissions_tco2),
            )
        )
        raw.append(
            (
                r.source_id,
                r.name,
                CATEGORY_ZH[r.category],
                BOUNDARY_ZH.get(r.boundary, r.boundary),
                counted,
                _f(r.emissions_tco2),
            )
        )
    return [
        c.table(
            "排放源", ("编号", "排放源", "类别", "边界", "是否计入", "排放量（tCO2）"), rows, raw
        )
    ]


def _activity(c: _Context) -> list[str]:
    rows, raw = [], []
    for r in c.inventory.results:
        origin = FACTOR_ORIGIN_ZH.get(r.factor_origin, r.factor_origin)
        rows.append(
            (
                r.source_id,
                f"{activity(r.quantity)} {r.quantity_unit}",
                f"{activity(r.activity_data)} {r.activity_unit}",
                f"{factor(r.emission_factor)} {r.factor_unit}",
                origin,
            )
        )
        raw.append(
            (
                r.source_id,
                _f(r.quantity),
                r.quantity_unit,
                _f(r.activity_data),
                r.activity_unit,
                _f(r.emission_factor),
                r.factor_unit,
                origin,
                r.factor_source,
            )
        )
    headers = (
        "编号",
        "消耗量",
        "单位",
        "活动数据",
        "活动数据单位",
        "排放因子",
        "因子单位",
        "是否实测",
        "因子来源",
    )
    c.tables.append(Table("活动数据和排放因子", headers, tuple(raw)))
    return [
        table(("编号", "消耗量", "活动数据", "排放因子", "是否实测"), rows),
        "",
        "各参数的数值和来源：",
        "",
        _parameters(c),
    ]


def _parameters(c: _Context) -> str:
    params, params_raw = [], []
    for r in c.inventory.results:
        for p in r.parameters:
            kind = ORIGIN_ZH.get(p.origin, p.origin)
            params.append(
                (
                    r.source_id,
                    PARAMETER_ZH.get(p.name, p.name),
                    f"{p.value} {p.unit}",
                    kind,
                    p.tag or "—",
                    p.source,
                )
            )
            params_raw.append((r.source_id, p.name, float(p.value), p.unit, kind, p.tag, p.source))
    c.tables.append(
        Table(
            "参数来源",
            ("编号", "参数", "数值", "单位", "来源类型", "可信度", "来源"),
            tuple(params_raw),
        )
    )
    return table(("编号", "参数", "数值", "来源类型", "可信度", "来源"), params)


def _production(c: _Context) -> list[str]:
    inv = c.inventory
    rows = [
        ("产品/服务", inv.output.name),
        (
            "产量",
            f"{activity(inv.output.quantity)} {inv.output.unit}"
            if inv.output.quantity is not None
            else "未记录",
        ),
        ("排放强度", f"{intensity(inv.intensity)} {inv.intensity_unit}"),
    ]
    raw: list[tuple[Cell, ...]] = [
        ("产品/服务", inv.output.name),
        ("产量", _f(inv.output.quantity)),
        ("排放强度", _f(inv.intensity)),
    ]
    return [c.table("生产数据和强度", ("项目", "数值"), rows, raw)]


def _monthly(c: _Context) -> list[str]:
    inv = c.inventory
    output = dict(inv.output.monthly)
    rows, raw = [], []
    for month, per in inv.by_month_category.items():
        total = sum(per.values(), Decimal(0))
        rows.append(
            (month, *(tco2(per[k]) for k in CATEGORIES), tco2(total), activity(output.get(month)))
        )
        raw.append((month, *(_f(per[k]) for k in CATEGORIES), _f(total), _f(output.get(month))))
    headers = (
        "月份",
        *(CATEGORY_ZH[k] for k in CATEGORIES),
        "合计（tCO2）",
        f"产量（{inv.output.unit}）",
    )
    return [c.table("月度数据", headers, rows, raw)]


def _monitoring(c: _Context) -> list[str]:
    year = c.inventory.year
    plans = [r for r in c.model.records_of("monitoring-plan") if r.sort_date.year <= year]
    out: list[str] = []
    if plans:
        plan = plans[-1]
        rows = [
            (
                i.get("content", ""),
                i.get("method", ""),
                i.get("frequency", ""),
                c.model.department_name(str(i.get("department", ""))),
            )
            for i in plan.data.get("items") or []
        ]
        out += [
            f"执行监测计划 {plan.id}《{plan.title}》。",
            "",
            c.table("监测计划执行", ("监测内容", "方法", "频次", "部门"), rows, rows),
        ]
    else:
        out.append("未记录监测计划。")
    months = set(c.inventory.months)
    missing = [f"{year}-{m:02d}" for m in range(1, 13) if f"{year}-{m:02d}" not in months]
    out += [
        "",
        f"已记录计量数据的月份 {len(months)} 个"
        + (f"；缺少 {'、'.join(missing)}。" if missing else "，全年完整。"),
    ]
    instruments = [
        i
        for r in c.model.records_of("calibration")
        if r.sort_date.year == year
        for i in r.data.get("instruments") or []
    ]
    if instruments:
        passed = sum(1 for i in instruments if i.get("result") == "pass")
        out.append(f"本年度检定校准计量器具 {len(instruments)} 台次，合格 {passed} 台次。")
    return out


def _changes(c: _Context) -> list[str]:
    prev, inv = c.previous, c.inventory
    if prev is None:
        return ["无上年度核算数据可比。"]
    rows: list[tuple[str, ...]] = []
    raw: list[tuple[Cell, ...]] = []

    def row(
        name: str, before: Decimal | None, now: Decimal | None, fmt: Callable[[Decimal | None], str]
    ) -> None:
        change = None if not before or now is None else (now - before) / before * 100
        rows.append((name, fmt(before), fmt(now), percent(change)))
        raw.append((name, _f(before), _f(now), _f(change)))

    row("排放总量（tCO2）", prev.total_tco2, inv.total_tco2, tco2)
    for key in CATEGORIES:
        row(f"{CATEGORY_ZH[key]}（tCO2）", prev.by_category[key], inv.by_category[key], tco2)
    row(f"排放强度（{inv.intensity_unit}）", prev.intensity, inv.intensity, intensity)
    out = [c.table("与上年度比较", ("项目", str(prev.year), str(inv.year), "变化"), rows, raw)]
    before, now = {r.source_id for r in prev.results}, {r.source_id for r in inv.results}
    if before != now:
        out += [
            "",
            f"排放源变化：新增 {'、'.join(sorted(now - before)) or '无'}；减少 {'、'.join(sorted(before - now)) or '无'}。",
        ]
    else:
        out += ["", "排放源与上年度相同。"]
    return out


def _quality(c: _Context) -> list[str]:
    inv = c.inventory
    counted = inv.counted
    measured = sum((r.emissions_tco2 for r in counted if r.factor_origin != "default"), Decimal(0))
    share = measured / inv.total_tco2 * 100 if inv.total_tco2 else None
    out = [
        f"本报告由 cems 按记录的计量数据和排放因子计算，全程十进制全精度，输出时四舍五入。"
        f"排放总量不确定度（IPCC 2006 方法 1）：±{percent(inv.uncertainty_percent).rstrip('%')}%。",
        f"采用实测参数的排放源排放量占排放总量的 {percent(share)}。",
    ]
    record = verification_record(c.model, inv.year)
    out.append(
        f"第三方核查：{record.data['verifier']}，报告 {record.data['report_number']}（{record.date}）。"
        if record
        else "第三方核查尚未记录。"
    )
    out.append("本单位对报告数据的真实性、准确性和完整性负责。")
    return [line for text in out for line in (text, "")][:-1]


BUILDERS: dict[str, Callable[[_Context], list[str]]] = {
    "entity": _entity, "boundary": _boundary, "emissions": _emissions, "sources": _sources,
    "activity": _activity, "production": _production, "monthly": _monthly,
    "monitoring": _monitoring, "changes": _changes, "quality": _quality,
}  # fmt: skip


def render_emission_report(
    model: Model, inventory: Inventory, previous: Inventory | None, structure: dict[str, Any]
) -> EmissionReport:
    """The report for `inventory.year`; `structure` names its sections (ids of BUILDERS)."""
    ctx = _Context(model, inventory, previous)
    title = str(structure["title"]).format(year=inventory.year)
    out = [f"# {title}", "", f"报告主体：{model.organisation.name}", "", "编制依据：", ""]
    out += [f"- {b}" for b in structure.get("basis") or []]
    for section in structure["sections"]:
        builder = BUILDERS.get(str(section["id"]))
        if builder is None:
            raise ValueError(f"unknown emission report section '{section['id']}'")
        out += ["", f"## {section['title']}", "", *builder(ctx)]
    return EmissionReport(inventory.year, title, "\n".join(out) + "\n", tuple(ctx.tables))
