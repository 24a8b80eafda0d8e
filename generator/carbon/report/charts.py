"""Charts for the Annex A report as deterministic PNG bytes (matplotlib, Agg backend).

Determinism: fixed figure size, dpi and rcParams, `svg.hashsalt`, and PNG metadata without the
software/version stamp, so the same data gives the same bytes. Chinese labels need a CJK font:
Noto Sans CJK is looked up through matplotlib's font manager; without one the labels fall back
to English so nothing renders as boxes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager

from generator.carbon.calc.analysis import Assessment
from generator.carbon.calc.inventory import CATEGORIES
from generator.carbon.calc.rounding import ADVANCED_ZH_SHORT, CATEGORY_ZH

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
)
CATEGORY_EN = {
    "combustion": "Combustion",
    "process": "Process",
    "electricity": "Electricity",
    "heat": "Heat",
}
COLOURS = {
    "combustion": "#c0504d",
    "process": "#9bbb59",
    "electricity": "#4f81bd",
    "heat": "#f79646",
}


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in available), None)


def _rc() -> dict[Any, Any]:
    # Any keys: matplotlib >= 3.11 types rc_context's keys as a Literal of every rcParams name
    # and older releases as str; a dict with str keys matches only the latter (dict is invariant)
    font = cjk_font()
    return {
        "svg.hashsalt": "cems",
        "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "savefig.dpi": 120,
        "path.simplify": True,
    }


def _label(zh: str, en: str) -> str:
    return zh if cjk_font() else en


def _png(fig: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def monthly_by_category(assessment: Assessment) -> bytes:
    """Stacked bars: counted emissions per month, one colour per category."""
    table = assessment.inventory.by_month_category
    months = list(table)
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(8, 4.2))
        bottom = [0.0] * len(months)
        for category in CATEGORIES:
            values = [float(table[m][category]) for m in months]
            if not any(values):
                continue
            ax.bar(
                [m[5:] for m in months],
                values,
                bottom=bottom,
                color=COLOURS[category],
                label=_label(CATEGORY_ZH[category], CATEGORY_EN[category]),
            )
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_title(
            _label(
                f"{assessment.year} 年各月碳排放量（按类别）",
                f"Emissions by month, {assessment.year}",
            )
        )
        ax.set_xlabel(_label("月份", "Month"))
        ax.set_ylabel("tCO2")
        if ax.get_legend_handles_labels()[0]:  # a year with no monthly data has nothing to label
            # below the axis: stacked bars fill the plot up to the top corners
            ax.legend(
                loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4, fontsize=8, frameon=False
            )
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        return _png(fig)


def _points(assessment: Assessment) -> tuple[list[str], list[float]]:
    years = [str(h.year) for h in assessment.history if h.intensity is not None]
    values = [float(h.intensity) for h in assessment.history if h.intensity is not None]
    return years, values


def intensity_vs_references(assessment: Assessment) -> bytes:
    """Intensity of each assessed year against the baseline and the advanced values."""
    years, values = _points(assessment)
    unit = assessment.inventory.intensity_unit
    refs: list[tuple[str, Decimal, str]] = []
    baseline = assessment.baseline
    if baseline and baseline.intensity is not None and baseline.intensity_unit == unit:
        refs.append((_label("基准", "Baseline"), baseline.intensity, "#555555"))
    for advanced in baseline.advanced if baseline else ():
        if advanced.unit == unit:
            refs.append(
                (
                    _label(ADVANCED_ZH_SHORT.get(advanced.kind, advanced.kind), advanced.kind),
                    advanced.intensity,
                    "#2e7d32",
                )
            )
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(8, 4.2))
        ax.bar(years, values, color="#4f81bd", label=_label("碳排放强度", "Intensity"), width=0.5)
        styles: Sequence[str | tuple[int, tuple[int, int]]] = ("--", ":", "-.", (0, (5, 1)))
        for index, (name, value, colour) in enumerate(refs):
            ax.axhline(
                float(value),
                color=colour,
                linestyle=styles[index % len(styles)],
                label=f"{name} {value}",
            )
        ax.set_title(
            _label("碳排放强度与基准、先进值", "Intensity vs baseline and advanced values")
        )
        ax.set_ylabel(unit)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=5, fontsize=8, frameon=False)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        return _png(fig)


def render_charts(assessment: Assessment) -> dict[str, bytes]:
    return {
        "emissions-by-month": monthly_by_category(assessment),
        "intensity-vs-baseline": intensity_vs_references(assessment),
    }
