"""Rules by reporting year (data/rules/*.yaml), declared factors, process factors from purity."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from generator.carbon.calc.analysis import assess
from generator.carbon.calc.factors import factor_library
from generator.carbon.calc.inventory import compute_inventory
from generator.carbon.calc.rules import rule_set
from generator.carbon.report.sections import render_assessment
from generator.carbon.report.summary import to_text
from generator.core.resources import data_path


def _green_repo(carbon_repo):
    repo = carbon_repo()
    for year in (2023, 2024):
        repo.sources(year, repo.src("G01", "electricity", "green_electricity", "MWh"))
    repo.write(
        "records/meter-readings/all.csv",
        "month,source,quantity,unit\n2023-01,G01,100,MWh\n2024-01,G01,100,MWh\n",
    )
    return repo


def test_green_electricity_2023_zero_2024_grid_from_the_rules_data(carbon_repo) -> None:
    text = data_path("rules", "beijing.yaml").read_text(encoding="utf-8")
    assert "京环发〔2024〕8号" in text  # the rule is data, not code
    repo = _green_repo(carbon_repo)
    model = repo.model()
    inv_2023, _ = compute_inventory(model, 2023)
    inv_2024, _ = compute_inventory(model, 2024)
    assert inv_2023 is not None and inv_2024 is not None
    (g23,) = inv_2023.counted
    (g24,) = inv_2024.counted
    assert g23.emissions_tco2 == 0
    assert g23.parameters[0].tag == "V" and "京环发〔2024〕8号" in g23.parameters[0].source
    assert inv_2023.rules is not None and inv_2023.rules.id == "beijing:2023"
    # 2024: no rule found that zeroes it -> grid factor 0.604, with the reason
    assert g24.emissions_tco2 == Decimal("60.4")
    assert "2024 报告年度规则未规定" in g24.note
    assert inv_2024.rules is not None
    green = inv_2024.rules.get("green_electricity")
    assert green is not None and green.tag == "M"


def test_rule_set_names_and_borrowing() -> None:
    rules = rule_set(2030)
    assert rules.rules_year == 2025 and rules.borrowed
    assert "沿用 2025 年度" in rules.name_zh
    assert rule_set(2025).value("electricity_factor", "") == "beijing_ets:2016-2017"
    elec = factor_library().electricity
    assert (elec["mee_nbs_national:2023"].value, elec["mee_nbs_national:2023"].tag) == (
        Decimal("0.5306"),
        "M",
    )
    assert elec["mee_nbs_north_china:2023"].value == Decimal("0.6361")
    assert elec["mee_nbs_national_excl_market_non_fossil:2022"].value == Decimal("0.5856")
    assert "DB11/T 1781" in elec["beijing_ets:2016-2017"].source  # the replaced guide, said so


def test_declared_zero_factor_is_allowed_and_shown_as_specified(carbon_repo) -> None:
    repo = _green_repo(carbon_repo)
    repo.write(
        "records/emission-factors/2024.yaml",
        """
        id: EF-2024
        title: 规定值
        date: "2025-01-10"
        factors:
          - {fuel: green_electricity, source: G01, year: 2024, parameter: emission_factor, value: 0,
             unit: tCO2/MWh, method: specified, evidence: 2024 年度通知（文号）规定绿电按零计}
        """,
    )
    a = assess(repo.model(), 2024)
    (green,) = a.inventory.counted
    assert green.emissions_tco2 == 0
    assert green.factor_origin == "specified"
    assert "规定值" in green.factor_source
    assert "规定值" in to_text(a)


def test_report_names_the_rule_set_and_unverified_values(sample_root: Path) -> None:
    from generator.content.project import load_project, require_model
    from generator.core.config import Config

    model = require_model(load_project(Config.for_root(sample_root)))
    report = render_assessment(model, 2025).markdown
    assert "核算规则：北京市碳排放权交易核算和报告规则 2025 报告年度（beijing:2025）" in report
    assert "| 市场化绿色电力 | 按电网排放因子计 |" in report
    assert "M（未核实）" in report
    assert "排放因子 0.604 tCO2/MWh（M）" in report


def test_process_factor_from_measured_purity(sample_copy: Path, run_cli) -> None:
    code, out, _ = run_cli(
        "carbon", "--root", str(sample_copy), "--year", "2025", "--format", "json"
    )
    assert code == 0
    data = json.loads(out, parse_float=Decimal)
    lime = next(s for s in data["sources"] if s["source_id"] == "S07")
    assert lime["emission_factor"] == Decimal("0.4036446")  # 0.4397 x 0.918, not 0.4036
    assert lime["emissions_tco2"] == Decimal("2146.1") * Decimal("0.4036446")
    assert {p["name"]: p["origin"] for p in lime["parameters"]} == {
        "emission_factor": "default",
        "purity": "measured",
    }
    code, text, _ = run_cli("carbon", "--root", str(sample_copy), "--year", "2025")
    assert "0.403645 tCO2/t" in text


def test_a_year_whose_rules_do_not_count_heat_reports_it_only(carbon_repo, monkeypatch) -> None:
    from dataclasses import replace

    import generator.carbon.calc.inventory as inventory_module
    from generator.carbon.calc.rules import Rule

    base = rule_set(2025)
    rules = tuple(
        Rule(r.key, "not_counted", "测试规则", "V") if r.key == "purchased_heat" else r
        for r in base.rules
    )
    monkeypatch.setattr(
        inventory_module, "rule_set", lambda year, j="beijing": replace(base, rules=rules)
    )
    repo = carbon_repo()
    repo.sources(
        2025,
        repo.src("H01", "heat", "purchased_heat", "GJ")
        + repo.src("E01", "electricity", "grid_electricity", "MWh"),
    )
    repo.readings(2025, ["2025-01,H01,100,GJ", "2025-01,E01,10,MWh"])
    inventory, _ = compute_inventory(repo.model(), 2025)
    assert inventory is not None
    assert [r.source_id for r in inventory.counted] == ["E01"]
    assert [r.source_id for r in inventory.reported_only] == ["H01"]
    assert inventory.total_tco2 == Decimal("6.04")
