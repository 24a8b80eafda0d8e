"""One reporting year of the compliance cycle: inventory, ledger, verification, forecast, calendar.

Pure: everything is computed from the model (and a reference date for the calendar), so the
site, the CLI and `cems check` show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    model: Model, year: int, today: str = "", inventories: dict[int, Inventory | None] | None = None
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
        previous = cache.get(year - 1)
        available = _forecast_available(model, year, result.ledger)
        if available is not None:
            result.forecast = quarterly_forecast(
                year,
                result.inventory.by_month,
                previous.by_month if previous else None,
                available,
            )
    if today and year in calendar_years():
        result.calendar = evaluate(model, year, today)
    return result


def _forecast_available(model: Model, year: int, ledger: Ledger | None) -> Decimal | None:
    """Allowances expected for the year: the ledger's, or last year's allocation and carry-over."""
    if ledger is not None and ledger.allocated_t:
        return ledger.available_t
    previous = ledger_records(model, year - 1)
    if not previous:
        return ledger.available_t if ledger is not None else None
    last = compute_ledger(previous[-1], None, "")
    carried = last.total(("carry_out",))
    if ledger is not None:  # its carry-in is last year's carry-out
        return last.allocated_t + ledger.available_t
    return last.allocated_t + carried
