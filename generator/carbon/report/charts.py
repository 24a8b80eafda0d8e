"""Charts for the Annex A report as deterministic PNG bytes (matplotlib, Agg backend).

Determinism: fixed figure size, dpi and rcParams, `svg.hashsalt`, and PNG metadata without the
software/version stamp, so the same data gives the same bytes. Every label is Chinese (the
report is a controlled document): the CJK font (Noto Sans CJK SC from fonts-noto-cjk, or
another from `CJK_FONTS`) is put first in `font.sans-serif`; `scripts/install-system-deps.sh`
installs it. The figures are built by `*_figure` functions so tests can read their labels.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure

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
COLOURS = {
    "combustion": "#c0504d",
    "process": "#9bbb59",
    "electricity": "#4f81bd",
    "heat": "#f79646",
}


CJK_FILES = ("notosanscjk", "notoserifcjk", "wqy-zenhei", "sourcehansans", "msyh", "simhei")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first CJK font matplotlib knows. Its font cache is written on first use and does
    not notice fonts installed later, so the system's font files are scanned once when the
    cache has none."""
    found = _known_cjk_font()
    if found is None:
        for path in font_manager.findSystemFonts():
            if any(key in Path(path).name.lower() for key in CJK_FILES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = _known_cjk_font()
    return found


def _known_cjk_font() -> str | None:
    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in available), None)


def _rc() -> dict[Any, Any]:
    # Any keys: matplotlib >= 3.11 types rc_context's keys as a Literal of every rcParams name
    # and older releases as str; a dict with str keys matches only the latter (dict is invariant)
    font = cjk_font()
    return {
        "svg.hashsalt": "cems",
        "font.family": ["sans-serif"],
        "font.sans-serif": [font, "DejaVu Sans"] if font else [*CJK_FONTS, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "savefig.dpi": 120,
        "path.simplify": True,
    }


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def monthly_by_category(assessment: Assessment) -> bytes:
    with plt.rc_context(_rc()):
        return _png(monthly_figure(assessment))


def monthly_figure(assessment: Assessment) -> Figure:
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
                [f"{int(m[5:])}月" for m in months],
                values,
                bottom=bottom,
                color=COLOURS[category],
                label=CATEGORY_ZH[category],
            )
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_title(f"{assessment.year} 年各月碳排放量（按类别）")
        ax.set_xlabel("月份")
        ax.set_ylabel("排放量（tCO2）")
        if ax.get_legend_handles_labels()[0]:  # a year with no monthly data has nothing to label
            # below the axis: stacked bars fill the plot up to the top corners
            ax.legend(
                loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4, fontsize=8, frameon=False
            )
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        return fig


def _points(assessment: Assessment) -> tuple[list[str], list[float]]:
    years = [str(h.year) for h in assessment.history if h.intensity is not None]
    values = [float(h.intensity) for h in assessment.history if h.intensity is not None]
    return years, values


def intensity_vs_references(assessment: Assessment) -> bytes:
    with plt.rc_context(_rc()):
        return _png(intensity_figure(assessment))


def intensity_figure(assessment: Assessment) -> Figure:
    """Intensity of each assessed year against the baseline and the advanced values."""
    years, values = _points(assessment)
    unit = assessment.inventory.intensity_unit
    refs: list[tuple[str, Decimal, str]] = []
    baseline = assessment.baseline
    if baseline and baseline.intensity is not None and baseline.intensity_unit == unit:
        refs.append(("基准值", baseline.intensity, "#555555"))
    for advanced in baseline.advanced if baseline else ():
        if advanced.unit == unit:
            name = ADVANCED_ZH_SHORT.get(advanced.kind, "先进值")
            refs.append((name, advanced.intensity, "#2e7d32"))
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(8, 4.2))
        ax.bar([f"{y} 年" for y in years], values, color="#4f81bd", label="碳排放强度", width=0.5)
        styles: Sequence[str | tuple[int, tuple[int, int]]] = ("--", ":", "-.", (0, (5, 1)))
        for index, (name, value, colour) in enumerate(refs):
            ax.axhline(
                float(value),
                color=colour,
                linestyle=styles[index % len(styles)],
                label=f"{name} {value}",  # e.g. 自身最优 4.58
            )
        ax.set_title("碳排放强度与基准值、先进值")
        ax.set_ylabel(f"碳排放强度（{unit}）")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=5, fontsize=8, frameon=False)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        return fig


def render_charts(assessment: Assessment) -> dict[str, bytes]:
    return {
        "emissions-by-month": monthly_by_category(assessment),
        "intensity-vs-baseline": intensity_vs_references(assessment),
    }
