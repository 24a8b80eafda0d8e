"""Baseline, advanced values (6.3 f, A.9) and progress of objectives (6.4).

The baseline comes from the newest `baselines` record whose base years all precede the assessed
year (else the newest one). A total or intensity written in the record is the approved value and
wins; otherwise it is computed from the base years' inventories: previous or typical year as is,
multi-year average as the mean total and (sum of emissions / sum of output) intensity.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

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


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _pct(base: Decimal | None, current: Decimal | None) -> Decimal | None:
    if base is None or current is None or base == 0:
        return None
    return (current - base) / base * 100


def _choose(model: Model, year: int) -> Record | None:
    records = sorted(model.records_of("baselines"), key=lambda r: (r.date, r.id))
    before = [r for r in records if all(int(y) < year for y in r.data["baseline"]["years"])]
    chosen = before or records
    return chosen[-1] if chosen else None


def baseline_result(
    model: Model, inventory: Inventory, history: dict[int, Inventory]
) -> tuple[BaselineResult | None, list[Issue]]:
    record = _choose(model, inventory.year)
    if record is None:
        return None, []
    base = record.data["baseline"]
    years = tuple(int(y) for y in base["years"])
    issues: list[Issue] = []
    have = [history[y] for y in years if y in history]
    total, total_origin = _dec(base.get("total_tco2")), "record"
    if total is None and len(have) == len(years):
        total, total_origin = sum((i.total_tco2 for i in have), Decimal(0)) / len(have), "computed"
    intensity, intensity_origin = _dec(base.get("intensity")), "record"
    unit = str(base.get("intensity_unit") or inventory.intensity_unit)
    outputs = [q for i in have if (q := i.output.quantity)]  # known and non-zero only
    if intensity is None and have and len(have) == len(years) and len(outputs) == len(have):
        intensity = sum((i.total_tco2 for i in have), Decimal(0)) / sum(outputs, Decimal(0))
        intensity_origin = "computed"
    if total is None:
        total_origin = ""
        issues.append(
            Issue(
                record.path,
                None,
                "baseline/total_tco2",
                f"基准年 {years} 的排放量既未填写也无法计算 (baseline total unknown)",
                severity=Severity.WARNING,
                code="CARBON-BASELINE-INCOMPLETE",
            )
        )
    if intensity is None:
        intensity_origin = ""
    same_unit = unit == inventory.intensity_unit
    if not same_unit:
        issues.append(
            Issue(
                record.path,
                None,
                "baseline/intensity_unit",
                f"基准强度单位 '{unit}' 与本年强度单位 '{inventory.intensity_unit}' 不同，未作比较 "
                "(intensity units differ; not compared)",
                severity=Severity.WARNING,
                code="CARBON-UNIT-MISMATCH",
            )
        )
    current = inventory.intensity
    advanced = tuple(
        AdvancedComparison(
            str(a["kind"]),
            Decimal(str(a["intensity"])),
            str(a["intensity_unit"]),
            str(a["source"]),
            _pct(Decimal(str(a["intensity"])), current)
            if a["intensity_unit"] == inventory.intensity_unit
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
        change_total_percent=_pct(total, inventory.total_tco2),
        change_intensity_percent=_pct(intensity, current) if same_unit else None,
        advanced=advanced,
    ), issues


def _objective_records(model: Model, year: int) -> list[Record]:
    records = sorted(model.records_of("objectives"), key=lambda r: (r.date, r.id))
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
        if unit and unit != inventory.intensity_unit:
            return (
                None,
                f"单位 '{unit}' 与本年强度单位 '{inventory.intensity_unit}' 不同，未自动计算",
            )
        return inventory.intensity, ""
    return None, "该指标不由排放核算自动计算 (not computed from the inventory)"


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
            if actual is not None and target is not None:
                # a balance must not fall below its target; emissions must not exceed theirs
                achieved = actual >= target if metric == "allowance_balance" else actual <= target
                # not met yet, but the target year is still ahead: in progress, not failed
                if not achieved and inventory.year < int(item["target_year"]):
                    achieved = None
                    note = note or "目标年度未到，进行中 (in progress)"
                if base is not None and base != target:
                    progress = (base - actual) / (base - target) * 100
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
