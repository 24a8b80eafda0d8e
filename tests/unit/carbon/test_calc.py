"""Worked examples, one per category, computed by hand from the formulas."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.carbon.calc.inventory import compute_inventory
from generator.content.project import load_project
from generator.core.config import Config
from generator.core.issues import Severity

C2CO2 = Decimal(44) / Decimal(12)


def _months(source: str, unit: str, values: list[str], year: int = 2024) -> list[str]:
    return [f"{year}-{i + 1:02d},{source},{v},{unit}" for i, v in enumerate(values)]


def _one(repo, year: int = 2024):
    inventory, issues = compute_inventory(repo.model(), year)
    assert inventory is not None, [i.format() for i in issues]
    assert not [i for i in issues if i.severity is Severity.ERROR]
    return inventory


def test_natural_gas_default_factors_give_21_62(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(2024, repo.src("S01", "combustion", "natural_gas", "10^4 Nm3"))
    repo.readings(2024, ["2024-01,S01,1,10^4 Nm3"])
    inv = _one(repo)
    (gas,) = inv.counted
    expected = Decimal("389.31") * Decimal("0.0153") * Decimal("0.99") * C2CO2
    assert gas.emissions_tco2 == pytest.approx(expected, abs=Decimal("1e-20"))
    assert f"{gas.emissions_tco2:.2f}" == "21.62"
    assert (gas.activity_data, gas.activity_unit) == (Decimal("389.31"), "GJ")
    assert gas.factor_unit == "tCO2/GJ"
    assert gas.factor_origin == "default"
    tags = {p.name: p.tag for p in gas.parameters}
    assert tags == {"ncv": "C", "carbon_content": "C", "oxidation_rate": "C"}
    assert "GB/T 32150" in gas.factor_source


def test_process_limestone_with_purity(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(2024, repo.src("P01", "process", "limestone", "t", extra="purity: 0.9"))
    repo.readings(2024, _months("P01", "t", ["60", "40"]))
    (lime,) = _one(repo).counted
    # 100 t x 0.4397 tCO2/t x 0.9 = 39.573
    assert lime.emissions_tco2 == Decimal("39.573")
    assert lime.emission_factor == Decimal("0.39573")
    assert lime.activity_data == Decimal(100)


def test_electricity_factor_selected_by_series_and_year(carbon_repo) -> None:
    repo = carbon_repo()
    body = repo.src("E01", "electricity", "grid_electricity", "MWh")
    repo.sources(2024, body)
    repo.readings(2024, ["2024-01,E01,1000,MWh"])
    assert _one(repo).total_tco2 == Decimal("604.000")  # Beijing 0.604 by default
    repo.sources(2024, body, header='electricity_factor: "mee_nbs_north_china:2022"\n')
    (elec,) = _one(repo).counted
    assert elec.emissions_tco2 == Decimal("677.6")
    assert elec.parameters[0].tag == "C"
    assert "2024 年第 33 号" in elec.factor_source


def test_unknown_electricity_factor_is_an_issue(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(
        2024,
        repo.src("E01", "electricity", "grid_electricity", "MWh"),
        header='electricity_factor: "national_ets:2021"\n',
    )
    inventory, issues = compute_inventory(repo.model(), 2024)
    assert inventory is None
    assert [(i.field, i.code) for i in issues] == [("electricity_factor", "CARBON-FACTOR-SET")]


def test_green_electricity_zero_from_2023_and_grid_before(carbon_repo) -> None:
    repo = carbon_repo()
    for year in (2022, 2023):
        repo.sources(year, repo.src("G01", "electricity", "green_electricity", "MWh"))
    repo.write(
        "records/meter-readings/all.csv",
        "month,source,quantity,unit\n2022-01,G01,100,MWh\n2023-01,G01,100,MWh\n",
    )
    (green_2023,) = _one(repo, 2023).counted
    assert green_2023.emissions_tco2 == 0
    assert "京环发〔2024〕8号" in green_2023.factor_source
    (green_2022,) = _one(repo, 2022).counted
    assert green_2022.emissions_tco2 == Decimal("60.400")
    assert "绿电按电网排放因子" in green_2022.note


def test_heat_net_gj(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(2024, repo.src("H01", "heat", "purchased_heat", "GJ"))
    repo.readings(2024, ["2024-01,H01,600,GJ", "2024-02,H01,-100,GJ"])  # 100 GJ exported
    (heat,) = _one(repo).counted
    assert heat.emissions_tco2 == Decimal("55.00")


def test_a_negative_fuel_reading_is_a_located_error_not_a_lower_total(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(2024, repo.src("S01", "combustion", "natural_gas", "10^4 Nm3"))
    repo.readings(2024, ["2024-01,S01,6,10^4 Nm3", "2024-02,S01,-1,10^4 Nm3"])
    issues = load_project(Config.for_root(repo.root)).issues
    assert [(i.file, i.line, i.code) for i in issues] == [
        ("records/meter-readings/2024.csv", 3, "RULE-NEGATIVE-READING")
    ]


def test_measured_override_wins_and_source_specific_beats_fuel_wide(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(
        2024,
        repo.src("S01", "combustion", "natural_gas", "10^4 Nm3")
        + repo.src("S02", "combustion", "natural_gas", "10^4 Nm3"),
    )
    repo.readings(2024, ["2024-01,S01,1,10^4 Nm3", "2024-01,S02,1,10^4 Nm3"])
    repo.write(
        "records/emission-factors/2024.yaml",
        """
        id: EF-2024
        title: 实测参数
        date: "2025-01-10"
        factors:
          - {fuel: natural_gas, year: 2024, parameter: ncv, value: 387.62, unit: GJ/10^4 Nm3,
             method: measured, evidence: 化验报告 A, uncertainty_percent: 1.5}
          - {fuel: natural_gas, source: S02, year: 2024, parameter: ncv, value: 380, unit: GJ/10^4 Nm3,
             method: measured, evidence: 化验报告 B}
          - {fuel: natural_gas, year: 2023, parameter: ncv, value: 1, unit: GJ/10^4 Nm3,
             method: measured, evidence: 其他年份，不应使用}
        """,
    )
    s01, s02 = _one(repo).counted
    ef = Decimal("0.0153") * Decimal("0.99") * C2CO2
    assert s01.emissions_tco2 == pytest.approx(Decimal("387.62") * ef, abs=Decimal("1e-20"))
    assert s02.emissions_tco2 == pytest.approx(Decimal("380") * ef, abs=Decimal("1e-20"))
    ncv = s01.parameters[0]
    assert (ncv.origin, ncv.source, ncv.uncertainty_percent) == (
        "measured",
        "化验报告 A",
        Decimal("1.5"),
    )
    assert s01.factor_origin == "mixed"
    assert "实测值 387.62" in s01.factor_source
    assert s02.parameters[0].uncertainty_assumed  # no uncertainty given: assumed, and said so


def test_per_activity_measured_factor_keeps_units_matching(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(2024, repo.src("D01", "combustion", "diesel", "t"))
    repo.readings(2024, ["2024-01,D01,2,t"])
    repo.write(
        "records/emission-factors/2024.yaml",
        """
        id: EF-2024
        title: 指定参数
        date: "2025-01-10"
        factors:
          - {fuel: diesel, year: 2024, parameter: emission_factor, value: 3.1, unit: tCO2/t,
             method: specified, evidence: 主管部门指定}
        """,
    )
    (diesel,) = _one(repo).counted
    assert (diesel.activity_data, diesel.activity_unit) == (Decimal(2), "t")
    assert (diesel.emission_factor, diesel.factor_unit) == (Decimal("3.1"), "tCO2/t")
    assert diesel.emissions_tco2 == Decimal("6.2")


def test_chemical_factor_set_changes_diesel_ncv(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(
        2024, repo.src("D01", "combustion", "diesel", "t"), header="factor_set: chemical\n"
    )
    repo.readings(2024, ["2024-01,D01,1,t"])
    (diesel,) = _one(repo).counted
    assert diesel.activity_data == Decimal("43.33")
    cc = next(p for p in diesel.parameters if p.name == "carbon_content")
    assert (cc.value, cc.unit) == (Decimal("20.2"), "tC/TJ")  # inherited from the base set
    expected = Decimal("43.33") * Decimal("0.0202") * Decimal("0.98") * C2CO2
    assert diesel.emissions_tco2 == pytest.approx(expected, abs=Decimal("1e-20"))


def test_override_in_wrong_unit_is_located(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(2024, repo.src("S01", "combustion", "natural_gas", "10^4 Nm3"))
    repo.readings(2024, ["2024-01,S01,1,10^4 Nm3"])
    repo.write(
        "records/emission-factors/2024.yaml",
        """
        id: EF-2024
        title: 实测参数
        date: "2025-01-10"
        factors:
          - {fuel: natural_gas, year: 2024, parameter: ncv, value: 38.931, unit: GJ/t,
             method: measured, evidence: 单位写错}
        """,
    )
    inventory, issues = compute_inventory(repo.model(), 2024)
    assert inventory is None
    (issue,) = issues
    assert (issue.file, issue.field, issue.code) == (
        "records/emission-factors/2024.yaml",
        "factors/0/unit",
        "CARBON-UNIT-MISMATCH",
    )


def test_mobile_and_out_of_city_reported_only_biomass_separate(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(
        2024,
        repo.src("S01", "combustion", "natural_gas", "10^4 Nm3")
        + repo.src("V01", "combustion", "diesel", "t", boundary="mobile")
        + repo.src("X01", "electricity", "grid_electricity", "MWh", boundary="out_of_city")
        + repo.src("B01", "combustion", "diesel", "t", extra="biomass: true")
        + repo.src("N01", "combustion", "natural_gas", "10^4 Nm3", status="planned"),
    )
    repo.readings(
        2024,
        ["2024-01,S01,1,10^4 Nm3", "2024-01,V01,1,t", "2024-01,X01,10,MWh", "2024-01,B01,1,t"],
    )
    inv = _one(repo)
    assert [r.source_id for r in inv.counted] == ["S01"]
    assert [r.source_id for r in inv.reported_only] == ["V01", "X01"]
    assert inv.reported_only[1].emissions_tco2 == Decimal("6.040")  # computed, not counted
    assert [r.source_id for r in inv.biomass] == ["B01"]
    assert inv.biomass_tco2 > 0
    assert inv.total_tco2 == inv.counted[0].emissions_tco2
    assert [s["id"] for s in inv.planned] == ["N01"]


def test_intensity_uses_declared_output(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(2024, repo.src("E01", "electricity", "grid_electricity", "MWh"))
    repo.readings(2024, ["2024-01,E01,1000,MWh"])
    repo.production(2024, ["2024-01,100,t,500", "2024-02,20.8,t,80"])
    inv = _one(repo)
    assert inv.intensity == Decimal("604.000") / Decimal("120.8")
    assert inv.intensity_unit == "tCO2/t"
