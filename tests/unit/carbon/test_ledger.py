"""Allowance ledger arithmetic, every expected number worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from generator.carbon.calc.ledger import compute_ledger, offset_limit, quarterly_forecast
from generator.content.model import Record
from generator.ops.compliance import ledger_findings

D = Decimal


def _record(entries: list[dict[str, Any]], year: int = 2025, price: float | None = 100.0) -> Record:
    data: dict[str, Any] = {"id": "ALG-T", "year": year, "entries": entries}
    if price is not None:
        data["market_price_yuan"] = price
    return Record("ALG-T", "allowance-ledger", "t", date(2026, 9, 16), "records/allowance-ledger/t.yaml",
                  ("8.6",), data)  # fmt: skip


def _e(kind: str, qty: float, instrument: str = "allowance", **extra: Any) -> dict[str, Any]:
    return {"date": extra.pop("date", "2026-06-01"), "kind": kind, "instrument": instrument,
            "quantity_t": qty, **extra}  # fmt: skip


def _none(_file: str, _path: tuple[str | int, ...]) -> int | None:
    return None


def test_balance_cost_and_value_by_hand() -> None:
    record = _record(
        [
            _e("carry_in", 61),
            _e("free_allocation", 10000),
            _e("auction", 200, price_yuan=90.0),
            _e("buy", 300, price_yuan=100.0),
            _e("sell", 100, price_yuan=110.0),
            _e("buy", 400, "ccer", price_yuan=60.0, origin="outside"),
            _e("surrender", 10100),
            _e("surrender", 400, "ccer", origin="outside"),
        ],
        price=105.0,
    )
    ledger = compute_ledger(record, D("10500.2"), "核查值")
    # obligation: 10500.2 rounded up to whole tonnes
    assert ledger.obligation_t == 10501
    assert ledger.allocated_t == 10200  # free 10000 + auction 200
    # available: 61 + 10000 + 200 + 300 - 100 allowances + 400 CCER = 10861
    assert ledger.available_t == 10861
    assert ledger.balance_t == 360  # 10861 - 10501
    assert ledger.surrendered_t == 10500
    # cost: 200 x 90 + 300 x 100 + 400 x 60 - 100 x 110 = 18000 + 30000 + 24000 - 11000
    assert ledger.cost_yuan == 61000
    # allowances left: 61 + 10000 + 200 + 300 - 100 - 10100 = 361, at 105 yuan
    assert ledger.remaining_t == 361
    assert ledger.holdings_value_yuan == D("37905.0")
    # limits: 5 % of 10200 = 510; out-of-Beijing CCER half of that = 255
    assert ledger.offset_limit_t == 510
    assert ledger.outside_limit_t == 255
    issues = ledger_findings(ledger, _none)
    codes = [i.code for i in issues]
    # 400 t CCER under the 510 t limit, but over the 255 t out-of-Beijing limit; and 10500 < 10501
    assert "LEDGER-OFFSET-LIMIT" not in codes
    assert codes.count("LEDGER-OFFSET-OUTSIDE") == 1
    assert "LEDGER-SHORTFALL" in codes


def test_offsets_over_five_percent_are_a_finding() -> None:
    record = _record(
        [
            _e("free_allocation", 1000),
            _e("buy", 60, "pcer", price_yuan=50.0, origin="beijing"),
            _e("surrender", 940),
            _e("surrender", 60, "pcer", origin="beijing"),
        ]
    )
    ledger = compute_ledger(record, D("1000"), "核查值")
    assert ledger.offset_limit_t == 50  # 5 % of 1000
    issues = ledger_findings(ledger, _none)
    found = [i for i in issues if i.code == "LEDGER-OFFSET-LIMIT"]
    assert len(found) == 1 and "60 t" in found[0].message and "50 t" in found[0].message
    assert "M" in found[0].message  # the limit's confidence tag is shown
    assert not [i for i in issues if i.code == "LEDGER-SHORTFALL"]


def test_offset_limit_is_data_with_source_and_tag() -> None:
    limit = offset_limit(2025)
    assert limit is not None
    assert limit.total_share == D("0.05") and limit.outside_share == D("0.5")
    assert limit.tag == "M" and "京政发" in limit.source


def test_sample_ledger_2025() -> None:
    """The sample: 61 carried in + 56300 allocated - 500 sold; verified 55313.1 -> 55314."""
    from generator.carbon.calc.cycle import year_compliance
    from generator.content.project import load_project
    from generator.core.config import Config
    from tests.support.paths import SAMPLE

    model = load_project(Config.for_root(SAMPLE)).model
    assert model is not None
    ledger = year_compliance(model, 2025).ledger
    assert ledger is not None
    assert ledger.emissions_tco2 == D("55313.1") and "VER-2025" in ledger.emissions_basis
    assert ledger.available_t == 55861  # 61 + 56300 - 500
    assert ledger.balance_t == 547  # 55861 - 55314
    assert ledger.cost_yuan == -54000  # 500 sold at 108: income
    assert ledger.remaining_t == 547 and ledger.holdings_value_yuan == D("59076.0")  # 547 x 108
    ledger_2024 = year_compliance(model, 2024).ledger
    assert ledger_2024 is not None
    # the 2024 shortfall bought in two lots: 800 x 96.5 + 800 x 99.8 = 157,040 yuan (<= 18 万)
    assert ledger_2024.cost_yuan == 157040
    assert ledger_2024.total(("carry_out",)) == 61 == ledger.total(("carry_in",))
    # the forecast knows only what was known at each quarter's end: the 2025 allocation came in
    # June 2026, so every 2025 quarter estimates it as 2024's 55900, plus the 61 t carried in
    forecast = year_compliance(model, 2025).forecast
    assert [f.available_t for f in forecast] == [55961] * 4
    assert "按 2024 年度估计" in forecast[0].method
    assert forecast[-1].balance_t == 55961 - 55314  # the full year: projection = actual


def test_quarterly_forecast_seasonal_and_linear() -> None:
    previous = {f"2024-{m:02d}": D(100) for m in range(1, 13)}
    previous["2024-01"] = D(200)  # last year's total 1300; January was 200 of it
    monthly = {"2025-01": D(260), "2025-02": D(110), "2025-03": D(120), "2025-04": D(90)}
    forecasts = quarterly_forecast(2025, monthly, previous, D(1500))
    assert [f.quarter for f in forecasts] == [1, 2]
    q1, q2 = forecasts
    # Q1: 490 t so far; last year's Jan-Mar 400 of 1300 -> 490 / (400/1300) = 1592.5
    assert q1.to_date_tco2 == 490 and q1.months_recorded == 3
    assert q1.projected_tco2 == D(490) / (D(400) / D(1300))
    assert round(q1.projected_tco2, 1) == D("1592.5")
    assert q1.balance_t == 1500 - 1593  # projected rounded up: shortfall 93 t
    # Q2 only has April of its months: 580 t so far over Jan-Apr's 500/1300
    assert q2.months_recorded == 4 and round(q2.projected_tco2, 1) == D("1508.0")
    assert q2.balance_t == -8
    linear = quarterly_forecast(2025, monthly, None, D(1500))
    # without last year: 490 x 12 / 3 = 1960, then 580 x 12 / 4 = 1740
    assert [f.projected_tco2 for f in linear] == [1960, 1740]
    assert [f.balance_t for f in linear] == [-460, -240]
