"""Complete-year awareness: expected months, 不完整 everywhere, like-for-like comparisons."""

from __future__ import annotations

import json
from decimal import Decimal, localcontext
from pathlib import Path

from generator.carbon.calc.analysis import assess
from generator.carbon.report.sections import render_assessment
from generator.content.project import load_project, require_model
from generator.core.config import Config


def _trim(path: Path, last_month: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if line.split(",")[0] <= last_month]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def _september_checkout(root: Path) -> Path:
    """A checkout of a release made in September: readings to September, output to June."""
    _trim(root / "records" / "meter-readings" / "2025.csv", "2025-09")
    _trim(root / "records" / "production" / "2025.csv", "2025-06")
    return root


def test_partial_year_is_marked_incomplete_in_text_and_json(sample_copy: Path, run_cli) -> None:
    root = _september_checkout(sample_copy)
    code, text, err = run_cli("carbon", "--root", str(root), "--year", "2025")
    assert code == 0, err
    assert "数据状态：不完整" in text
    assert "缺少计量数据 2025-10：S01、S02、S03、S04、S05、S06、S07、S08、S09、S10、S11" in text
    assert "缺少计量数据 2025-12：" in text
    assert "缺少强度分母 陶瓷基板产量：2025-07、2025-08、2025-09、2025-10、2025-11、2025-12" in text
    objectives = [line for line in text.splitlines() if line.lstrip().startswith("目标 O-")]
    # emissions and intensity are not judged on a partial year (the ledger objective is:
    # it uses the verified figures)
    judged = [line for line in objectives if "tCO2" in line]
    assert judged and all(line.endswith("未评价（数据不完整）") for line in judged), judged
    assert "同口径比较（数据不完整）：仅比较 2025-01～2025-09" in text
    code, out, _ = run_cli("carbon", "--root", str(root), "--year", "2025", "--format", "json")
    data = json.loads(out, parse_float=Decimal)
    assert data["complete"] is False and data["status"] == "不完整"
    assert {"source_id": "S01", "month": "2025-12"} in data["missing"]
    assert len(data["missing"]) == 11 * 3
    assert {"indicator": "product_output", "month": "2025-07"} in data["missing_denominators"]
    objectives_by_id = {o["id"]: o for o in data["objectives"]}
    assert objectives_by_id["O-2025-01"]["progress_percent"] is None
    assert objectives_by_id["O-2025-01"]["note"].startswith("未评价（数据不完整）")
    b = data["baseline"]
    assert b["like_for_like_months"] == [f"2025-{m:02d}" for m in range(1, 10)]
    # both sides over January-September: this year's by_month and 2024's by_month
    code, out24, _ = run_cli("carbon", "--root", str(root), "--year", "2024", "--format", "json")
    by_month_2024 = json.loads(out24, parse_float=Decimal)["by_month"]
    with localcontext() as ctx:
        ctx.prec = 200
        assert b["current_total_tco2"] == sum(data["by_month"].values())
        same = sum(v for m, v in by_month_2024.items() if m <= "2024-09")
        assert b["compared_total_tco2"] == same
        change = (b["current_total_tco2"] - same) * 100 / same
    assert abs(b["change_total_percent"] - change) < Decimal("1e-25")


def test_partial_year_report_says_incomplete(sample_copy: Path) -> None:
    root = _september_checkout(sample_copy)
    model = require_model(load_project(Config.for_root(root)))
    report = render_assessment(model, 2025).markdown
    assert "**本年数据不完整**（数据截至 2025-09）" in report
    assert "数据完整性：**不完整**：缺少 2025-10 S01" in report
    assert "未评价（数据不完整）" in report
    assert "未发现问题" not in report
    assert "碳排放总量（不完整）" in report


def test_missing_months_without_any_other_source_reporting(carbon_repo) -> None:
    repo = carbon_repo()
    late = repo.src("S02", "combustion", "natural_gas", "10^4 Nm3").replace("2015-01", "2024-03")
    gone = repo.src("S03", "combustion", "natural_gas", "10^4 Nm3", extra="decommissioned: 2024-06")
    quarterly = repo.src("S04", "combustion", "natural_gas", "10^4 Nm3")
    repo.sources(
        2024, repo.src("S01", "combustion", "natural_gas", "10^4 Nm3") + late + gone + quarterly
    )
    repo.write(
        "records/monitoring-plan/2024.yaml",
        """
        id: MP-2024
        title: 监测计划
        date: "2024-01-10"
        year: 2024
        items:
          - {content: 天然气, department: facilities, method: 抄表, frequency: 每月一次, record: CSV,
             sources: [S01, S02, S03]}
          - {content: 备用气源, department: facilities, method: 抄表, frequency: 每季度一次, record: CSV,
             sources: [S04]}
        """,
    )
    rows = [f"2024-{m:02d},S01,1,10^4 Nm3" for m in range(1, 10)]  # to September only
    rows += [f"2024-{m:02d},S02,1,10^4 Nm3" for m in range(3, 13)]
    rows += [f"2024-{m:02d},S03,1,10^4 Nm3" for m in range(1, 7)]
    rows += ["2024-03,S04,1,10^4 Nm3", "2024-06,S04,1,10^4 Nm3", "2024-09,S04,1,10^4 Nm3"]
    repo.readings(2024, rows)
    inventory = assess(repo.model(), 2024).inventory
    expected = {r.source_id: r.expected_months for r in inventory.results}
    assert expected["S02"][0] == "2024-03" and len(expected["S02"]) == 10  # commissioned March
    assert expected["S03"][-1] == "2024-06"  # decommissioned June
    assert expected["S04"] == ("2024-03", "2024-06", "2024-09", "2024-12")  # quarterly
    # S02 reported October-December, S01 did not: S01 is missing them even so; S04 misses December
    assert [(m.source_id, m.month) for m in inventory.missing] == [
        ("S01", "2024-10"),
        ("S01", "2024-11"),
        ("S01", "2024-12"),
        ("S04", "2024-12"),
    ]
    assert not inventory.complete
