"""Intensity denominators as data: a services organisation (hotel) with a stock and a flow."""

from __future__ import annotations

import json
from decimal import Decimal

from generator.carbon.calc.analysis import assess
from generator.carbon.calc.inventory import compute_inventory

HOTEL_INDICATORS = """indicators:
  - {id: floor_area, name: 建筑面积, unit: m², kind: stock, aggregation: average}
  - {id: room_nights, name: 客房间夜数, unit: 间夜, kind: flow}
"""


def _hotel(carbon_repo, area_rows: list[str] | None = None, repo=None):
    repo = repo or carbon_repo()
    org = repo.root / "content" / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    if "# 碳排放强度指标" in text:
        head = text[: text.index("# 碳排放强度指标")]
        org.write_text(head + HOTEL_INDICATORS, encoding="utf-8")
    repo.sources(2025, repo.src("E01", "electricity", "grid_electricity", "MWh"))
    repo.readings(2025, [f"2025-{m:02d},E01,100,MWh" for m in range(1, 13)])
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    rows = area_rows if area_rows is not None else [f"{m},floor_area,42000,m²" for m in months]
    rows += [f"{m},room_nights,{9000 + i * 100},间夜" for i, m in enumerate(months)]
    repo.write(
        "records/production/2025.csv", "month,indicator,quantity,unit\n" + "\n".join(rows) + "\n"
    )
    return repo


def test_hotel_floor_area_is_a_stock_not_summed(carbon_repo) -> None:
    repo = _hotel(carbon_repo)
    inventory, issues = compute_inventory(repo.model(), 2025)
    assert inventory is not None, [i.format() for i in issues]
    area, nights = inventory.outputs
    # recorded every month, 42,000 m² is the floor area — not 12 x 42,000 = 504,000
    assert (area.indicator, area.quantity, area.kind) == ("floor_area", Decimal(42000), "stock")
    assert nights.quantity == sum(Decimal(9000 + i * 100) for i in range(12)) == Decimal(114600)
    total = Decimal(1200) * Decimal("0.604")  # 724.8 tCO2
    assert inventory.total_tco2 == total
    intensities = {o.indicator: v for o, v in inventory.intensities}
    assert intensities["floor_area"] is not None and intensities["room_nights"] is not None
    # 724.8 / 42000 = 0.017257142857142857... tCO2/m² (a ratio: stated to 34 digits)
    assert abs(intensities["floor_area"] - total / Decimal(42000)) < Decimal("1e-25")
    assert f"{intensities['floor_area']:.6f}" == "0.017257"
    assert abs(intensities["room_nights"] - Decimal("724.8") / Decimal(114600)) < Decimal("1e-25")
    assert inventory.intensity_unit == "tCO2/m²" and inventory.complete


def test_year_end_stock_needs_december_only_and_an_average_moves(carbon_repo) -> None:
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    # 40,000 m² to June, 44,000 m² from July (an extension): the year's average is 42,000
    rows = [f"{m},floor_area,{40000 if m <= '2025-06' else 44000},m²" for m in months]
    repo = _hotel(carbon_repo, rows)
    inventory, _ = compute_inventory(repo.model(), 2025)
    assert inventory is not None and inventory.outputs[0].quantity == Decimal(42000)
    repo = _hotel(carbon_repo, ["2025-06,floor_area,40000,m²"], repo)
    inventory, _ = compute_inventory(repo.model(), 2025)
    assert inventory is not None
    assert not inventory.complete  # an averaged stock expects every month
    assert ("floor_area", "2025-12") in inventory.missing_denominators


def test_hotel_json_lists_every_indicator(carbon_repo, run_cli) -> None:
    repo = _hotel(carbon_repo)
    code, out, err = run_cli(
        "carbon", "--root", str(repo.root), "--year", "2025", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out, parse_float=Decimal)
    assert [(o["indicator"], o["kind"], o["quantity"]) for o in data["outputs"]] == [
        ("floor_area", "stock", 42000),
        ("room_nights", "flow", 114600),
    ]
    assert data["intensity_unit"] == "tCO2/m²"
    assert assess(repo.model(), 2025).inventory.complete


def test_undeclared_indicator_is_a_located_error(carbon_repo) -> None:
    repo = _hotel(carbon_repo)
    path = repo.root / "records/production/2025.csv"
    path.write_text(path.read_text(encoding="utf-8") + "2025-01,beds,300,床\n", encoding="utf-8")
    inventory, issues = compute_inventory(repo.model(), 2025)
    assert inventory is None
    (issue,) = issues
    assert (issue.code, issue.field, issue.line) == (
        "CARBON-INDICATOR-UNKNOWN",
        "rows/24/indicator",
        26,
    )
