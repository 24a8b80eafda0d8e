"""Allowance and offset ledger (8.6, 6.4 a): balance, cost, offset limits, shortfall forecast.

Pure arithmetic on an `allowance-ledger` record and the year's verified emissions. Quantities
are tonnes (t = tCO2e); the obligation is the verified emissions rounded up to whole tonnes,
as allowances are surrendered in whole tonnes. Offset limits per year come from
`data/compliance-rules.yaml`, each with its source and confidence tag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache
from typing import Any

from generator.content.model import Model, Record
from generator.core.resources import data_path, parse_data_yaml

INFLOWS = ("free_allocation", "auction", "buy", "carry_in")
OUTFLOWS = ("sell", "carry_out", "surrender")
OFFSETS = ("ccer", "pcer")


@dataclass(frozen=True)
class OffsetLimit:
    from_year: int
    to_year: int | None
    total_share: Decimal  # of the year's allocation
    outside_share: Decimal  # of the total limit, for out-of-Beijing CCER
    source: str
    tag: str


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    data = parse_data_yaml(data_path("compliance-rules.yaml").read_text(encoding="utf-8"))
    return dict(data)


def offset_limit(year: int) -> OffsetLimit | None:
    """The offset limit in force for a compliance year, or None when none is recorded."""
    for rule in _rules()["offset_limits"]:
        end = rule.get("to_year")
        if int(rule["from_year"]) <= year and (end is None or year <= int(end)):
            return OffsetLimit(
                int(rule["from_year"]),
                None if end is None else int(end),
                Decimal(str(rule["total_share_of_allocation"])),
                Decimal(str(rule["outside_beijing_share_of_limit"])),
                str(rule["source"]),
                str(rule["tag"]),
            )
    return None


def default_tolerance_percent() -> Decimal:
    return Decimal(str(_rules()["verification"]["tolerance_percent"]))


@dataclass(frozen=True)
class Entry:
    index: int  # position in the record's `entries` (for locating findings)
    date: str
    kind: str
    instrument: str
    quantity: Decimal
    price: Decimal | None
    counterparty: str = ""
    origin: str = ""
    project: str = ""
    other_year: int | None = None

    @property
    def amount_yuan(self) -> Decimal:
        return self.quantity * (self.price or Decimal(0))


def entries_of(record: Record) -> tuple[Entry, ...]:
    found = []
    for index, raw in enumerate(record.data.get("entries") or []):
        price = raw.get("price_yuan")
        other = raw.get("other_year")
        found.append(
            Entry(
                index,
                str(raw["date"]),
                str(raw["kind"]),
                str(raw["instrument"]),
                Decimal(str(raw["quantity_t"])),
                None if price is None else Decimal(str(price)),
                str(raw.get("counterparty", "")),
                str(raw.get("origin", "")),
                str(raw.get("project", "")),
                None if other is None else int(other),
            )
        )
    return tuple(found)


def _sum(
    entries: tuple[Entry, ...], kinds: tuple[str, ...], instruments: tuple[str, ...]
) -> Decimal:
    return sum(
        (e.quantity for e in entries if e.kind in kinds and e.instrument in instruments), Decimal(0)
    )


@dataclass(frozen=True)
class Ledger:
    """One compliance year's ledger, computed against its verified emissions."""

    year: int
    record: Record
    entries: tuple[Entry, ...]
    emissions_tco2: Decimal | None  # verified where available
    emissions_basis: str  # where `emissions_tco2` comes from
    market_price: Decimal | None
    limit: OffsetLimit | None

    def total(
        self, kinds: tuple[str, ...], instruments: tuple[str, ...] = ("allowance",)
    ) -> Decimal:
        return _sum(self.entries, kinds, instruments)

    @property
    def allocated_t(self) -> Decimal:
        return self.total(("free_allocation", "auction"))

    @property
    def obligation_t(self) -> Decimal | None:
        if self.emissions_tco2 is None:
            return None
        return self.emissions_tco2.to_integral_value(rounding=ROUND_CEILING)

    @property
    def available_t(self) -> Decimal:
        """Everything held for this year before surrender: allowances and offsets."""
        instruments = ("allowance", *OFFSETS)
        return self.total(INFLOWS, instruments) - self.total(("sell",), instruments)

    @property
    def balance_t(self) -> Decimal | None:
        """Surplus (> 0) or shortfall (< 0) of holdings against the obligation."""
        obligation = self.obligation_t
        return None if obligation is None else self.available_t - obligation

    @property
    def surrendered_t(self) -> Decimal:
        return self.total(("surrender",), ("allowance", *OFFSETS))

    @property
    def surrender_date(self) -> str:
        dates = [e.date for e in self.entries if e.kind == "surrender"]
        return max(dates) if dates else ""

    @property
    def offsets_surrendered_t(self) -> Decimal:
        return self.total(("surrender",), OFFSETS)

    @property
    def outside_ccer_surrendered_t(self) -> Decimal:
        return sum(
            (
                e.quantity
                for e in self.entries
                if e.kind == "surrender" and e.instrument == "ccer" and e.origin != "beijing"
            ),
            Decimal(0),
        )

    @property
    def offset_limit_t(self) -> Decimal | None:
        return None if self.limit is None else self.allocated_t * self.limit.total_share

    @property
    def outside_limit_t(self) -> Decimal | None:
        total = self.offset_limit_t
        return None if total is None or self.limit is None else total * self.limit.outside_share

    def closing_t(self, instrument: str = "allowance") -> Decimal:
        """Holdings left after every entry (carried out or kept)."""
        return self.total(INFLOWS, (instrument,)) - self.total(OUTFLOWS, (instrument,))

    @property
    def remaining_t(self) -> Decimal:
        """Allowances left after surrender (before any carry-out)."""
        return self.closing_t() + self.total(("carry_out",))

    @property
    def cost_yuan(self) -> Decimal:
        """Net compliance cost: auction and purchases (any instrument) minus sales."""
        bought = sum(
            (e.amount_yuan for e in self.entries if e.kind in ("auction", "buy")), Decimal(0)
        )
        sold = sum((e.amount_yuan for e in self.entries if e.kind == "sell"), Decimal(0))
        return bought - sold

    @property
    def holdings_value_yuan(self) -> Decimal | None:
        """Allowances left after surrender, valued at the recorded price."""
        if self.market_price is None:
            return None
        return self.remaining_t * self.market_price


def ledger_records(model: Model, year: int | None = None) -> list[Record]:
    records = sorted(
        model.records_of("allowance-ledger"), key=lambda r: (int(r.data["year"]), r.id)
    )
    return [r for r in records if year is None or int(r.data["year"]) == year]


def compute_ledger(record: Record, emissions: Decimal | None, basis: str) -> Ledger:
    price = record.data.get("market_price_yuan")
    year = int(record.data["year"])
    return Ledger(
        year,
        record,
        entries_of(record),
        emissions,
        basis,
        None if price is None else Decimal(str(price)),
        offset_limit(year),
    )


# ---- quarterly shortfall forecast ----------------------------------------------------------


@dataclass(frozen=True)
class QuarterForecast:
    quarter: int
    months_recorded: int
    to_date_tco2: Decimal
    projected_tco2: Decimal
    available_t: Decimal
    method: str

    @property
    def balance_t(self) -> Decimal:
        """Projected surplus (> 0) or shortfall (< 0) at the end of the year."""
        return self.available_t - self.projected_tco2.to_integral_value(rounding=ROUND_CEILING)


def quarterly_forecast(
    year: int,
    monthly: Mapping[str, Decimal],
    previous: Mapping[str, Decimal] | None,
    available_t: Decimal | Mapping[int, Decimal],
) -> list[QuarterForecast]:
    """At the end of each quarter with data: the year's emissions projected from the months
    recorded so far (scaled by last year's share of the same months when known, else linearly),
    and the surplus or shortfall against `available_t` (one figure, or one per quarter)."""
    forecasts = []
    previous_total = sum(previous.values(), Decimal(0)) if previous else Decimal(0)
    for quarter in range(1, 5):
        months = [f"{year}-{m:02d}" for m in range(1, quarter * 3 + 1)]
        recorded = [m for m in months if m in monthly]
        if not any(m in monthly for m in months[-3:]):  # nothing of this quarter yet
            continue
        if isinstance(available_t, Mapping):
            if quarter not in available_t:
                continue
            available = available_t[quarter]
        else:
            available = available_t
        to_date = sum((monthly[m] for m in recorded), Decimal(0))
        share = Decimal(0)
        if previous and previous_total:
            same = [f"{year - 1}{m[4:]}" for m in recorded]
            share = sum((previous.get(m, Decimal(0)) for m in same), Decimal(0)) / previous_total
        if share > 0:
            projected, method = to_date / share, f"按 {year - 1} 年同期占比外推"
        else:
            projected, method = to_date * 12 / len(recorded), "按已记录月份线性外推"
        forecasts.append(
            QuarterForecast(quarter, len(recorded), to_date, projected, available, method)
        )
    return forecasts
