"""Exact decimals end to end: source text -> Decimal -> JSON digits; out-of-range numbers."""

from __future__ import annotations

import json
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from generator.carbon.calc.inventory import compute_inventory
from generator.content.load import parse_yaml


def _json(out: str) -> dict[str, Any]:
    return json.loads(out, parse_float=Decimal, parse_int=Decimal)


def test_yaml_and_csv_numbers_keep_their_source_text(carbon_repo) -> None:
    data, _ = parse_yaml("a: 12345678.123456789\nb: 7\nc: 1e3\nd: '0.1'\n")
    assert data == {"a": Decimal("12345678.123456789"), "b": 7, "c": Decimal("1e3"), "d": "0.1"}
    assert str(data["a"]) == "12345678.123456789" and isinstance(data["b"], int)
    repo = carbon_repo()
    repo.sources(2024, repo.src("E01", "electricity", "grid_electricity", "MWh"))
    repo.readings(2024, ["2024-01,E01,12345678.123456789,MWh"])
    inventory, _issues = compute_inventory(repo.model(), 2024)
    assert inventory is not None
    (elec,) = inventory.counted
    assert elec.quantity == Decimal("12345678.123456789")
    # 12345678.123456789 MWh x 0.604 tCO2/MWh, every digit
    assert str(elec.emissions_tco2) == "7456789.586567900556"


def test_json_products_and_sums_hold_exactly_on_the_sample(sample_copy: Path, run_cli) -> None:
    for year in ("2024", "2025"):
        code, out, err = run_cli(
            "carbon", "--root", str(sample_copy), "--year", year, "--format", "json"
        )
        assert code == 0, err
        data = _json(out)
        with localcontext() as ctx:
            ctx.prec = 1000  # the check itself must not round
            for src in data["sources"] + data["reported_only"]:
                product = src["activity_data"] * src["emission_factor"]
                assert str(product.normalize()) == str(src["emissions_tco2"].normalize()), src
                monthly = sum(m["tco2"] for m in src["monthly"])
                assert monthly == src["emissions_tco2"]
            total = sum(s["emissions_tco2"] for s in data["sources"])
            assert str(total) == str(data["total_tco2"])
            assert sum(data["by_category"].values()) == data["total_tco2"]
            assert sum(data["by_month"].values()) == data["total_tco2"]
    diesel = next(s for s in data["sources"] if s["source_id"] == "S05")
    # 195.687 GJ (4.588 t x 42.652) x 0.0202 x 0.98 x 44/12 — no binary float on the way
    assert str(diesel["emissions_tco2"]).startswith("14.2040334160853333333")
    assert '"emissions_tco2": 14.2040334160853333333' in out


def test_out_of_range_numbers_are_located_errors(sample_copy: Path, run_cli) -> None:
    csv = sample_copy / "records" / "meter-readings" / "2025.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[2] = "1e400"
    lines[3] = ",".join(cells)
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli("validate", "--root", str(sample_copy))
    assert code == 1
    text = out + err
    assert "records/meter-readings/2025.csv:4" in text and "rows/2/quantity" in text
    assert "VALUE-RANGE" in text
    code, out, err = run_cli("carbon", "--root", str(sample_copy), "--year", "2025")
    assert code == 1, "bad input is exit 1, never an internal error"
    assert "VALUE-RANGE" in out + err


def test_decimal_integers_validate_as_integers(carbon_repo) -> None:
    repo = carbon_repo()
    repo.sources(2024, repo.src("E01", "electricity", "grid_electricity", "MWh"))
    text = (repo.root / "records/emission-sources/2024.yaml").read_text(encoding="utf-8")
    path = repo.root / "records/emission-sources/2024.yaml"
    path.write_text(text.replace("year: 2024", "year: 2024.0"), encoding="utf-8")
    model = repo.model()  # asserts no issues: 2024.0 is an integer
    assert model.records_of("emission-sources")[0].data["year"] == 2024
