"""Correlated uncertainty (checked by hand), A.3 of the year only, whole-year change, baseline
figures computed and typed ones checked, reviewers from Reviewed-by."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from generator.carbon.calc.analysis import assess
from generator.carbon.report.sections import render_assessment
from generator.content.project import load_project, require_model
from generator.control.records import record_origins
from generator.control.types import Signature
from generator.core.config import Config
from generator.git.client import FileChange, Ident, LogEntry


def _model(root: Path):
    return require_model(load_project(Config.for_root(root)))


def test_shared_measured_ncv_is_combined_as_correlated(carbon_repo) -> None:
    repo = carbon_repo()
    gas = "activity_uncertainty_percent: 2"
    repo.sources(
        2024,
        repo.src("S01", "combustion", "natural_gas", "10^4 Nm3", extra=gas)
        + repo.src("S02", "combustion", "natural_gas", "10^4 Nm3", extra=gas),
    )
    months = range(1, 13)
    repo.readings(
        2024,
        [f"2024-{m:02d},S01,1,10^4 Nm3" for m in months]
        + [f"2024-{m:02d},S02,3,10^4 Nm3" for m in months],
    )
    repo.write(
        "records/emission-factors/2024.yaml",
        """
        id: EF-2024
        title: 实测参数
        date: "2025-01-10"
        factors:
          - {fuel: natural_gas, year: 2024, parameter: ncv, value: 400, unit: GJ/10^4 Nm3,
             method: measured, evidence: 化验报告, uncertainty_percent: 1.5}
        """,
    )
    inv = assess(repo.model(), 2024).inventory
    e1, e2 = (r.emissions_tco2 for r in inv.counted)
    assert e2 == 3 * e1
    # by hand: AD 2 % each (separate meters); NCV 1.5 %, CC 5 %, OF 5 % shared by both
    independent = ((Decimal(4) + Decimal("2.25") + 50) * (e1**2 + e2**2)).sqrt() / (e1 + e2)
    correlated = (Decimal(4) * (e1**2 + e2**2) + (Decimal("2.25") + 50) * (e1 + e2) ** 2).sqrt() / (
        e1 + e2
    )
    c = inv.correlation
    assert c.independent_percent is not None and c.correlated_percent is not None
    assert abs(c.independent_percent - independent) < Decimal("1e-20")
    assert abs(c.correlated_percent - correlated) < Decimal("1e-20")
    assert inv.uncertainty_percent == c.correlated_percent
    # sqrt(4 x 10 + 52.25 x 16) / 4 = 7.40 %; sqrt(56.25 x 10) / 4 = 5.93 %
    assert f"{correlated:.2f}" == "7.40" and f"{independent:.2f}" == "5.93"
    assert {x.name for x in c.shared} == {"ncv", "carbon_content", "oxidation_rate"}


def test_sample_4_6_percent_correlated_instead_of_3_2(sample_copy: Path, run_cli) -> None:
    """The reference's figure: the sample declares green electricity at zero (S09, 规定值)."""
    code, out, err = run_cli(
        "carbon", "--root", str(sample_copy), "--year", "2025", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out, parse_float=Decimal)
    e = {s["source_id"]: s["emissions_tco2"] for s in data["sources"]}
    gas = e["S01"] + e["S02"] + e["S03"] + e["S04"]
    # by hand, % x tCO2 per input (activity uncertainties from the emission-sources record)
    independent_terms = [2 * e[s] for s in ("S01", "S02", "S03", "S04")]  # meters
    shared = [Decimal("1.5") * gas, 5 * gas, 5 * gas]  # one NCV, one CC, one OF for S01-S04
    diesel = [5 * e["S05"]] * 4  # activity 5 %, NCV/CC/OF 5 % each, one source
    lime = [Decimal("1.5") * e["S07"], 5 * e["S07"], 1 * e["S07"]]  # activity, 0.4397, purity
    grid = [1 * e["S08"], 5 * e["S08"]]
    heat = [2 * e["S10"], 5 * e["S10"]]
    total = sum(e.values())
    terms = independent_terms + shared + diesel + lime + grid + heat
    correlated = sum(t * t for t in terms).sqrt() / total
    gas_u = (Decimal(4) + Decimal("2.25") + 25 + 25).sqrt()  # each gas source on its own
    independent = (
        sum((gas_u * e[s]) ** 2 for s in ("S01", "S02", "S03", "S04"))
        + sum(t * t for t in diesel + lime + grid + heat)
    ).sqrt() / total
    u = data["uncertainty"]
    assert abs(u["correlated_percent"] - correlated) < Decimal("1e-20")
    assert abs(u["independent_percent"] - independent) < Decimal("1e-20")
    assert f"{correlated:.1f}" == "4.6" and f"{independent:.1f}" == "3.2"
    code, text, _ = run_cli("carbon", "--root", str(sample_copy), "--year", "2025")
    assert "±4.6%" in text


def test_a3_uses_that_years_calibration_and_plan_only(sample_root: Path) -> None:
    model = _model(sample_root)
    r2024 = render_assessment(model, 2024).markdown
    r2025 = render_assessment(model, 2025).markdown

    # each meter counted once, from the calibrations on record by the end of the year assessed
    def meters(year: int) -> set[str]:
        return {
            i["id"]
            for r in model.records_of("calibration")
            if r.sort_date <= date(year, 12, 31)
            for i in r.data["instruments"]
            if i["result"] != "exempt"
        }

    line24 = r2024.split("计量器具完好率：")[1].split("\n")[0]
    line25 = r2025.split("计量器具完好率：")[1].split("\n")[0]
    assert f"/{len(meters(2024))} 台" in line24 and f"/{len(meters(2025))} 台" in line25
    assert len(meters(2024)) < len(meters(2025))  # 2025's calibrations are not in 2024's report
    assert "监测计划（MP-2024）" in r2024 and "MP-2025" not in r2024
    assert "3# 隧道窑" not in r2024.split("## A.3")[1].split("## A.4")[0]
    assert "监测计划（MP-2025）" in r2025


def test_sustained_change_is_the_whole_years_change(sample_root: Path) -> None:
    model = _model(sample_root)
    a = assess(model, 2025)
    (level,) = [x for x in a.anomalies if x.kind == "level" and x.source_id == "S01"]
    rows = [r for rec in model.records_of("meter-readings") for r in rec.data["rows"]]
    s01 = {r["month"]: r["quantity"] for r in rows if r["source"] == "S01"}
    y24 = sum(v for m, v in s01.items() if m.startswith("2024"))
    y25 = sum(v for m, v in s01.items() if m.startswith("2025"))
    assert (level.previous, level.current) == (y24, y25)
    assert f"{level.change_percent:.1f}" == f"{(y25 - y24) * 100 / y24:.1f}" == "-13.8"


def test_typed_baseline_figure_that_differs_is_a_finding(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(2023, repo.src("E01", "electricity", "grid_electricity", "MWh"))
    repo.sources(2024, repo.src("E01", "electricity", "grid_electricity", "MWh"))
    readings = [f"{y}-{m:02d},E01,100,MWh" for y in (2023, 2024) for m in range(1, 13)]
    repo.write(
        "records/meter-readings/all.csv", "month,source,quantity,unit\n" + "\n".join(readings)
    )
    production = [f"{y}-{m:02d},10,t,1" for y in (2023, 2024) for m in range(1, 13)]
    repo.write(
        "records/production/all.csv", "month,quantity,unit,output_value\n" + "\n".join(production)
    )

    def baseline(total: str) -> None:
        repo.write(
            "records/baselines/BL-2024.yaml",
            f"""
            id: BL-2024
            title: 基准
            date: "2024-02-01"
            baseline: {{basis: previous_year, years: [2023], total_tco2: {total}, rationale: 正常}}
            advanced_values:
              - {{kind: domestic, intensity: 5, intensity_unit: tCO2/t, source: 行业}}
            """,
        )

    baseline("724.8")  # 1200 MWh x 0.604: agrees
    b = assess(repo.model(), 2024).baseline
    assert b is not None and (b.total_tco2, b.total_origin, b.findings) == (
        Decimal("724.8"),
        "computed",
        (),
    )
    baseline("700.0")
    a = assess(repo.model(), 2024)
    assert a.baseline is not None and a.baseline.total_tco2 == Decimal("724.8")
    (finding,) = a.baseline.findings
    assert "700.0" in finding and "724.8" in finding
    assert "CARBON-BASELINE-MISMATCH" in {i.code for i in a.issues}
    assert finding in render_assessment(repo.model(), 2024, a).markdown


def test_record_reviewers_come_from_the_reviewed_by_trailer() -> None:
    author = Ident(
        "徐刚", "xu.gang@example.com", datetime.fromisoformat("2026-01-20T10:00:00+08:00")
    )
    entry = LogEntry(
        "c0ffee",
        (),
        author,
        author,
        "2025 碳评估报告\n\nReviewed-by: 高明 <gao.ming@example.com>\n",
        (FileChange("A", "records/carbon-assessments/2025.yaml"),),
    )

    def sign(meaning: str):
        return lambda ident: Signature(ident.name, ident.email, ident.when, meaning)

    origins = record_origins([entry], "", sign("记录"), sign("审核"))
    origin = origins["records/carbon-assessments/2025.yaml"]
    assert [(s.name, s.meaning) for s in origin.reviewers] == [("高明", "审核")]
    assert record_origins([entry], "", sign("记录"))[origin.path].reviewers == ()
