"""Assessment of one year: the inventory plus monitoring analysis (9.2 c, 8.5 b), the baseline
and advanced values (6.3 f, A.9) and progress of objectives (6.4).

Monitoring analysis works on the metered quantities (activity data), source by source:
a month-on-month change above `mom_percent` or a change against the same month of the previous
year above `yoy_percent` is an anomaly; a change from or to zero is compared only when the
earlier value is not zero. Month-on-month changes are seasonally adjusted where the previous
year has the same two months: the heating season starting again in November is expected, so
only the difference from last year's change for the same months counts. When the same source is
above the year-on-year threshold in the same direction for `LEVEL_SHIFT_MONTHS` months or more,
that is one sustained change (a new contract, a retrofit), reported once for the year as a
`level` anomaly instead of month by month; its change is computed over the whole year (every
month read in both years), not over the anomalous months only. A month is missing when a source
has no reading for a month it is expected to report (calc/completeness.py: the monitoring plan,
commissioning and decommissioning dates), whether or not any other source reported that month.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generator.carbon.calc.completeness import MissingMonth
from generator.carbon.calc.exact import dec, exact, quotient
from generator.carbon.calc.inventory import Inventory, compute_inventory, inventory_years
from generator.carbon.calc.per_model import once_per_model
from generator.carbon.calc.resolve import Locate
from generator.carbon.calc.targets import (
    BaselineResult,
    ObjectiveProgress,
    baseline_result,
    objective_progress,
)
from generator.content.model import Model, Record
from generator.core.issues import CemsError, Issue, Severity, has_errors

LEVEL_SHIFT_MONTHS = 6
KIND_ZH = {"mom": "环比", "yoy": "同比", "level": "全年持续同比变化"}


@dataclass(frozen=True)
class Thresholds:
    mom_percent: Decimal = Decimal(30)
    yoy_percent: Decimal = Decimal(25)


@dataclass(frozen=True)
class Anomaly:
    source_id: str
    month: str
    kind: str  # "mom" | "yoy" | "level" (see KIND_ZH)
    compared_month: str
    previous: Decimal
    current: Decimal
    change_percent: Decimal
    unit: str
    expected_percent: Decimal | None = None  # last year's change for the same months (MoM)


@dataclass(frozen=True)
class YearPoint:
    year: int
    total_tco2: Decimal
    intensity: Decimal | None


@dataclass(frozen=True)
class Assessment:
    inventory: Inventory
    thresholds: Thresholds
    anomalies: tuple[Anomaly, ...]
    missing_months: tuple[MissingMonth, ...]
    baseline: BaselineResult | None
    objectives: tuple[ObjectiveProgress, ...]
    history: tuple[YearPoint, ...]  # every year with a valid inventory up to this one
    issues: tuple[Issue, ...]  # warnings met on the way

    @property
    def year(self) -> int:
        return self.inventory.year


def _previous_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:])
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def _change(previous: Decimal, current: Decimal) -> Decimal:
    return quotient((current - previous) * 100, abs(previous))


@once_per_model
def _readings_all(model: Model) -> dict[str, dict[str, Decimal]]:
    table: dict[str, dict[str, Decimal]] = {}
    for record in model.records_of("meter-readings"):
        for row in record.data.get("rows") or []:
            per = table.setdefault(str(row["source"]), {})
            month = str(row["month"])
            per[month] = per.get(month, Decimal(0)) + dec(row["quantity"])
    return table


@exact
def find_anomalies(model: Model, inventory: Inventory, thresholds: Thresholds) -> list[Anomaly]:
    everything = _readings_all(model)
    anomalies = []
    for result in inventory.results:
        series = everything.get(result.source_id, {})
        for month, quantity in inventory.readings.get(result.source_id, {}).items():
            checks = (
                ("mom", _previous_month(month), thresholds.mom_percent),
                ("yoy", f"{int(month[:4]) - 1}{month[4:]}", thresholds.yoy_percent),
            )
            for kind, other, limit in checks:
                previous = series.get(other)
                if previous is None or previous == 0:
                    continue
                change = _change(previous, quantity)
                expected = _seasonal_change(series, month) if kind == "mom" else None
                if abs(change - (expected or 0)) > limit:
                    anomalies.append(
                        Anomaly(
                            result.source_id,
                            month,
                            kind,
                            other,
                            previous,
                            quantity,
                            change,
                            result.quantity_unit,
                            expected,
                        )
                    )
    ordered = _collapse_level_shifts(anomalies, everything)
    return sorted(ordered, key=lambda a: (a.month, a.source_id, a.kind))


def _collapse_level_shifts(
    anomalies: list[Anomaly], everything: dict[str, dict[str, Decimal]]
) -> list[Anomaly]:
    """Many same-direction year-on-year anomalies of one source are one sustained change."""
    by_source: dict[tuple[str, bool], list[Anomaly]] = {}
    for anomaly in anomalies:
        if anomaly.kind == "yoy":
            by_source.setdefault((anomaly.source_id, anomaly.change_percent > 0), []).append(
                anomaly
            )
    kept = list(anomalies)
    for (source_id, _up), group in sorted(by_source.items()):
        if len(group) < LEVEL_SHIFT_MONTHS:
            continue
        kept = [a for a in kept if a not in group]
        year = group[0].month[:4]
        series = everything.get(source_id, {})
        # the whole year: every month read in both years, not only the anomalous ones
        months = [m for m in series if m[:4] == year and f"{int(year) - 1}{m[4:]}" in series]
        previous = sum((series[f"{int(year) - 1}{m[4:]}"] for m in months), Decimal(0))
        current = sum((series[m] for m in months), Decimal(0))
        if previous == 0:
            continue
        kept.append(
            Anomaly(
                source_id,
                year,
                "level",
                str(int(year) - 1),
                previous,
                current,
                _change(previous, current),
                group[0].unit,
            )
        )
    return kept


def _seasonal_change(series: dict[str, Decimal], month: str) -> Decimal | None:
    """Last year's month-on-month change into the same calendar month, if both months were read."""
    last_year = f"{int(month[:4]) - 1}{month[4:]}"
    before, after = series.get(_previous_month(last_year)), series.get(last_year)
    if before is None or after is None or before == 0:
        return None
    return _change(before, after)


def find_missing_months(inventory: Inventory) -> list[MissingMonth]:
    """Expected source-months without a reading (see Inventory.missing)."""
    return list(inventory.missing)


def year_history(model: Model, year: int, locate: Locate | None = None) -> dict[int, Inventory]:
    """Valid inventories of every year up to `year` (years with errors are left out)."""
    found = {}
    for other in inventory_years(model):
        if other > year:
            continue
        inventory, issues = compute_inventory(model, other, locate)
        if inventory is not None and not has_errors(issues):
            found[other] = inventory
    return found


def _latest_year(model: Model) -> int:
    years = inventory_years(model)
    if not years:
        raise CemsError(
            "没有排放源清单，无法计算 (no emission-sources record)",
            [
                Issue(
                    "records/emission-sources",
                    None,
                    "",
                    "没有排放源清单记录 (no emission-sources record)",
                    code="CARBON-NO-INVENTORY",
                )
            ],
        )
    return years[-1]


@exact
def assess(
    model: Model,
    year: int | None = None,
    thresholds: Thresholds | None = None,
    locate: Locate | None = None,
) -> Assessment:
    """Assess `year` (default: the latest inventory). Raises CemsError with the issues when the
    year's inventory cannot be computed (unknown unit, unit mismatch, missing factor, ...)."""
    year = year if year is not None else _latest_year(model)
    thresholds = thresholds or Thresholds()
    inventory, issues = compute_inventory(model, year, locate)
    if inventory is None or has_errors(issues):
        raise CemsError(f"{year} 年碳排放无法计算 (cannot compute {year} emissions)", issues)
    history = year_history(model, year, locate)
    history[year] = inventory
    warnings = list(issues)
    baseline, found = baseline_result(model, inventory, history)
    warnings += found
    objectives = tuple(objective_progress(model, inventory, baseline))
    return Assessment(
        inventory=inventory,
        thresholds=thresholds,
        anomalies=tuple(find_anomalies(model, inventory, thresholds)),
        missing_months=tuple(find_missing_months(inventory)),
        baseline=baseline,
        objectives=objectives,
        history=tuple(
            YearPoint(y, inv.total_tco2, inv.intensity) for y, inv in sorted(history.items())
        ),
        issues=tuple(i for i in warnings if i.severity is Severity.WARNING),
    )


def records_for_year(model: Model, record_type: str, year: int) -> list[Record]:
    """Records of a type that state this `year`, or all of them when none states one."""
    records = list(model.records_of(record_type))
    dated = [r for r in records if r.data.get("year") == year]
    return dated or [r for r in records if "year" not in r.data]
