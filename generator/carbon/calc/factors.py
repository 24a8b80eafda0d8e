"""The factor library (shipped data) and the organisation's own overrides (records).

Library values come from `data/factors/*.yaml`, each with its source text and confidence tag
exactly as in the project's reference file. A measured or specified value in an
`emission-factors` record for the same year wins: a source-specific value over a fuel-wide one,
and the result names the value used (default vs measured/specified, with evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from generator.carbon.calc.exact import dec
from generator.carbon.calc.units import read_factor_data, unit_table
from generator.content.model import Model

DEFAULT_FUEL_SET = "gbt32150"
FUEL_SET_FILES = ("fuels-gbt32150.yaml", "fuels-chemical.yaml")
COMBUSTION_PARAMETERS = ("ncv", "carbon_content", "oxidation_rate")


@dataclass(frozen=True)
class LibraryValue:
    value: Decimal
    unit: str
    source: str
    tag: str
    name: str = ""
    id: str = ""


@dataclass(frozen=True)
class Parameter:
    """One input of a source's factor, as used."""

    name: str  # ncv | carbon_content | oxidation_rate | emission_factor | purity
    value: Decimal  # as written, in `unit`
    unit: str
    origin: str  # default | measured | specified (set by an authority) | source_record
    source: str  # the library's source text, or the record's evidence
    tag: str = ""  # confidence tag of a library value (V / C / M ...)
    uncertainty_percent: Decimal = Decimal(0)
    uncertainty_assumed: bool = False
    file: str = ""  # record that supplied an override
    record_path: tuple[str | int, ...] = ()
    # Sources that use the same value of the same input (one measured NCV, one default carbon
    # content) share its error: their uncertainties are correlated, not independent.
    shared_key: str = ""

    @property
    def base_value(self) -> Decimal:
        return unit_table().to_base(self.value, self.unit)

    @property
    def is_default(self) -> bool:
        return self.origin == "default"


@dataclass(frozen=True)
class FactorLibrary:
    fuel_sets: dict[str, dict[str, dict[str, LibraryValue]]]  # set -> fuel -> parameter -> value
    set_titles: dict[str, str]
    fuel_names: dict[str, str]
    electricity: dict[str, LibraryValue]  # "series:vintage" -> value
    electricity_default: str  # fallback only: the reporting year's rules name the default
    green: LibraryValue
    heat: dict[str, LibraryValue]
    process: dict[str, LibraryValue]
    assumed_activity_u: Decimal
    assumed_parameter_u: Decimal

    def fuel_parameter(self, fuel_set: str, fuel: str, name: str) -> LibraryValue | None:
        return self.fuel_sets.get(fuel_set, {}).get(fuel, {}).get(name)

    def is_combustion_fuel(self, fuel: str) -> bool:
        return fuel in self.fuel_sets[DEFAULT_FUEL_SET]


def _value(
    raw: dict[str, Any], source: str, tag: str, name: str = "", id_: str = ""
) -> LibraryValue:
    return LibraryValue(
        Decimal(str(raw["value"])),
        str(raw["unit"]),
        # `source_zh`: the Chinese display name printed in reports (`source` keeps the gist)
        str(raw.get("source_zh") or raw.get("source", source)),
        str(raw.get("tag", tag)),
        name,
        id_,
    )


def _set_source(data: dict[str, Any]) -> str:
    return str(data.get("source_zh") or data["source"])


def _fuel_sets() -> tuple[
    dict[str, dict[str, dict[str, LibraryValue]]], dict[str, str], dict[str, str]
]:
    sets: dict[str, dict[str, dict[str, LibraryValue]]] = {}
    titles: dict[str, str] = {}
    names: dict[str, str] = {}
    for file in FUEL_SET_FILES:
        data = read_factor_data(file)
        base = data.get("base")
        inherited = sets.get(base, {}) if base is not None else {}
        fuels: dict[str, dict[str, LibraryValue]] = {
            fuel: dict(params) for fuel, params in inherited.items()
        }
        for fuel, entry in data["fuels"].items():
            names.setdefault(fuel, str(entry.get("name", fuel)))
            params = fuels.setdefault(fuel, {})
            for name in COMBUSTION_PARAMETERS:
                if name in entry:
                    params[name] = _value(entry[name], _set_source(data), entry["tag"], names[fuel])
        sets[data["set"]] = fuels
        titles[data["set"]] = str(data["title"])
    return sets, titles, names


@lru_cache(maxsize=1)
def factor_library() -> FactorLibrary:
    sets, titles, names = _fuel_sets()
    elec = read_factor_data("electricity.yaml")
    other = read_factor_data("other.yaml")
    electricity = {
        str(f["id"]): _value(f, "", "", str(f["name"]), str(f["id"])) for f in elec["factors"]
    }
    green = elec["green"]
    assumed = other["assumed_uncertainty_percent"]
    return FactorLibrary(
        fuel_sets=sets,
        set_titles=titles,
        fuel_names=names,
        electricity=electricity,
        electricity_default=str(elec["default"]),
        green=_value(green, "", "", str(green["name"]), str(green["id"])),
        heat={k: _value(v, "", "", str(v["name"]), k) for k, v in other["heat"].items()},
        process={k: _value(v, "", "", str(v["name"]), k) for k, v in other["process"].items()},
        assumed_activity_u=Decimal(str(assumed["activity"])),
        assumed_parameter_u=Decimal(str(assumed["parameter"])),
    )


@dataclass(frozen=True)
class Override:
    fuel: str
    source: str  # "" for a fuel-wide value
    parameter: str
    value: Decimal
    unit: str
    method: str
    evidence: str
    uncertainty_percent: Decimal | None
    file: str
    path: tuple[str | int, ...]


@dataclass
class Overrides:
    """The year's measured/specified values from `emission-factors` records."""

    items: list[Override] = field(default_factory=list)

    def find(self, fuel: str, source_id: str, parameter: str) -> Override | None:
        for wanted in (source_id, ""):
            for item in self.items:
                if (item.fuel, item.source, item.parameter) == (fuel, wanted, parameter):
                    return item
        return None

    def duplicates(self) -> list[tuple[Override, Override]]:
        seen: dict[tuple[str, str, str], Override] = {}
        pairs = []
        for item in self.items:
            key = (item.fuel, item.source, item.parameter)
            if key in seen:
                pairs.append((seen[key], item))
            else:
                seen[key] = item
        return pairs


def overrides_for(model: Model, year: int) -> Overrides:
    found = Overrides()
    for record in model.records_of("emission-factors"):
        for index, row in enumerate(record.data.get("factors") or []):
            if int(row["year"]) != year:
                continue
            u = row.get("uncertainty_percent")
            found.items.append(
                Override(
                    fuel=str(row["fuel"]),
                    source=str(row.get("source", "")),
                    parameter=str(row["parameter"]),
                    value=dec(row["value"]),
                    unit=str(row["unit"]).strip(),
                    method=str(row["method"]),
                    evidence=str(row["evidence"]),
                    uncertainty_percent=None if u is None else dec(u),
                    file=record.path,
                    path=("factors", index),
                )
            )
    return found


def parameter_from_override(item: Override, assumed_u: Decimal) -> Parameter:
    return Parameter(
        name=item.parameter,
        value=item.value,
        unit=item.unit,
        origin=item.method,
        source=item.evidence,
        uncertainty_percent=assumed_u
        if item.uncertainty_percent is None
        else item.uncertainty_percent,
        uncertainty_assumed=item.uncertainty_percent is None,
        file=item.file,
        record_path=item.path,
        shared_key=f"{item.file}#{'/'.join(map(str, item.path))}",
    )


def parameter_from_library(name: str, value: LibraryValue, assumed_u: Decimal) -> Parameter:
    return Parameter(
        name=name,
        value=value.value,
        unit=value.unit,
        origin="default",
        source=value.source,
        tag=value.tag,
        uncertainty_percent=assumed_u,
        uncertainty_assumed=True,
        shared_key=f"library:{value.id or value.name}:{name}:{value.value}:{value.unit}",
    )
