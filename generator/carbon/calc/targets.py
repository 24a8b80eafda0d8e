"""Baseline, advanced values (6.3 f, A.9) and progress of objectives (6.4).

The baseline comes from the newest `baselines` record whose base years all precede the assessed
year (else the newest one). The record names its basis and years; the engine computes the
figures from the base years' inventories: previous or typical year as is, multi-year average as
the mean total and (sum of emissions / sum of denominators) intensity. A total or intensity
typed in the record is kept only as a check: when it differs from the computed figure (at the
typed figure's decimal places) that is a finding; when the base years have no inventory the
typed figure is used and marked as such.

An incomplete year (calc/inventory.py `complete`) is compared like-for-like: the months it has
complete against the same calendar months of the base years, never a part year against a whole
one; objectives are not evaluated on incomplete data (未评价（数据不完整）).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator.carbon.calc.exact import dec, exact, quotient, ratio
from generator.carbon.calc.inventory import Inventory
from generator.carbon.calc.verification import allowance_balance
from generator.content.model import Model, Record
from generator.core.issues import Issue, Severity

BASIS_ZH = {"previous_year": "上一年度", "typical_year": "典型年", "multi_year_average": "多年平均"}
ADVANCED_ZH = {"domestic": "国内先进值", "international": "国际先进值", "own_best": "自身历史最优"}


@dataclass(frozen=True)
class AdvancedComparison:
    kind: str
    intensity: Decimal
    unit: str
    source: str
    gap_percent: Decimal | None  # (current - advanced) / advanced; None when units differ


@dataclass(frozen=True)
class BaselineResult:
    record_id: str
    record_path: str
    basis: str
    years: tuple[int, ...]
    rationale: str
    total_tco2: Decimal | None
    total_origin: str  # record | computed | ""
    intensity: Decimal | None
    intensity_unit: str
    intensity_origin: str
    change_total_percent: Decimal | None
    change_intensity_percent: Decimal | None
    advanced: tuple[AdvancedComparison, ...]
    # an incomplete year: the months compared (current year's), and both sides over them
    like_for_like_months: tuple[str, ...] = ()
    compared_total_tco2: Decimal | None = None  # baseline side over the compared months
    compared_intensity: Decimal | None = None
    current_total_tco2: Decimal | None = None  # this year's side over the compared months
    current_intensity: Decimal | None = None
    findings: tuple[str, ...] = ()  # typed figures that differ from the computed ones


@dataclass(frozen=True)
class ObjectiveProgress:
    id: str
    title: str
    kind: str
    metric: str
    unit: str
    target_year: int
    owner: str
    baseline_value: Decimal | None
    target_value: Decimal | None
    actual: Decimal | None
    progress_percent: Decimal | None  # share of the planned reduction achieved so far
    achieved: bool | None
    note: str
    targets: tuple[dict[str, Any], ...]


NOT_EVALUATED = "未评价（数据不完整）(not evaluated: incomplete data)"


def _dec(value: Any) -> Decimal | None:
    return None if value is None else dec(value)


def _pct(base: Decimal | None, current: Decimal | None) -> Decimal | None:
    if base is None or current is None or base == 0:
        return None
    return quotient((current - base) * 100, base)


def _choose(model: Model, year: int) -> Record | None:
    records = sorted(model.records_of("baselines"), key=lambda r: (r.sort_date, r.id))
    before = [r for r in records if all(int(y) < year for y in r.data["baseline"]["years"])]
    chosen = before or records
    return chosen[-1] if chosen else None


def _same_months(months: tuple[str, ...], year: int) -> tuple[str, ...]:
    return tuple(f"{year}{m[4:]}" for m in months)


def _computed(
    have: list[Inventory], unit: str, months: tuple[str, ...] = ()
) -> tuple[Decimal | None, Decimal | None]:
    """(mean total, sum E / sum Q intensity) of the base years, over `months` when given."""
    if not have:
        return None, None
    totals, outputs = [], []
    for inv in have:
        picked = _same_months(months, inv.year) if months else ()
        totals.append(inv.total_over(picked) if months else inv.total_tco2)
        out = inv.output_for(unit)
        q = (out.over(picked) if months else out.quantity) if out else None
        outputs.append(q)
    total = ratio(sum(totals, Decimal(0)), Decimal(len(totals)))
    known = [q for q in outputs if q]
    intensity = (
        quotient(sum(totals, Decimal(0)), sum(known, Decimal(0)))
        if len(known) == len(have)
        else None
    )
    return total, intensity


def _check(typed: Decimal | None, computed: Decimal | None, what: str, years: str) -> str:
    if typed is None or computed is None:
        return ""
    exponent = typed.as_tuple().exponent
    places = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    if computed.quantize(places, rounding=ROUND_HALF_UP) == typed:
        return ""
    return (
        f"基准记录填写的{what} {typed} 与按 {years} 年核算结果计算的 "
        f"{computed.quantize(places, rounding=ROUND_HALF_UP)} 不一致 "
        f"(typed baseline {what} differs from the computed one)"
    )


@exact
def baseline_result(
    model: Model, inventory: Inventory, history: dict[int, Inventory]
) -> tuple[BaselineResult | None, list[Issue]]:
    record = _choose(model, inventory.year)
    if record is None:
        return None, []
    base = record.data["baseline"]
    years = tuple(int(y) for y in base["years"])
    label = "、".join(map(str, years))
    issues: list[Issue] = []
    have = [history[y] for y in years if y in history]
    have = have if len(have) == len(years) else []
    unit = str(base.get("intensity_unit") or inventory.intensity_unit)
    typed_total, typed_intensity = _dec(base.get("total_tco2")), _dec(base.get("intensity"))
    total, intensity = _computed(have, unit)
    findings = [
        f
        for f in (
            _check(typed_total, total, "排放量", label),
            _check(typed_intensity, intensity, "强度", label),
        )
        if f
    ]
    for text, field in zip(findings, ("baseline/total_tco2", "baseline/intensity"), strict=False):
        issues.append(
            Issue(record.path, None, field, text, Severity.WARNING, code="CARBON-BASELINE-MISMATCH")
        )
    total_origin = "computed" if total is not None else "record" if typed_total is not None else ""
    intensity_origin = (
        "computed" if intensity is not None else "record" if typed_intensity is not None else ""
    )
    total = total if total is not None else typed_total
    intensity = intensity if intensity is not None else typed_intensity
    if total is None:
        issues.append(
            Issue(
                record.path,
                None,
                "baseline/total_tco2",
                f"基准年 {label} 没有核算数据，记录也未填写排放量 (baseline total unknown)",
                severity=Severity.WARNING,
                code="CARBON-BASELINE-INCOMPLETE",
            )
        )
    current_out = inventory.output_for(unit)
    if current_out is None:
        issues.append(
            Issue(
                record.path,
                None,
                "baseline/intensity_unit",
                f"基准强度单位 '{unit}' 不是本单位任何强度指标的单位，未作比较 "
                "(intensity unit matches no indicator; not compared)",
                severity=Severity.WARNING,
                code="CARBON-UNIT-MISMATCH",
            )
        )
    current_intensity = (
        quotient(inventory.total_tco2, current_out.quantity)
        if current_out is not None and current_out.quantity
        else None
    )
    months: tuple[str, ...] = ()
    compared_total, compared_intensity = total, intensity
    current_total = inventory.total_tco2
    if not inventory.complete:
        months = inventory.complete_months
        compared_total, _i = _computed(have, unit, months)
        current_total = inventory.total_over(months)
        # intensity over the months that have both emissions and the denominator
        recorded = {m for m, _v in current_out.monthly} if current_out is not None else set()
        both = tuple(m for m in months if m in recorded)
        _t, compared_intensity = _computed(have, unit, both)
        q = current_out.over(both) if current_out is not None else None
        current_intensity = quotient(inventory.total_over(both), q) if q else None
    advanced = tuple(
        AdvancedComparison(
            str(a["kind"]),
            dec(a["intensity"]),
            str(a["intensity_unit"]),
            str(a["source"]),
            _pct(dec(a["intensity"]), current_intensity)
            if a["intensity_unit"] == unit and inventory.complete
            else None,
        )
        for a in record.data["advanced_values"]
    )
    return BaselineResult(
        record_id=record.id,
        record_path=record.path,
        basis=str(base["basis"]),
        years=years,
        rationale=str(base["rationale"]),
        total_tco2=total,
        total_origin=total_origin,
        intensity=intensity,
        intensity_unit=unit,
        intensity_origin=intensity_origin,
        change_total_percent=_pct(compared_total, current_total),
        change_intensity_percent=_pct(compared_intensity, current_intensity),
        advanced=advanced,
        like_for_like_months=months,
        compared_total_tco2=compared_total,
        compared_intensity=compared_intensity,
        current_total_tco2=current_total,
        current_intensity=current_intensity,
        findings=tuple(findings),
    ), issues


def _objective_records(model: Model, year: int) -> list[Record]:
    records = sorted(model.records_of("objectives"), key=lambda r: (r.sort_date, r.id))
    covering = [
        r for r in records if int(r.data["period"]["start"]) <= year <= int(r.data["period"]["end"])
    ]
    return covering or records


def _actual(metric: str, unit: str, inventory: Inventory) -> tuple[Decimal | None, str]:
    if metric == "total_tco2":
        if unit and unit != "tCO2":
            return None, f"单位 '{unit}' 不是 tCO2，未自动计算 (unit is not tCO2)"
        return inventory.total_tco2, ""
    if metric == "intensity":
        output = inventory.output_for(unit) if unit else inventory.output
        if output is None:
            return (
                None,
                f"单位 '{unit}' 不是本单位任何强度指标的单位，未自动计算 (no indicator in this unit)",
            )
        return (quotient(inventory.total_tco2, output.quantity) if output.quantity else None), ""
    return None, "该指标不由排放核算自动计算 (not computed from the inventory)"


@exact
def objective_progress(
    model: Model, inventory: Inventory, baseline: BaselineResult | None
) -> list[ObjectiveProgress]:
    found = []
    for record in _objective_records(model, inventory.year):
        for item in record.data["objectives"]:
            metric, unit = str(item["metric"]), str(item.get("unit", ""))
            actual, note = _actual(metric, unit, inventory)
            if metric == "allowance_balance":  # carbon asset: computed from the ledger
                actual, note = allowance_balance(model, inventory)
            base = _dec(item.get("baseline_value"))
            if base is None and baseline is not None:
                base = (
                    baseline.total_tco2
                    if metric == "total_tco2"
                    else baseline.intensity
                    if metric == "intensity"
                    else None
                )
            target = _dec(item.get("target_value"))
            progress = achieved = None
            if metric in ("total_tco2", "intensity") and not inventory.complete:
                actual, note = None, NOT_EVALUATED
            if actual is not None and target is not None:
                # a balance must not fall below its target; emissions must not exceed theirs
                achieved = actual >= target if metric == "allowance_balance" else actual <= target
                # not met yet, but the target year is still ahead: in progress, not failed
                if not achieved and inventory.year < int(item["target_year"]):
                    achieved = None
                    note = note or "目标年度未到，进行中 (in progress)"
                if base is not None and base != target:
                    progress = quotient((base - actual) * 100, base - target)
            found.append(
                ObjectiveProgress(
                    id=str(item["id"]),
                    title=str(item["title"]),
                    kind=str(item["kind"]),
                    metric=metric,
                    unit=unit,
                    target_year=int(item["target_year"]),
                    owner=str(item["owner"]),
                    baseline_value=base,
                    target_value=target,
                    actual=actual,
                    progress_percent=progress,
                    achieved=achieved,
                    note=note,
                    targets=tuple(item["targets"]),
                )
            )
    return sorted(found, key=lambda o: o.id)
