"""Uncertainty propagation, monitoring analysis, baseline and objective progress."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.carbon.calc.analysis import Thresholds, assess
from generator.carbon.calc.uncertainty import combine_total, over_limit
from generator.carbon.report.sections import render_assessment


def test_uncertainty_propagation_by_hand(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(
        2024,
        repo.src(
            "E01", "electricity", "grid_electricity", "MWh", extra="activity_uncertainty_percent: 3"
        )
        + repo.src("H01", "heat", "purchased_heat", "GJ", extra="activity_uncertainty_percent: 4"),
    )
    repo.readings(2024, ["2024-01,E01,1000,MWh", "2024-01,H01,1000,GJ"])
    repo.write(
        "records/emission-factors/2024.yaml",
        """
        id: EF-2024
        title: 指定因子
        date: "2025-01-10"
        factors:
          - {fuel: grid_electricity, year: 2024, parameter: emission_factor, value: 0.604,
             unit: tCO2/MWh, method: specified, evidence: 主管部门, uncertainty_percent: 4}
          - {fuel: purchased_heat, year: 2024, parameter: emission_factor, value: 0.11,
             unit: tCO2/GJ, method: specified, evidence: 热力公司, uncertainty_percent: 3}
        """,
    )
    a = assess(repo.model(), 2024)
    elec, heat = a.inventory.counted
    assert elec.uncertainty_percent == Decimal(5)  # sqrt(3^2 + 4^2)
    assert heat.uncertainty_percent == Decimal(5)
    assert elec.uncertainty_assumed == () == heat.uncertainty_assumed
    # sqrt((5 x 604)^2 + (5 x 110)^2) / 714
    expected = ((5 * 604) ** 2 + (5 * 110) ** 2) ** 0.5 / 714
    assert a.inventory.uncertainty_percent is not None
    assert float(a.inventory.uncertainty_percent) == pytest.approx(expected, rel=1e-12)


def test_assumed_uncertainty_is_named_and_large_values_are_flagged(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(
        2024,
        repo.src(
            "E01",
            "electricity",
            "grid_electricity",
            "MWh",
            extra="activity_uncertainty_percent: 80",
        ),
    )
    repo.readings(2024, ["2024-01,E01,10,MWh"])
    (elec,) = assess(repo.model(), 2024).inventory.counted
    assert elec.uncertainty_assumed == ("emission_factor",)  # library value, 5% assumed
    assert elec.uncertainty_percent == (Decimal(80) ** 2 + Decimal(5) ** 2).sqrt()
    assert over_limit(elec.uncertainty_percent)
    assert combine_total([(Decimal(10), Decimal(0))]) is None


def test_anomalies_and_missing_months(carbon_repo) -> None:
    repo = carbon_repo()
    gas = repo.src("S01", "combustion", "natural_gas", "10^4 Nm3")
    late = repo.src("S02", "combustion", "natural_gas", "10^4 Nm3").replace("2015-01", "2024-03")
    repo.sources(2023, gas)
    repo.sources(2024, gas + late)
    repo.readings(2023, ["2023-02,S01,10,10^4 Nm3"])
    rows = ["2024-01,S01,10,10^4 Nm3", "2024-02,S01,14,10^4 Nm3", "2024-04,S01,14,10^4 Nm3"]
    rows += ["2024-03,S02,5,10^4 Nm3", "2024-04,S02,5,10^4 Nm3"]
    repo.readings(2024, rows)
    a = assess(repo.model(), 2024)
    found = [(x.source_id, x.month, x.kind, x.change_percent) for x in a.anomalies]
    # Feb vs Jan: +40% > 30% (MoM); Feb vs Feb 2023: +40% > 25% (YoY)
    assert found == [("S01", "2024-02", "mom", Decimal(40)), ("S01", "2024-02", "yoy", Decimal(40))]
    # every month to December is expected, whether or not another source reported it:
    # S01 misses March and May-December; S02 was commissioned in March, so Jan and Feb are
    # not missing, May-December are
    later = [f"2024-{m:02d}" for m in range(5, 13)]
    expected = [("S01", "2024-03")] + [(s, m) for m in later for s in ("S01", "S02")]
    assert [(m.source_id, m.month) for m in a.missing_months] == expected
    assert not a.inventory.complete
    relaxed = assess(repo.model(), 2024, Thresholds(Decimal(50), Decimal(50)))
    assert relaxed.anomalies == ()


def test_expected_seasonal_change_is_not_an_anomaly_but_a_sustained_shift_is_one(
    carbon_repo,
) -> None:
    repo = carbon_repo()
    heat = repo.src("H01", "heat", "purchased_heat", "GJ")
    elec = repo.src("E01", "electricity", "grid_electricity", "MWh")
    repo.sources(2023, heat + elec)
    repo.sources(2024, heat + elec)
    months = [f"{m:02d}" for m in range(1, 13)]
    # heating doubles from October to November in both years: expected, not flagged
    heat_2023 = {m: (200 if m in ("11", "12", "01", "02") else 100) for m in months}
    repo.readings(
        2023,
        [f"2023-{m},H01,{heat_2023[m]},GJ" for m in months]
        + [f"2023-{m},E01,100,MWh" for m in months],
    )
    # electricity is 50% higher all year (a new contract): one sustained change, not twelve
    repo.readings(
        2024,
        [f"2024-{m},H01,{heat_2023[m]},GJ" for m in months]
        + [f"2024-{m},E01,150,MWh" for m in months],
    )
    a = assess(repo.model(), 2024)
    found = [(x.source_id, x.month, x.kind, x.change_percent) for x in a.anomalies]
    # the step itself shows once as January's month-on-month jump (no 2022 data to adjust it)
    assert found == [("E01", "2024", "level", Decimal(50)), ("E01", "2024-01", "mom", Decimal(50))]
    plain = assess(repo.model(), 2023)  # no year before 2023: November's jump is flagged
    assert ("H01", "2023-11", "mom") in [(x.source_id, x.month, x.kind) for x in plain.anomalies]


def test_baseline_computed_and_objective_progress(carbon_repo) -> None:
    repo = carbon_repo()
    elec = repo.src("E01", "electricity", "grid_electricity", "MWh")
    repo.sources(2023, elec)
    repo.sources(2024, elec)
    # complete years: all in January, zero in the other months
    rest = [f"{m:02d}" for m in range(2, 13)]
    readings = ["2023-01,E01,1000,MWh", "2024-01,E01,900,MWh"]
    readings += [f"{y}-{m},E01,0,MWh" for y in (2023, 2024) for m in rest]
    repo.write(
        "records/meter-readings/all.csv", "month,source,quantity,unit\n" + "\n".join(readings)
    )
    output = ["2023-01,100,t,1", "2024-01,100,t,1"]
    output += [f"{y}-{m},0,t,0" for y in (2023, 2024) for m in rest]
    repo.write(
        "records/production/all.csv", "month,quantity,unit,output_value\n" + "\n".join(output)
    )
    repo.write(
        "records/baselines/BL-2024.yaml",
        """
        id: BL-2024
        title: 碳排放基准
        date: "2024-02-01"
        baseline: {basis: previous_year, years: [2023], rationale: 上一年度生产正常}
        advanced_values:
          - {kind: domestic, intensity: 5, intensity_unit: tCO2/t, source: 行业先进}
        """,
    )
    repo.write(
        "records/objectives/OBJ-2024.yaml",
        """
        id: OBJ-2024
        title: 目标
        date: "2024-02-01"
        period: {start: 2024, end: 2026}
        objectives:
          - id: OBJ-1
            title: 排放总量下降
            kind: reduction
            metric: total_tco2
            unit: tCO2
            target_value: 404
            target_year: 2026
            owner: energy-env
            targets:
              - {id: OBJ-1-A, description: 节电, due: "2026-12-31", owner: facilities}
        """,
    )
    model = repo.model()
    a = assess(model, 2024)
    b = a.baseline
    assert b is not None
    assert (b.total_tco2, b.total_origin) == (Decimal("604.000"), "computed")
    assert b.intensity == Decimal("6.04")
    assert b.change_total_percent == Decimal(-10)
    assert b.advanced[0].gap_percent == pytest.approx(Decimal("8.72"), abs=Decimal("1e-20"))
    (obj,) = a.objectives
    # baseline 604 -> target 404; actual 543.6: (604 - 543.6) / 200 = 30.2%
    assert (obj.baseline_value, obj.actual) == (Decimal("604.000"), Decimal("543.600"))
    assert obj.progress_percent == Decimal("30.2")
    # not met in 2024, but the target year (2026) is ahead: in progress, not failed
    assert obj.achieved is None and "进行中" in obj.note
    assert [h.year for h in a.history] == [2023, 2024]
    report = render_assessment(model, 2024, a)
    assert "| 国内先进值 | 5.0000 | tCO2/t | 行业先进 | 8.7% |" in report.markdown
    assert "| OBJ-1 | 排放总量下降 |" in report.markdown and "30.2%" in report.markdown
    assert report.images["intensity-vs-baseline"].startswith(b"\x89PNG")
