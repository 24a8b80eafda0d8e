"""Units of the carbon engine, read from `data/factors/units.yaml`.

A unit has a kind (mass, energy, ncv_mass, ...) and a scale to the kind's base unit.
Conversions happen only within one kind; anything else is the caller's error to report.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from generator.core.resources import data_path, parse_data_yaml


@dataclass(frozen=True)
class Unit:
    symbol: str
    kind: str
    scale: Decimal  # value in this unit x scale = value in the kind's base unit
    name: str


@dataclass(frozen=True)
class UnitTable:
    units: dict[str, Unit]
    per_activity: dict[str, dict[str, str]]  # activity kind -> {"ncv": kind, "ef": kind}

    def get(self, symbol: str) -> Unit | None:
        return self.units.get(symbol.strip())

    def base_symbol(self, kind: str) -> str:
        return next(u.symbol for u in self.units.values() if u.kind == kind and u.scale == 1)

    def to_base(self, value: Decimal, symbol: str) -> Decimal:
        unit = self.get(symbol)
        if unit is None:
            raise KeyError(symbol)
        return value * unit.scale

    def symbols_of(self, kind: str) -> list[str]:
        return [u.symbol for u in self.units.values() if u.kind == kind]


def read_factor_data(name: str) -> dict[str, Any]:
    """One YAML file of the shipped factor library."""
    path = data_path("factors", name)
    data = parse_data_yaml(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=1)
def unit_table() -> UnitTable:
    data = read_factor_data("units.yaml")
    units = {
        str(symbol): Unit(str(symbol), str(u["kind"]), Decimal(str(u["scale"])), str(u["name"]))
        for symbol, u in data["units"].items()
    }
    per_activity = {
        str(k): {str(a): str(b) for a, b in v.items()} for k, v in data["per_activity"].items()
    }
    return UnitTable(units, per_activity)
