"""Factor resolution: which activity data and emission factor one source uses, and why.

Per category (GB/T 32150 structure):
  combustion   AD = FC x NCV (GJ);  EF = CC x OF x 44/12 (tCO2/GJ)
               or, with a measured per-activity factor, AD = FC and EF in tCO2/<unit>
  process      AD (t) x EF (tCO2/t) x purity (a measured purity in the emission-factors
               record, else the source's `purity`): 0.4397 x 91.8 % = 0.4036446, never a
               rounded typed factor
  electricity  net MWh x EF (tCO2/MWh); market green electricity 0 only in a reporting year
               whose rules say so (2023: 京环发〔2024〕8号), else the selected grid factor
  heat         net GJ x EF (tCO2/GJ)
A derived factor is rounded once to FACTOR_DIGITS significant digits (calc/exact.py).
Every unit is checked against the unit table; a value in a unit that does not fit is an Issue
at the file, line and field that holds it, never a silently converted number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from generator.carbon.calc.exact import dec, factor_value
from generator.carbon.calc.factors import (
    FactorLibrary,
    LibraryValue,
    Override,
    Overrides,
    Parameter,
    parameter_from_library,
    parameter_from_override,
)
from generator.carbon.calc.rules import RuleSet, rule_set
from generator.carbon.calc.units import unit_table
from generator.core.issues import Issue

CO2_PER_C = Decimal(44) / Decimal(12)  # rounded (28 digits): use co2_of_carbon() in the engine


def co2_of_carbon(carbon: Decimal) -> Decimal:
    """tCO2 from tC: x 44 / 12, multiplied before the one division so 0.015147 tC -> 0.055539."""
    return carbon * 44 / 12


Path_ = tuple[str | int, ...]
Locate = Callable[[str, Path_], "int | None"]


@dataclass(frozen=True)
class Resolved:
    ad_per_quantity: Decimal  # AD = quantity x this (NCV, or 1)
    ad_unit: str
    ef: Decimal
    ef_unit: str
    parameters: tuple[Parameter, ...]
    note: str = ""


@dataclass(frozen=True)
class SourceContext:
    source: dict[str, Any]
    index: int  # position in the record's `sources`
    file: str  # the emission-sources record
    year: int
    fuel_set: str
    electricity_factor: str
    library: FactorLibrary
    overrides: Overrides
    locate: Locate
    rules: RuleSet | None = None

    @property
    def rule_set(self) -> RuleSet:
        return self.rules if self.rules is not None else rule_set(self.year)

    @property
    def id(self) -> str:
        return str(self.source["id"])

    @property
    def fuel(self) -> str:
        return str(self.source["fuel"])

    def source_issue(self, field: str, message: str, code: str, hint: str = "") -> Issue:
        path: Path_ = ("sources", self.index, field)
        return Issue(
            self.file,
            self.locate(self.file, path),
            "/".join(map(str, path)),
            message,
            code=code,
            hint=hint,
        )

    def override_issue(self, item: Override, message: str, code: str, hint: str = "") -> Issue:
        path = (*item.path, "unit")
        return Issue(
            item.file,
            self.locate(item.file, path),
            "/".join(map(str, path)),
            message,
            code=code,
            hint=hint,
        )


def _kind(symbol: str) -> str:
    unit = unit_table().get(symbol)
    return unit.kind if unit else ""


def _expect(ctx: SourceContext, item: Override, kinds: tuple[str, ...], what: str) -> Issue | None:
    if _kind(item.unit) in kinds:
        return None
    allowed = "、".join(s for k in kinds for s in unit_table().symbols_of(k))
    return ctx.override_issue(
        item,
        f"排放源 {ctx.id} 的{what}单位 '{item.unit}' 与活动水平单位 "
        f"'{ctx.source['activity_unit']}' 不匹配 (unit mismatch: {item.parameter} in {item.unit})",
        "CARBON-UNIT-MISMATCH",
        hint=f"可用单位：{allowed}",
    )


def _param(
    ctx: SourceContext, name: str, kinds: tuple[str, ...], what: str, default: Parameter | None
) -> tuple[Parameter | None, list[Issue]]:
    """The override for `name` if there is one (unit-checked), else the library default."""
    item = ctx.overrides.find(ctx.fuel, ctx.id, name)
    if item is None:
        return default, []
    problem = _expect(ctx, item, kinds, what)
    if problem:
        return None, [problem]
    return parameter_from_override(item, ctx.library.assumed_parameter_u), []


def _library(ctx: SourceContext, name: str) -> Parameter | None:
    value = ctx.library.fuel_parameter(ctx.fuel_set, ctx.fuel, name)
    return parameter_from_library(name, value, ctx.library.assumed_parameter_u) if value else None


def _missing(ctx: SourceContext, what: str) -> Issue:
    return ctx.source_issue(
        "fuel",
        f"排放源 {ctx.id}：因子库中没有燃料/物料 '{ctx.fuel}' 的{what}，也没有实测值 "
        f"(no default {what} for '{ctx.fuel}' and no measured value)",
        "CARBON-FACTOR-MISSING",
        hint=f"在 records/emission-factors/ 中为 {ctx.year} 年补充该参数及其来源。",
    )


def _combustion(ctx: SourceContext, activity_kind: str) -> tuple[Resolved | None, list[Issue]]:
    per = unit_table().per_activity.get(activity_kind, {})
    issues: list[Issue] = []
    ef_kinds = ("ef_energy", per.get("ef", "ef_energy"))
    ef, found = _param(ctx, "emission_factor", ef_kinds, "排放因子", None)
    issues += found
    if ef is not None and _kind(ef.unit) != "ef_energy":
        # a per-activity factor (tCO2/t, tCO2/10^4 Nm3) replaces NCV, CC and OF
        return Resolved(
            Decimal(1),
            str(ctx.source["activity_unit"]),
            ef.base_value,
            unit_table().base_symbol(_kind(ef.unit)),
            (ef,),
        ), issues
    if activity_kind == "energy":
        ncv = None
        ad_per = unit_table().to_base(Decimal(1), str(ctx.source["activity_unit"]))
    else:
        ncv, found = _param(ctx, "ncv", (per["ncv"],), "低位发热值", _library(ctx, "ncv"))
        issues += found
        if ncv is None and not found:
            issues.append(_missing(ctx, "低位发热值"))
        ad_per = ncv.base_value if ncv else Decimal(0)
    params: list[Parameter] = [p for p in (ncv,) if p]
    if ef is not None:
        params.append(ef)
        ef_value = ef.base_value
    else:
        cc, found_cc = _param(
            ctx,
            "carbon_content",
            ("carbon_content",),
            "单位热值含碳量",
            _library(ctx, "carbon_content"),
        )
        of, found_of = _param(
            ctx, "oxidation_rate", ("fraction",), "碳氧化率", _library(ctx, "oxidation_rate")
        )
        issues += found_cc + found_of
        for value, found_x, what in ((cc, found_cc, "单位热值含碳量"), (of, found_of, "碳氧化率")):
            if value is None and not found_x:
                issues.append(_missing(ctx, what))
        if cc is None or of is None:
            return None, issues
        params += [cc, of]
        ef_value = factor_value(co2_of_carbon(cc.base_value * of.base_value))
    if issues:
        return None, issues
    return Resolved(ad_per, "GJ", ef_value, "tCO2/GJ", tuple(params)), issues


def _process(ctx: SourceContext) -> tuple[Resolved | None, list[Issue]]:
    default = _library_factor(ctx, ctx.library.process.get(ctx.fuel))
    ef, issues = _param(ctx, "emission_factor", ("ef_mass",), "排放因子", default)
    if ef is None:
        return None, issues or [_missing(ctx, "排放因子")]
    params = [ef]
    ef_value = ef.base_value
    raw = ctx.source.get("purity")
    written = (
        None
        if raw is None
        else Parameter(
            "purity",
            dec(raw),
            "1",
            "source_record",
            f"排放源清单 {ctx.file}",
            uncertainty_percent=ctx.library.assumed_parameter_u,
            uncertainty_assumed=True,
            shared_key=f"{ctx.file}#sources/{ctx.index}/purity",
        )
    )
    purity, found = _param(ctx, "purity", ("fraction",), "纯度", written)
    if found:
        return None, found
    if purity is not None:
        params.append(purity)
        ef_value = factor_value(ef_value * purity.base_value)
    return Resolved(Decimal(1), "t", ef_value, "tCO2/t", tuple(params)), []


def _library_factor(ctx: SourceContext, value: LibraryValue | None) -> Parameter | None:
    """A library emission factor as the default parameter, or None when the library has none."""
    if not value:
        return None
    return parameter_from_library("emission_factor", value, ctx.library.assumed_parameter_u)


def _grid(ctx: SourceContext) -> Parameter | None:
    return _library_factor(ctx, ctx.library.electricity.get(ctx.electricity_factor))


def _electricity(ctx: SourceContext) -> tuple[Resolved | None, list[Issue]]:
    note = ""
    lib = ctx.library
    default: Parameter | None
    rules = ctx.rule_set
    if ctx.fuel == "green_electricity" and rules.green_zero:
        default = parameter_from_library("emission_factor", lib.green, Decimal(0))
        rule = rules.get("green_electricity")
        default = replace(
            default,
            uncertainty_assumed=False,
            source=rule.source if rule else default.source,
            tag=rule.tag if rule else default.tag,
        )
    elif ctx.fuel in ("green_electricity", "grid_electricity"):
        default = _grid(ctx)
        if ctx.fuel == "green_electricity":
            rule = rules.get("green_electricity")
            note = (
                f"{ctx.year} 报告年度规则未规定市场化绿电按零计，绿电按电网排放因子计算"
                f"（{rule.source if rule else '无规则'}）"
                f" (green electricity at the grid factor: the {ctx.year} rules do not zero it)"
            )
    else:
        default = None
    ef, issues = _param(ctx, "emission_factor", ("ef_electricity",), "排放因子", default)
    if ef is None:
        return None, issues or [_missing(ctx, "排放因子")]
    return Resolved(Decimal(1), "MWh", ef.base_value, "tCO2/MWh", (ef,), note), []


def _heat(ctx: SourceContext) -> tuple[Resolved | None, list[Issue]]:
    default = _library_factor(ctx, ctx.library.heat.get(ctx.fuel))
    ef, issues = _param(ctx, "emission_factor", ("ef_energy",), "排放因子", default)
    if ef is None:
        return None, issues or [_missing(ctx, "排放因子")]
    ad_per = unit_table().to_base(Decimal(1), str(ctx.source["activity_unit"]))
    return Resolved(ad_per, "GJ", ef.base_value, "tCO2/GJ", (ef,)), []


ACTIVITY_KINDS = {
    "combustion": ("mass", "gas_volume", "energy"),
    "process": ("mass",),
    "electricity": ("electricity",),
    "heat": ("energy",),
}


def resolve(ctx: SourceContext) -> tuple[Resolved | None, list[Issue]]:
    category = str(ctx.source["category"])
    activity_kind = _kind(str(ctx.source["activity_unit"]))
    if activity_kind not in ACTIVITY_KINDS[category]:
        allowed = "、".join(s for k in ACTIVITY_KINDS[category] for s in unit_table().symbols_of(k))
        return None, [
            ctx.source_issue(
                "activity_unit",
                f"排放源 {ctx.id} 的类别 {category} 不能用活动水平单位 "
                f"'{ctx.source['activity_unit']}' (unit does not fit the category)",
                "CARBON-UNIT-MISMATCH",
                hint=f"可用单位：{allowed}",
            )
        ]
    if category == "combustion":
        return _combustion(ctx, activity_kind)
    if category == "process":
        return _process(ctx)
    if category == "electricity":
        return _electricity(ctx)
    return _heat(ctx)
