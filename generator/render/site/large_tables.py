"""Render stage (site): a table with too many rows for a page, shown as a summary.

The limits are data (`resources/data/site-tables.yaml`): above `max_rows` rows, the register
page gives the rows per value of the grouping field (e.g. per month) and the latest rows; the
Excel and Word registers keep every row.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sized
from dataclasses import dataclass
from functools import cache
from typing import Any

from markupsafe import Markup

from generator.core.resources import data_path, parse_data_yaml
from generator.render.site.text import md_table, md_text

Table = Callable[[list[dict[str, Any]]], Markup]


@dataclass(frozen=True)
class Limits:
    max_rows: int
    latest_rows: int
    group_by: tuple[str, ...]


@cache
def limits() -> Limits:
    data = parse_data_yaml(data_path("site-tables.yaml").read_text(encoding="utf-8")) or {}
    return Limits(
        int(data["max_rows"]), int(data["latest_rows"]), tuple(str(k) for k in data["group_by"])
    )


def _natural(value: Any) -> list[Any]:
    """Sort key reading digit runs as numbers: release/9 before release/10."""
    parts: list[Any] = re.split(r"(\d+)", str(value))
    parts[1::2] = [int(p) for p in parts[1::2]]
    return parts


def is_large(rows: Sized) -> bool:
    return len(rows) > limits().max_rows


def summary(
    rows: list[dict[str, Any]], titles: dict[str, str], table: Table, key: str | None = None
) -> Markup:
    """Rows per value of `key` (by default the first of `group_by` the rows have) and the
    latest rows; `table` renders rows as the full table would."""
    settings = limits()
    if key is None:
        key = next((k for k in settings.group_by if any(k in row for row in rows)), None)
    ordered = rows if key is None else sorted(rows, key=lambda r: _natural(r.get(key, "")))
    latest = ordered[-settings.latest_rows :]
    parts = [
        md_text(
            f"共 {len(rows)} 行，网页只显示汇总和最近 {len(latest)} 行；"
            "全部数据见本页的 Excel 登记表下载（Word 登记表同样包含全部行）。"
        )
        + Markup("\n")
    ]
    if key is not None:
        counts = Counter(str(r.get(key, "")) for r in rows)
        heading = titles.get(key, key)
        body = [[value, counts[value]] for value in sorted(counts, key=_natural)]
        parts.append(
            Markup(f"**按{md_text(heading)}汇总**\n\n") + md_table([heading, "行数"], body)
        )
    parts.append(Markup(f"**最近 {len(latest)} 行**\n\n") + table(latest))
    return Markup("\n").join(parts)
