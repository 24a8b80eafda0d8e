"""Third-party verification (8.5): the verifier's figures per source against the engine's.

A `verifications` record holds the verified emissions per source from the verifier's report
(with the report attached). Each source is compared with the inventory; a difference beyond
the tolerance is a finding unless the record explains it in `sources/<i>/explanation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generator.carbon.calc.inventory import Inventory
from generator.carbon.calc.ledger import compute_ledger, default_tolerance_percent, ledger_records
from generator.content.model import Model, Record


@dataclass(frozen=True)
class VerificationRow:
    source_id: str
    name: str
    engine_tco2: Decimal | None  # None: the engine has no counted source of that id
    verified_tco2: Decimal | None  # None: the verifier did not list the source
    explanation: str
    index: int | None  # position in the record's `sources`
    tolerance_percent: Decimal

    @property
    def difference(self) -> Decimal | None:
        if self.engine_tco2 is None or self.verified_tco2 is None:
            return None
        return self.verified_tco2 - self.engine_tco2

    @property
    def difference_percent(self) -> Decimal | None:
        diff = self.difference
        if diff is None or not self.engine_tco2:
            return None
        return diff / self.engine_tco2 * 100

    @property
    def beyond(self) -> bool:
        """Outside the tolerance (or missing on one side, unless both are zero)."""
        diff, pct = self.difference, self.difference_percent
        if diff is None:
            return (self.engine_tco2 or self.verified_tco2 or Decimal(0)) != 0
        if pct is None:  # engine zero
            return diff != 0
        return abs(pct) > self.tolerance_percent


@dataclass(frozen=True)
class VerificationComparison:
    year: int
    record: Record
    tolerance_percent: Decimal
    rows: tuple[VerificationRow, ...]

    @property
    def engine_total(self) -> Decimal:
        return sum((r.engine_tco2 or Decimal(0) for r in self.rows), Decimal(0))

    @property
    def verified_total(self) -> Decimal:
        stated = self.record.data.get("total_verified_tco2")
        if stated is not None:
            return Decimal(str(stated))
        return sum((r.verified_tco2 or Decimal(0) for r in self.rows), Decimal(0))

    @property
    def findings(self) -> tuple[VerificationRow, ...]:
        return tuple(r for r in self.rows if r.beyond and not r.explanation)


def verification_record(model: Model, year: int) -> Record | None:
    """The latest verification record of a reporting year."""
    found = sorted(
        (r for r in model.records_of("verifications") if int(r.data["year"]) == year),
        key=lambda r: (r.sort_date, r.id),
    )
    return found[-1] if found else None


def compare(record: Record, inventory: Inventory) -> VerificationComparison:
    raw = record.data.get("tolerance_percent")
    tolerance = default_tolerance_percent() if raw is None else Decimal(str(raw))
    engine = {r.source_id: r for r in inventory.counted}
    rows = []
    listed = set()
    for index, item in enumerate(record.data.get("sources") or []):
        sid = str(item["source"])
        listed.add(sid)
        result = engine.get(sid)
        rows.append(
            VerificationRow(
                sid,
                result.name if result else "",
                result.emissions_tco2 if result else None,
                Decimal(str(item["verified_tco2"])),
                str(item.get("explanation", "")),
                index,
                tolerance,
            )
        )
    for sid, result in engine.items():
        if sid not in listed:
            rows.append(
                VerificationRow(sid, result.name, result.emissions_tco2, None, "", None, tolerance)
            )
    return VerificationComparison(inventory.year, record, tolerance, tuple(rows))


def verified_emissions(
    model: Model, year: int, inventory: Inventory | None
) -> tuple[Decimal | None, str]:
    """The emissions an obligation is computed from, and where they come from: the
    verification record, else the compliance record, else the engine (unverified)."""
    record = verification_record(model, year)
    if record is not None:
        stated = record.data.get("total_verified_tco2")
        total = (
            Decimal(str(stated))
            if stated is not None
            else sum((Decimal(str(s["verified_tco2"])) for s in record.data["sources"]), Decimal(0))
        )
        return total, f"核查值（{record.id}）"
    for compliance in model.records_of("allowance-compliance"):
        if int(compliance.data["year"]) == year:
            return Decimal(str(compliance.data["verified_tco2"])), f"履约记录（{compliance.id}）"
    if inventory is not None:
        return inventory.total_tco2, "核算值（未经核查）"
    return None, "无排放数据"


def allowance_balance(model: Model, inventory: Inventory) -> tuple[Decimal | None, str]:
    """The year's allowance surplus (> 0) or shortfall (< 0), for carbon-asset objectives."""
    records = ledger_records(model, inventory.year)
    if not records:
        return None, f"没有 {inventory.year} 年度配额和抵消台账 (no allowance-ledger record)"
    emissions, basis = verified_emissions(model, inventory.year, inventory)
    ledger = compute_ledger(records[-1], emissions, basis)
    return ledger.balance_t, f"配额盈余（负为缺口），按{basis}计算，见 {records[-1].id}"
