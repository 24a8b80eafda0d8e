"""One reporting year of the compliance cycle: inventory, ledger, verification, forecast, calendar.

Pure: everything is computed from the model (and a reference date for the calendar), so the
site, the CLI and `cems check` show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from generator.carbon.calc.calendar import DeadlineStatus, calendar_years, evaluate
from generator.carbon.calc.inventory import Inventory, compute_inventory, inventory_years
from generator.carbon.calc.ledger import (
    Ledger,
    QuarterForecast,
    compute_ledger,
    ledger_records,
    quarterly_forecast,
)
from generator.carbon.calc.verification import (
    VerificationComparison,
    compare,
    verification_record,
    verified_emissions,
)
from generator.content.model import Model


def cycle_years(model: Model) -> list[int]:
    """Reporting years with an inventory or a ledger."""
    return sorted(
        set(inventory_years(model)) | {int(r.data["year"]) for r in ledger_records(model)}
    )


@dataclass
class YearCompliance:
    """Everything the annual cycle of one reporting year shows."""

    year: int
    inventory: Inventory | None = None
    ledger: Ledger | None = None
    verification: VerificationComparison | None = None
    forecast: list[QuarterForecast] = field(default_factory=list)
    calendar: list[DeadlineStatus] = field(default_factory=list)


def year_compliance(
    model: Model,
    year: int,
    today: date | None = None,
    inventories: dict[int, Inventory | None] | None = None,
) -> YearCompliance:
    cache = inventories if inventories is not None else {}
    for y in (year, year - 1):
        if y not in cache:
            cache[y] = compute_inventory(model, y)[0] if y in inventory_years(model) else None
    result = YearCompliance(year, cache[year])
    emissions, basis = verified_emissions(model, year, result.inventory)
    records = ledger_records(model, year)
    if records:
        result.ledger = compute_ledger(records[-1], emissions, basis)
    record = verification_record(model, year)
    if record is not None and result.inventory is not None:
        result.verification = compare(record, result.inventory)
    if result.inventory is not None:
        result.forecast = _forecast(
            model, year, result.ledger, result.inventory, cache.get(year - 1)
        )
    if today is not None and year in calendar_years():
        result.calendar = evaluate(model, year, today)
    return result


QUARTER_END = {1: "03-31", 2: "06-30", 3: "09-30", 4: "12-31"}


def _forecast(
    model: Model, year: int, ledger: Ledger | None, inventory: Inventory, previous: Inventory | None
) -> list[QuarterForecast]:
    """Each quarter's forecast against what was known at its end: allocation and trades dated
    by then (else last year's allocation as the estimate) and the carry-over from last year."""
    available: dict[int, Decimal] = {}
    notes: dict[int, str] = {}
    for quarter, end in QUARTER_END.items():
        found = _available_at(model, year, ledger, f"{year}-{end}")
        if found is not None:
            available[quarter], notes[quarter] = found
    if not available:
        return []
    forecasts = quarterly_forecast(
        year, inventory.by_month, previous.by_month if previous else None, available
    )
    return [replace(f, method=f.method + notes[f.quarter]) for f in forecasts]


def _available_at(
    model: Model, year: int, ledger: Ledger | None, end: str
) -> tuple[Decimal, str] | None:
    entries = [e for e in ledger.entries if e.date <= end] if ledger is not None else []
    allocated = sum(
        (e.quantity for e in entries if e.kind in ("free_allocation", "auction")), Decimal(0)
    )
    previous = ledger_records(model, year - 1)
    last = compute_ledger(previous[-1], None, "") if previous else None
    note = ""
    if not allocated:
        if last is None:
            return None
        allocated, note = last.allocated_t, f"；配额按 {year - 1} 年度估计"
    if ledger is not None:
        carried = ledger.total(("carry_in",))
    else:
        carried = last.total(("carry_out",)) if last is not None else Decimal(0)
    bought = sum((e.quantity for e in entries if e.kind == "buy"), Decimal(0))
    sold = sum((e.quantity for e in entries if e.kind == "sell"), Decimal(0))
    return allocated + carried + bought - sold, note
