"""The shipped sample organisation: valid, complete, and covering the whole standard."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from statistics import mean
from typing import Any

import pytest

from generator.content.model import DOCUMENT_KINDS, Model, Record
from generator.content.project import load_project, require_model
from generator.content.standard import clause_ids
from generator.core.config import Config
from tests.support.paths import SAMPLE

FUEL_KEYS = {
    "natural_gas",
    "diesel",
    "gasoline",
    "lpg",
    "limestone",
    "grid_electricity",
    "green_electricity",
    "purchased_heat",
}


@pytest.fixture(scope="module")
def model() -> Model:
    root = SAMPLE
    return require_model(load_project(Config.for_root(root)))


def _by_year(model: Model, record_type: str) -> dict[int, Record]:
    """Yearly records keyed by year: from a `year` field, or from the file name (CSV)."""
    out = {}
    for record in model.records_of(record_type):
        year = record.data.get("year") or int(Path(record.path).stem[:4])
        out[int(year)] = record
    return out


def _sources(model: Model, year: int) -> dict[str, dict[str, Any]]:
    inventory = _by_year(model, "emission-sources")[year]
    return {s["id"]: s for s in inventory.data["sources"]}


def test_sample_validates(run_cli, sample_root: Path) -> None:
    code, out, _ = run_cli("validate", "--root", str(sample_root))
    assert code == 0, out
    assert "校验通过" in out


def test_every_document_kind_and_record_type_is_present(model: Model) -> None:
    kinds = {d.kind for d in model.documents}
    assert kinds == set(DOCUMENT_KINDS)
    types_with_records = {r.type for r in model.records}
    assert {t.name for t in model.record_types} <= types_with_records
    forms = {d.record_type for d in model.documents_of_kind("form")}
    assert {t.name for t in model.record_types} <= forms


def test_every_clause_and_annex_section_is_referenced(model: Model) -> None:
    referenced: set[str] = set()
    for document in model.documents:
        referenced |= set(document.clauses)
    for record in model.records:
        referenced |= set(record.clauses)
        record_type = model.record_type(record.type)
        assert record_type is not None
        referenced |= set(record_type.clauses)
    missing = sorted(clause_ids() - referenced)
    assert not missing, f"clauses no document or record refers to: {missing}"


def test_procedures_cover_qp01_to_qp17_and_required_rules(model: Model) -> None:
    ids = {d.id for d in model.documents}
    assert {f"CEMS-QP-{n:02d}" for n in range(1, 18)} <= ids
    assert {"CEMS-M-01", "CEMS-GZ-01", "CEMS-GZ-02", "CEMS-GZ-03", "CEMS-WI-01"} <= ids
    for document in model.documents:
        assert document.status == "effective"
        assert document.author != document.approver
        assert document.approver in model.organisation.approvers


@pytest.mark.parametrize("year", [2024, 2025])
def test_meter_readings_cover_twelve_months_per_operating_source(model: Model, year: int) -> None:
    sources = _sources(model, year)
    operating = {sid for sid, s in sources.items() if s["status"] == "operating"}
    rows = _by_year(model, "meter-readings")[year].data["rows"]
    months: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        assert row["month"].startswith(f"{year}-")
        assert row["unit"] == sources[row["source"]]["activity_unit"], row
        months[row["source"]].add(row["month"])
    expected = {f"{year}-{m:02d}" for m in range(1, 13)}
    for sid in sorted(operating):
        assert months[sid] == expected, f"{sid} {year}: {sorted(expected - months[sid])}"
    assert set(months) <= operating, "readings for a source that is not operating"
    assert len(rows) == 12 * len(operating), "one row per source and month"


@pytest.mark.parametrize("year", [2024, 2025])
def test_production_covers_twelve_months(model: Model, year: int) -> None:
    rows = _by_year(model, "production")[year].data["rows"]
    assert sorted(r["month"] for r in rows) == [f"{year}-{m:02d}" for m in range(1, 13)]
    assert all(r["unit"] == model.organisation.output["unit"] for r in rows)


def test_sources_use_known_fuel_keys_and_include_a_planned_facility(model: Model) -> None:
    sources = _sources(model, 2025)
    assert {s["fuel"] for s in sources.values()} <= FUEL_KEYS
    assert any(s["status"] == "planned" for s in sources.values())
    boundaries = {s["boundary"] for s in sources.values()}
    assert boundaries == {"fixed", "mobile", "out_of_city"}


def test_monitoring_anomaly_is_in_the_data_and_has_a_capa(model: Model) -> None:
    rows = _by_year(model, "meter-readings")[2025].data["rows"]
    kiln = {r["month"]: r["quantity"] for r in rows if r["source"] == "S04"}
    others = [q for m, q in kiln.items() if m != "2025-08"]
    assert kiln["2025-08"] > Decimal("1.25") * mean(others)
    capas = [r for r in model.records_of("nonconformities") if r.data["origin"] == "monitoring"]
    assert any("S04" in r.data["description"] for r in capas)
    assert any(r.data["status"] == "open" for r in model.records_of("nonconformities"))


def test_green_electricity_grows_and_legal_register_has_a_finding(model: Model) -> None:
    totals = {}
    for year, record in _by_year(model, "meter-readings").items():
        totals[year] = sum(r["quantity"] for r in record.data["rows"] if r["source"] == "S09")
    assert totals[2025] > totals[2024]
    findings = [
        e
        for record in model.records_of("legal-register")
        for requirement in record.data["requirements"]
        for e in requirement["evaluations"]
        if not e["compliant"]
    ]
    assert findings and all("capa" in e for e in findings)
