"""Intensity denominators (3.8) as data: the organisation's output indicators and their values.

Each indicator (organisation.yaml `indicators:`, or the single legacy `output:`) declares
  kind         flow  — an amount per period, summed over the months (product output, revenue,
                       room-nights)
               stock — a level, not summed (floor area, beds): the average of the monthly
                       values (`aggregation: average`) or the December value (`year_end`)
  unit, name   the Chinese label shown in reports
  column       quantity (default) or output_value: the column of the 业务量与产值记录 CSV
A row names its indicator in the `indicator` column; a row without one belongs to the first
indicator read from the quantity column. A flow or averaged stock expects every month of the
year; a year-end stock expects December. Months not recorded are missing denominators.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.carbon.calc.exact import dec, ratio
from generator.content.model import Model
from generator.core.issues import Issue

Path_ = tuple[str | int, ...]
KIND_ZH = {"flow": "流量（逐月累加）", "stock": "存量（不累加）"}
AGGREGATION_ZH = {"sum": "各月合计", "average": "各月平均", "year_end": "年末值"}
STOCK_INDICATORS = {"floor_area", "beds"}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: str
    kind: str  # flow | stock
    aggregation: str  # sum | average | year_end
    column: str  # quantity | output_value


@dataclass(frozen=True)
class Output:
    indicator: str  # the indicator's id
    name: str
    unit: str
    quantity: Decimal | None  # the year's denominator (None: nothing recorded)
    monthly: tuple[tuple[str, Decimal], ...] = ()
    kind: str = "flow"
    aggregation: str = "sum"
    missing_months: tuple[str, ...] = ()  # expected months with no value

    @property
    def complete(self) -> bool:
        return self.quantity is not None and not self.missing_months

    def over(self, months: tuple[str, ...]) -> Decimal | None:
        """The denominator over `months` only (like-for-like comparisons of an open year)."""
        values = dict(self.monthly)
        if not months or any(m not in values for m in months):
            return None
        picked = [values[m] for m in months]
        if self.aggregation == "sum":
            return sum(picked, Decimal(0))
        if self.aggregation == "average":
            return ratio(sum(picked, Decimal(0)), Decimal(len(picked)))
        return picked[-1]


def indicators_of(model: Model) -> tuple[Indicator, ...]:
    data = model.organisation.data
    entries = data.get("indicators") or [model.organisation.output]
    found = []
    for entry in entries:
        ident = str(entry.get("id") or entry.get("indicator") or "output")
        kind = str(entry.get("kind") or ("stock" if ident in STOCK_INDICATORS else "flow"))
        aggregation = str(entry.get("aggregation") or ("sum" if kind == "flow" else "average"))
        column = str(
            entry.get("column") or ("output_value" if ident == "output_value" else "quantity")
        )
        found.append(
            Indicator(ident, str(entry["name"]), str(entry["unit"]), kind, aggregation, column)
        )
    return tuple(found)


def expected_months(indicator: Indicator, year: int) -> tuple[str, ...]:
    if indicator.aggregation == "year_end":
        return (f"{year}-12",)
    return tuple(f"{year}-{m:02d}" for m in range(1, 13))


def _aggregate(indicator: Indicator, monthly: dict[str, Decimal]) -> Decimal | None:
    if not monthly:
        return None
    values = [monthly[m] for m in sorted(monthly)]
    if indicator.aggregation == "sum":
        return sum(values, Decimal(0))
    if indicator.aggregation == "average":
        return ratio(sum(values, Decimal(0)), Decimal(len(values)))
    return values[-1]


def _row_indicator(row: dict[str, Any], indicators: tuple[Indicator, ...]) -> Indicator | None:
    named = row.get("indicator")
    quantity_ones = [i for i in indicators if i.column == "quantity"]
    if named is None:
        return quantity_ones[0] if quantity_ones else None
    return next((i for i in quantity_ones if i.id == str(named)), None)


def compute_outputs(
    model: Model, year: int, locate: Callable[[str, Path_], int | None]
) -> tuple[tuple[Output, ...], list[Issue]]:
    indicators = indicators_of(model)
    monthly: dict[str, dict[str, Decimal]] = defaultdict(dict)
    issues: list[Issue] = []
    by_id = {i.id: i for i in indicators}

    def issue(file: str, path: Path_, message: str, code: str) -> None:
        issues.append(Issue(file, locate(file, path), "/".join(map(str, path)), message, code=code))

    for record in model.records_of("production"):
        for index, row in enumerate(record.data.get("rows") or []):
            month = str(row["month"])
            if not month.startswith(f"{year}-"):
                continue
            target = _row_indicator(row, indicators)
            if target is None:
                issue(
                    record.path,
                    ("rows", index, "indicator"),
                    f"{month} 指标 '{row.get('indicator')}' 未在单位信息 indicators 中声明 "
                    "(indicator not declared in organisation.yaml)",
                    "CARBON-INDICATOR-UNKNOWN",
                )
                continue
            if str(row["unit"]).strip() != target.unit:
                issue(
                    record.path,
                    ("rows", index, "unit"),
                    f"{month} {target.name}的单位 '{row['unit']}' 与单位信息中声明的强度分母单位 "
                    f"'{target.unit}' 不一致 (unit differs from the indicator's unit)",
                    "CARBON-UNIT-MISMATCH",
                )
                continue
            _put(record.path, index, month, target, dec(row["quantity"]), monthly, issue)
            value_ones = [i for i in indicators if i.column == "output_value"]
            if row.get("output_value") is not None and value_ones:
                _put(
                    record.path,
                    index,
                    month,
                    value_ones[0],
                    dec(row["output_value"]),
                    monthly,
                    issue,
                )
    outputs = []
    for indicator in indicators:
        per = dict(sorted(monthly.get(indicator.id, {}).items()))
        missing = tuple(m for m in expected_months(indicator, year) if m not in per)
        outputs.append(
            Output(
                indicator.id,
                indicator.name,
                indicator.unit,
                _aggregate(by_id[indicator.id], per),
                tuple(per.items()),
                indicator.kind,
                indicator.aggregation,
                missing,
            )
        )
    return tuple(outputs), issues


def _put(
    file: str,
    index: int,
    month: str,
    indicator: Indicator,
    value: Decimal,
    monthly: dict[str, dict[str, Decimal]],
    issue: Callable[[str, Path_, str, str], None],
) -> None:
    per = monthly[indicator.id]
    if month in per:
        if indicator.kind == "stock":  # a level recorded twice for one month is a contradiction
            issue(
                file,
                ("rows", index, "quantity"),
                f"{month} {indicator.name}（存量）重复记录 (stock indicator recorded twice)",
                "CARBON-INDICATOR-DUPLICATE",
            )
            return
        per[month] += value
    else:
        per[month] = value
