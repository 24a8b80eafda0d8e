"""The result of one emission source: activity data, factor and its inputs, emissions by month."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generator.carbon.calc.factors import Parameter
from generator.carbon.calc.rounding import ORIGIN_ZH


@dataclass(frozen=True)
class SourceResult:
    source_id: str
    name: str
    category: str
    fuel: str
    boundary: str
    biomass: bool
    status: str
    quantity: Decimal  # net consumption in the source's activity unit
    quantity_unit: str
    activity_data: Decimal  # AD in `activity_unit` (GJ, MWh or t)
    activity_unit: str
    emission_factor: Decimal  # in `factor_unit`, matching `activity_unit`
    factor_unit: str
    parameters: tuple[Parameter, ...]
    emissions_tco2: Decimal
    monthly: tuple[tuple[str, Decimal, Decimal], ...]  # (month, quantity, tCO2)
    uncertainty_percent: Decimal
    uncertainty_assumed: tuple[str, ...]  # inputs whose uncertainty was assumed
    note: str = ""
    in_boundary: bool | None = None  # counted boundary by the year's rules (None: fixed only)
    expected_months: tuple[str, ...] = ()  # months the source must report (completeness)

    @property
    def inside(self) -> bool:
        return self.boundary == "fixed" if self.in_boundary is None else self.in_boundary

    @property
    def counted(self) -> bool:
        return self.inside and not self.biomass

    @property
    def missing_months(self) -> tuple[str, ...]:
        read = {m for m, _q, _t in self.monthly}
        return tuple(m for m in self.expected_months if m not in read)

    @property
    def factor_origin(self) -> str:
        """default | measured | specified (规定值, set by an authority) | mixed."""
        origins = {p.origin for p in self.parameters if p.origin != "source_record"}
        if len(origins) == 1:
            return next(iter(origins))
        return "mixed" if origins else "default"

    @property
    def factor_source(self) -> str:
        parts = []
        for p in self.parameters:
            if p.is_default:
                parts.append(f"{p.name}: 缺省值 {p.value} {p.unit}，{p.source}（{p.tag}）")
            else:
                parts.append(
                    f"{p.name}: {ORIGIN_ZH.get(p.origin, p.origin)} {p.value} {p.unit}，{p.source}"
                )
        return "；".join(parts)
