"""The report's charts speak Chinese: every title, axis, tick and legend label a reader sees."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from generator.carbon.calc.analysis import assess
from generator.carbon.report import charts
from generator.content.project import load_project, require_model
from generator.core.config import Config

CJK = re.compile(r"[\u4e00-\u9fff]")
# what may stay Latin in a label: units and numbers (tCO2, tCO2/t, 4.58, 2025)
LATIN_OK = re.compile(r"tCO2(/[A-Za-z0-9]+)?|MWh|GJ|t\b")


def _labels(fig) -> list[str]:
    ax = fig.axes[0]
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    texts += [t.get_text() for t in ax.get_xticklabels()]
    legend = ax.get_legend()
    texts += [t.get_text() for t in legend.get_texts()] if legend else []
    return [t for t in texts if t]


@pytest.fixture(scope="module")
def assessment(tmp_path_factory: pytest.TempPathFactory):
    from tests.conftest import copy_sample

    root = copy_sample(tmp_path_factory.mktemp("charts") / "org")
    model = require_model(load_project(Config.for_root(Path(root))))
    return assess(model, 2025)


@pytest.mark.parametrize("build", [charts.monthly_figure, charts.intensity_figure])
def test_every_chart_label_is_chinese(assessment, build) -> None:
    fig = build(assessment)
    try:
        labels = _labels(fig)
    finally:
        plt.close(fig)
    assert len(labels) >= 5
    ticks_and_words = [t for t in labels if not re.fullmatch(r"[\d.,\s]+", t)]
    for label in ticks_and_words:
        latin = LATIN_OK.sub("", label)
        assert not re.search(r"[A-Za-z]{2,}", latin), f"English in chart label: {label!r}"
    title = fig.axes[0].get_title() if fig.axes else ""
    assert CJK.search(title)
    assert all(CJK.search(t) for t in labels if re.search(r"[A-Za-z]", t) and "tCO2" not in t)


def test_charts_ask_for_a_cjk_font(assessment) -> None:
    rc = charts._rc()
    assert rc["axes.unicode_minus"] is False
    assert rc["font.family"] == ["sans-serif"]
    assert any("CJK" in name or "Hei" in name for name in rc["font.sans-serif"][:1])


ENGLISH_GIST = re.compile(r"\([A-Za-z][A-Za-z,.;:/0-9-]*\s[A-Za-z ,.;:/0-9-]{8,}\)")


@pytest.mark.parametrize("year", [2024, 2025])
def test_report_text_has_no_english_gist(year: int, tmp_path: Path) -> None:
    """Factor sources and the rounding note print their Chinese names (`source_zh`)."""
    from generator.carbon.report.sections import render_assessment
    from tests.conftest import copy_sample

    root = copy_sample(tmp_path / "org")
    model = require_model(load_project(Config.for_root(root)))
    markdown = render_assessment(model, year).markdown
    assert ENGLISH_GIST.findall(markdown) == []
    assert "national-guide" not in markdown and "Beijing accounting guide" not in markdown
    assert "数值修约：内部全精度" in markdown


def test_tco2_objectives_print_two_decimals(tmp_path: Path) -> None:
    from generator.carbon.report.sections import render_assessment
    from tests.conftest import copy_sample

    root = copy_sample(tmp_path / "org")
    model = require_model(load_project(Config.for_root(root)))
    markdown = render_assessment(model, 2025).markdown
    progress = markdown[markdown.index("碳排放管理目标进展") :].split("\n\n")[1]
    rows = [r for r in progress.splitlines() if "| tCO2 |" in r]
    assert rows, progress
    for row in rows:
        values = [c.strip() for c in row.strip("|").split("|")][3:5]
        assert all(re.fullmatch(r"[\d,]+\.\d{2}", v) for v in values), row


@pytest.mark.parametrize("year", [2024, 2025])
def test_assessment_basis_lists_each_document_once(year: int, tmp_path: Path) -> None:
    from generator.carbon.report.sections import render_assessment
    from tests.conftest import copy_sample

    root = copy_sample(tmp_path / "org")
    model = require_model(load_project(Config.for_root(root)))
    markdown = render_assessment(model, year).markdown
    basis = markdown[markdown.index("### A.1.1") : markdown.index("采用的排放因子缺省值来源")]
    items = [line[2:] for line in basis.splitlines() if line.startswith("- ")]
    names = [re.split(r"（", item)[0] for item in items]
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]
    assert any("碳排放权交易管理暂行条例" in i for i in items)
