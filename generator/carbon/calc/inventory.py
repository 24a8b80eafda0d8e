"""Emission inventory of one year: activity data from meter readings, factors, totals, intensity.

The reporting year's rule set (calc/rules.py, data/rules/*.yaml) says which boundaries count:
in Beijing `fixed` sources are counted; `mobile` and `out_of_city` sources are computed and
listed under `reported_only` (energy reported, emissions not counted), and so is purchased heat
in a year whose rules do not count it. Biomass CO2 is computed and reported separately, outside
the total. Planned sources are listed, not computed. Exact decimals throughout (calc/exact.py):
activity data x factor = emissions and the sum of sources = the total, to the last digit.
A year is complete when every source reported every month it is expected to
(calc/completeness.py) and every intensity denominator has its months (calc/indicators.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.carbon.calc.completeness import MissingMonth, expected_months, plan_for_year
from generator.carbon.calc.exact import dec, exact, quotient
from generator.carbon.calc.factors import DEFAULT_FUEL_SET, factor_library, overrides_for
from generator.carbon.calc.indicators import Output, compute_outputs
from generator.carbon.calc.per_model import once_per_model
from generator.carbon.calc.resolve import Locate, Path_, Resolved, SourceContext, resolve
from generator.carbon.calc.rules import DEFAULT_JURISDICTION, RuleSet, rule_set
from generator.carbon.calc.source import SourceResult
from generator.carbon.calc.uncertainty import Correlation, combine_correlated, source_uncertainty
from generator.content.model import Model, Record
from generator.core.issues import Issue, Severity

CATEGORIES = ("combustion", "process", "electricity", "heat")
__all__ = ["CATEGORIES", "Inventory", "MissingMonth", "Output", "SourceResult", "compute_inventory"]


def no_lines(_file: str, path: Path_) -> int | None:
    """Fallback locator: CSV rows sit on line index + 2 (after the header)."""
    if len(path) >= 2 and path[0] == "rows" and isinstance(path[1], int):
        return path[1] + 2
    return None


@dataclass(frozen=True)
class Inventory:
    year: int
    record: Record
    fuel_set: str
    electricity_factor: str
    results: tuple[SourceResult, ...]
    planned: tuple[dict[str, Any], ...]
    output: Output  # the primary intensity denominator (the first indicator)
    months: tuple[str, ...]  # months with any reading, sorted
    readings: dict[str, dict[str, Decimal]] = field(repr=False)  # source -> month -> quantity
    outputs: tuple[Output, ...] = ()  # every declared indicator, primary first
    rules: RuleSet | None = None

    @property
    def counted(self) -> tuple[SourceResult, ...]:
        return tuple(r for r in self.results if r.counted)

    @property
    def reported_only(self) -> tuple[SourceResult, ...]:
        return tuple(r for r in self.results if not r.inside)

    @property
    def biomass(self) -> tuple[SourceResult, ...]:
        return tuple(r for r in self.results if r.inside and r.biomass)

    @property
    @exact
    def total_tco2(self) -> Decimal:
        return sum((r.emissions_tco2 for r in self.counted), Decimal(0))

    @property
    @exact
    def biomass_tco2(self) -> Decimal:
        return sum((r.emissions_tco2 for r in self.biomass), Decimal(0))

    @property
    def missing(self) -> tuple[MissingMonth, ...]:
        """Expected source-months without a reading, by month then source."""
        found = [MissingMonth(r.source_id, m) for r in self.results for m in r.missing_months]
        return tuple(sorted(found, key=lambda m: (m.month, m.source_id)))

    @property
    def missing_denominators(self) -> tuple[tuple[str, str], ...]:
        """(indicator id, month) of every expected denominator month without a value."""
        return tuple(
            (o.indicator, m) for o in self.outputs or (self.output,) for m in o.missing_months
        )

    @property
    def complete(self) -> bool:
        """Every expected month of every source and every denominator is recorded."""
        denominators = all(o.quantity is not None for o in self.outputs or (self.output,))
        return not self.missing and not self.missing_denominators and denominators

    @property
    def complete_months(self) -> tuple[str, ...]:
        """Months in which every source expected that month reported (like-for-like basis)."""
        gaps = {m.month for m in self.missing}
        months = {m for r in self.results for m in r.expected_months} or set(self.months)
        return tuple(sorted(m for m in months if m not in gaps and m in self.months))

    @exact
    def total_over(self, months: tuple[str, ...]) -> Decimal:
        by_month = self.by_month
        return sum((by_month.get(m, Decimal(0)) for m in months), Decimal(0))

    def output_for(self, intensity_unit: str) -> Output | None:
        """The indicator whose intensity is in `intensity_unit` (tCO2/<unit>)."""
        return next(
            (o for o in self.outputs or (self.output,) if f"tCO2/{o.unit}" == intensity_unit), None
        )

    @property
    @exact
    def intensities(self) -> tuple[tuple[Output, Decimal | None], ...]:
        """(indicator, tCO2 per its unit) for every indicator."""
        total = self.total_tco2
        return tuple(
            (o, quotient(total, o.quantity) if o.quantity else None)
            for o in self.outputs or (self.output,)
        )

    @property
    @exact
    def by_category(self) -> dict[str, Decimal]:
        totals = {c: Decimal(0) for c in CATEGORIES}
        for r in self.counted:
            totals[r.category] += r.emissions_tco2
        return totals

    @property
    @exact
    def by_month(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for r in self.counted:
            for month, _q, tco2 in r.monthly:
                totals[month] += tco2
        return dict(sorted(totals.items()))

    @property
    @exact
    def by_month_category(self) -> dict[str, dict[str, Decimal]]:
        table: dict[str, dict[str, Decimal]] = {}
        for r in self.counted:
            for month, _q, tco2 in r.monthly:
                row = table.setdefault(month, {c: Decimal(0) for c in CATEGORIES})
                row[r.category] += tco2
        return dict(sorted(table.items()))

    @property
    @exact
    def intensity(self) -> Decimal | None:
        q = self.output.quantity
        return None if not q else quotient(self.total_tco2, q)

    @property
    def intensity_unit(self) -> str:
        return f"tCO2/{self.output.unit}"

    @property
    def correlation(self) -> Correlation:
        """Total uncertainty with inputs shared between sources combined as correlated."""
        return combine_correlated(self.counted)

    @property
    def uncertainty_percent(self) -> Decimal | None:
        return self.correlation.correlated_percent


def sources_record(model: Model, year: int) -> list[Record]:
    return [r for r in model.records_of("emission-sources") if int(r.data.get("year", 0)) == year]


def inventory_years(model: Model) -> list[int]:
    return sorted({int(r.data["year"]) for r in model.records_of("emission-sources")})


def _options(record: Record, locate: Locate, rules: RuleSet) -> tuple[str, str, list[Issue]]:
    lib = factor_library()
    fuel_set = str(record.data.get("factor_set") or DEFAULT_FUEL_SET)
    default = str(rules.value("electricity_factor", lib.electricity_default))
    elec = str(record.data.get("electricity_factor") or default)
    issues = []
    if fuel_set not in lib.fuel_sets:
        issues.append(
            Issue(
                record.path,
                locate(record.path, ("factor_set",)),
                "factor_set",
                f"未知的因子集 '{fuel_set}' (unknown factor set)",
                code="CARBON-FACTOR-SET",
                hint="可选：" + "、".join(sorted(lib.fuel_sets)),
            )
        )
    if elec not in lib.electricity:
        issues.append(
            Issue(
                record.path,
                locate(record.path, ("electricity_factor",)),
                "electricity_factor",
                f"未知的电力排放因子 '{elec}'：须写明系列和年度 (unknown electricity factor: series:year)",
                code="CARBON-FACTOR-SET",
                hint="可选：" + "、".join(sorted(lib.electricity)),
            )
        )
    return fuel_set, elec, issues


@once_per_model
def _rows_by_year(model: Model) -> dict[str, list[tuple[Record, int, dict[str, Any], str]]]:
    """(record, row index, row, month) of every reading, by the year its month names (the
    text before the month's first '-'), in file and row order."""
    years: dict[str, list[tuple[Record, int, dict[str, Any], str]]] = defaultdict(list)
    for record in model.records_of("meter-readings"):
        for index, row in enumerate(record.data.get("rows") or []):
            month = str(row["month"])
            head, dash, _rest = month.partition("-")
            if dash:
                years[head].append((record, index, row, month))
    return years


def _readings(
    model: Model, year: int, sources: dict[str, dict[str, Any]], locate: Locate
) -> tuple[dict[str, dict[str, Decimal]], list[Issue]]:
    table: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    issues = []
    for record, index, row, month in _rows_by_year(model).get(str(year), []):
        sid = str(row["source"])
        source = sources.get(sid)
        if source is None:
            path: Path_ = ("rows", index, "source")
            issues.append(
                Issue(
                    record.path,
                    locate(record.path, path),
                    "/".join(map(str, path)),
                    f"排放源 {sid} 不在 {year} 年的排放源清单中 (source not in the {year} inventory)",
                    code="CARBON-SOURCE-UNKNOWN",
                )
            )
            continue
        if str(row["unit"]).strip() != str(source["activity_unit"]):
            path = ("rows", index, "unit")
            issues.append(
                Issue(
                    record.path,
                    locate(record.path, path),
                    "/".join(map(str, path)),
                    f"{month} 排放源 {sid} 的读数单位 '{row['unit']}' 与排放源清单中的活动水平单位 "
                    f"'{source['activity_unit']}' 不一致 (unit mismatch between reading and source)",
                    code="CARBON-UNIT-MISMATCH",
                    hint="换算为排放源清单规定的单位后再记录，或更正排放源清单。",
                )
            )
            continue
        table[sid][month] += dec(row["quantity"])
    return {k: dict(sorted(v.items())) for k, v in table.items()}, issues


def _result(
    source: dict[str, Any],
    resolved: Resolved,
    months: dict[str, Decimal],
    library_u: Decimal,
    in_boundary: bool,
    expected: tuple[str, ...],
) -> SourceResult:
    quantity = sum(months.values(), Decimal(0))
    ad = quantity * resolved.ad_per_quantity
    monthly = tuple((m, q, q * resolved.ad_per_quantity * resolved.ef) for m, q in months.items())
    u_ad = source.get("activity_uncertainty_percent")
    u, assumed = source_uncertainty(
        dec(u_ad) if u_ad is not None else None, library_u, resolved.parameters
    )
    return SourceResult(
        source_id=str(source["id"]),
        name=str(source["name"]),
        category=str(source["category"]),
        fuel=str(source["fuel"]),
        boundary=str(source["boundary"]),
        biomass=bool(source.get("biomass", False)),
        status=str(source["status"]),
        quantity=quantity,
        quantity_unit=str(source["activity_unit"]),
        activity_data=ad,
        activity_unit=resolved.ad_unit,
        emission_factor=resolved.ef,
        factor_unit=resolved.ef_unit,
        parameters=resolved.parameters,
        emissions_tco2=ad * resolved.ef,  # exact: equals the sum of the months
        monthly=monthly,
        uncertainty_percent=u,
        uncertainty_assumed=assumed,
        note=resolved.note,
        in_boundary=in_boundary,
        expected_months=expected,
    )


@exact
def compute_inventory(
    model: Model, year: int, locate: Locate | None = None
) -> tuple[Inventory | None, list[Issue]]:
    """The year's inventory, or None with the issues that prevent it."""
    locate = locate or no_lines
    records = sources_record(model, year)
    if not records:
        return None, [
            Issue(
                "records/emission-sources",
                None,
                "year",
                f"没有 {year} 年的排放源清单 (no emission-sources record for {year})",
                code="CARBON-NO-INVENTORY",
            )
        ]
    if len(records) > 1:
        return None, [
            Issue(
                r.path,
                locate(r.path, ("year",)),
                "year",
                f"{year} 年有多份排放源清单 (more than one emission-sources record for {year})",
                code="CARBON-DUPLICATE-INVENTORY",
            )
            for r in records[1:]
        ]
    return _compute(model, year, records[0], locate)


def _compute(
    model: Model, year: int, record: Record, locate: Locate
) -> tuple[Inventory | None, list[Issue]]:
    lib = factor_library()
    rules = rule_set(year, str(record.data.get("jurisdiction") or DEFAULT_JURISDICTION))
    fuel_set, elec, issues = _options(record, locate, rules)
    if issues:
        return None, issues
    overrides = overrides_for(model, year)
    for first, second in overrides.duplicates():
        issues.append(
            Issue(
                second.file,
                locate(second.file, second.path),
                "/".join(map(str, second.path)),
                f"{year} 年 {second.fuel} {second.source or ''} 的 {second.parameter} 重复给出，"
                f"另见 {first.file} (duplicate override)",
                code="CARBON-DUPLICATE-FACTOR",
            )
        )
    entries = list(enumerate(record.data.get("sources") or []))
    active = {str(s["id"]): s for _i, s in entries if s["status"] != "planned"}
    readings, found = _readings(model, year, {str(s["id"]): s for _i, s in entries}, locate)
    issues += found
    results = []
    plan = plan_for_year(model, year)
    for index, source in entries:
        sid = str(source["id"])
        if sid not in active:
            if sid in readings:
                issues.append(
                    Issue(
                        record.path,
                        locate(record.path, ("sources", index, "status")),
                        f"sources/{index}/status",
                        f"计划中的排放源 {sid} 已有计量数据 (planned source has readings)",
                        severity=Severity.WARNING,
                        code="CARBON-PLANNED-HAS-DATA",
                    )
                )
            continue
        ctx = SourceContext(
            source, index, record.path, year, fuel_set, elec, lib, overrides, locate, rules
        )
        resolved, found = resolve(ctx)
        issues += found
        if resolved is not None:
            read = readings.get(sid, {})
            inside = str(source["boundary"]) in rules.counted_boundaries and not (
                source["category"] == "heat" and not rules.heat_counted
            )
            expected = expected_months(source, year, plan, read)
            results.append(
                _result(source, resolved, read, lib.assumed_activity_u, inside, expected)
            )
    outputs, found = compute_outputs(model, year, locate)
    issues += found
    if any(i.severity is Severity.ERROR for i in issues):
        return None, issues
    months = sorted({m for per in readings.values() for m in per})
    planned = tuple(s for _i, s in entries if str(s["id"]) not in active)
    inventory = Inventory(
        year,
        record,
        fuel_set,
        elec,
        tuple(results),
        planned,
        outputs[0],
        tuple(months),
        readings,
        outputs,
        rules,
    )
    return inventory, issues
