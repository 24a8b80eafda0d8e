"""`cems carbon` as a user runs it, on the sample organisation's records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def _records_only(root: Path) -> Path:
    """The sample as shipped: records and documents together must validate."""
    return root


def _years(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "records" / "emission-sources").glob("*.yaml"))


def test_json_identity_on_the_sample(sample_copy: Path, run_cli) -> None:
    root = _records_only(sample_copy)
    years = _years(root)
    assert years, "the sample has no emission-sources records"
    for year in years:
        code, out, err = run_cli("carbon", "--root", str(root), "--year", year, "--format", "json")
        assert code == 0, err
        data = json.loads(out)
        assert data["year"] == int(year)
        for src in data["sources"] + data["reported_only"] + data["biomass"]:
            product = src["activity_data"] * src["emission_factor"]
            assert product == pytest.approx(src["emissions_tco2"], rel=1e-12, abs=1e-9), src[
                "source_id"
            ]
            assert (src["activity_unit"], src["factor_unit"]) in {
                ("GJ", "tCO2/GJ"),
                ("MWh", "tCO2/MWh"),
                ("t", "tCO2/t"),
                ("10^4 Nm3", "tCO2/10^4 Nm3"),
            }
            assert src["factor_source"]
        total = sum(s["emissions_tco2"] for s in data["sources"])
        assert total == pytest.approx(data["total_tco2"], rel=1e-12)
        assert sum(data["by_category"].values()) == pytest.approx(data["total_tco2"], rel=1e-12)
        assert sum(data["by_month"].values()) == pytest.approx(data["total_tco2"], rel=1e-12)
        assert data["total_tco2"] > 0 and data["intensity"] > 0
        assert 0 < data["uncertainty_percent"] < 60
        counted = {s["source_id"] for s in data["sources"]}
        assert not counted & {s["source_id"] for s in data["reported_only"]}
        for key in ("anomalies", "missing_months", "baseline", "objectives", "biomass_tco2"):
            assert key in data


def test_text_summary_in_chinese(sample_copy: Path, run_cli) -> None:
    root = _records_only(sample_copy)
    code, out, _err = run_cli("carbon", "--root", str(root), "--threshold-mom", "1000")
    assert code == 0
    assert "排放总量" in out and "碳排放强度" in out and "只报告不计入" in out
    assert "环比 1000" in out


def test_unit_mismatch_exits_1_with_file_line_field(sample_copy: Path, run_cli) -> None:
    root = _records_only(sample_copy)
    year = _years(root)[0]
    csv = root / "records" / "meter-readings" / f"{year}.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("unit")] = "GJ" if cells[header.index("unit")] != "GJ" else "t"
    lines[1] = ",".join(cells)
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli("carbon", "--root", str(root), "--year", year)
    assert code == 1
    text = out + err
    assert f"records/meter-readings/{year}.csv:2" in text
    assert "[rows/0/unit]" in text and "CARBON-UNIT-MISMATCH" in text


def test_invalid_content_exits_1(sample_copy: Path, run_cli) -> None:
    root = _records_only(sample_copy)
    path = next((root / "records" / "emission-sources").glob("*.yaml"))
    path.write_text(
        path.read_text(encoding="utf-8").replace("boundary: fixed", "boundary: inside", 1),
        encoding="utf-8",
    )
    code, out, _err = run_cli("carbon", "--root", str(root), "--format", "json")
    assert code == 1
    issues = json.loads(out)
    assert any(i["field"].endswith("/boundary") and i["code"] == "SCHEMA-ENUM" for i in issues)


def test_unknown_year_is_a_message_not_a_traceback(sample_copy: Path, run_cli) -> None:
    root = _records_only(sample_copy)
    code, out, err = run_cli("carbon", "--root", str(root), "--year", "1999")
    assert code == 1
    assert "CARBON-NO-INVENTORY" in out + err
    assert "Traceback" not in out + err
