"""A register table with more rows than a page should hold: summary and latest rows on the
site, every row in the Excel and Word registers."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup

from generator.content.project import load_project, require_model
from generator.core.config import Config
from generator.core.issues import Severity
from generator.render.site import large_tables
from generator.render.site.assemble import render_site
from generator.render.site.text import md_table
from tests.support.fake_history import released_history

ROWS = [
    {"month": f"2024-{m:02d}", "source": s, "quantity": q}
    for m, s, q in [(3, "S01", 1), (1, "S01", 2), (1, "S02", 3), (2, "S01", 4), (3, "S02", 5)]
]


def _table(rows: list[dict[str, object]]) -> Markup:
    return md_table(
        ["月份", "排放源", "数量"], [[r["month"], r["source"], r["quantity"]] for r in rows]
    )


def test_the_summary_counts_rows_per_group_and_keeps_the_latest_rows(monkeypatch) -> None:
    monkeypatch.setattr(large_tables, "limits", lambda: large_tables.Limits(4, 2, ("month",)))
    assert large_tables.is_large(ROWS) and not large_tables.is_large(ROWS[:4])
    text = str(large_tables.summary(ROWS, {"month": "月份"}, _table))
    assert "共 5 行" in text and "按月份汇总" in text
    assert "| 2024-01 | 2 |" in text and "| 2024-02 | 1 |" in text and "| 2024-03 | 2 |" in text
    latest = text.split("**最近 2 行**", 1)[1]  # the last two in month order: both of 2024-03
    assert "| 2024-03 | S01 | 1 |" in latest and "| 2024-03 | S02 | 5 |" in latest
    assert "2024-01" not in latest


def test_the_shipped_limits_are_data() -> None:
    settings = large_tables.limits()
    assert settings.max_rows >= 100 and 0 < settings.latest_rows < settings.max_rows
    assert "month" in settings.group_by


def test_a_large_register_page_is_summarised_and_links_the_full_workbook(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(large_tables, "limits", lambda: large_tables.Limits(10, 3, ("month",)))
    config = Config.for_root(sample_copy)
    model = require_model(load_project(config))
    readings = [r for r in model.records_of("meter-readings") if len(r.data["rows"]) > 10]
    assert readings, "the sample's meter readings have more than 10 rows"
    out = tmp_path / "out"
    (out / "xlsx").mkdir(parents=True)  # the site links only downloads that exist
    (out / "xlsx" / "meter.xlsx").write_bytes(b"PK")
    links = {"xlsx:meter-readings": "downloads/xlsx/meter.xlsx"}
    issues = render_site(model, released_history(model), config, out, downloads=links)
    assert [i for i in issues if i.severity is Severity.ERROR] == []
    page = (out / "site" / "registers" / "meter-readings" / "index.html").read_text("utf-8")
    assert "按月份汇总" in page and "最近 3 行" in page and "Excel 登记表下载" in page
    assert 'downloads/xlsx/meter.xlsx"' in page  # the register download button
    for record in readings:
        assert f"共 {len(record.data['rows'])} 行" in page
    # a small table is shown whole
    small = (out / "site" / "registers" / "master-list" / "index.html").read_text("utf-8")
    assert "按月份汇总" not in small


def test_groups_are_in_natural_order() -> None:
    rows = [{"release": f"release/{n}"} for n in (10, 9, 2, 10)]
    text = str(
        large_tables.summary(
            rows, {}, lambda part: md_table(["r"], [[r["release"]] for r in part]), key="release"
        )
    )
    assert text.index("release/2 ") < text.index("release/9 ") < text.index("release/10 ")
