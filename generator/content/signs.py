"""Sign rule for monitoring data: a monthly quantity is negative only where that can be true.

Net purchased electricity and heat go below zero in a month when more is exported than
bought; fuel burnt or raw material consumed cannot. A negative reading of such a source would
silently lower the year's total (the carbon analysis flags it only as an anomaly), so it is
a located error at validate time.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from generator.content.load import SourceFile
from generator.core.issues import Issue

NET_CATEGORIES = frozenset({"electricity", "heat"})  # net purchased: exports may exceed imports


def source_categories(emission_sources: list[SourceFile]) -> dict[str, str]:
    """Emission source id -> category, over every year's inventory."""
    categories: dict[str, str] = {}
    for record in emission_sources:
        data = record.data if isinstance(record.data, dict) else {}
        items = data.get("sources")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                categories[item["id"]] = str(item.get("category", ""))
    return categories


def _rows(source: SourceFile) -> list[Any]:
    data = source.data if isinstance(source.data, dict) else {}
    rows = data.get("rows")
    return rows if isinstance(rows, list) else []


def negative_readings(records: dict[str, list[SourceFile]]) -> Iterator[Issue]:
    categories = source_categories(records.get("emission-sources", []))
    for reading in records.get("meter-readings", []):
        for index, row in enumerate(_rows(reading)):
            if not isinstance(row, dict):
                continue
            quantity, source = row.get("quantity"), row.get("source")
            if not isinstance(quantity, int | float | Decimal) or isinstance(quantity, bool):
                continue
            if quantity >= 0:
                continue
            category = categories.get(str(source))
            if category is None or category in NET_CATEGORIES:
                continue  # an unknown source is reported by its reference check
            yield Issue(
                reading.rel,
                reading.line_of(("rows", index, "quantity")),
                f"rows/{index}/quantity",
                f"排放源 {source}（{category}）的月度消耗量不能为负，实际是 {quantity} "
                "(negative consumption)",
                code="RULE-NEGATIVE-READING",
                hint="只有净购入电力、热力（输出多于购入）可以为负；更正读数请改正原来那一行。",
            )
