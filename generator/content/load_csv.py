"""CSV records: a table read as {"rows": [...]}, each cell typed by its schema's property type,
every row located by its line (a quoted field may span lines)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.content.load import (
    BOOLEAN_WORDS,
    DECIMAL_TEXT,
    INTEGER_TEXT,
    ParseMemo,
    SourceFile,
    parsed_with_memo,
    read_into,
)
from generator.core.issues import Issue


def _coerce(value: str, types: Any) -> Any:
    """Turn a CSV cell into the JSON type its schema expects; leave it as text if it is not."""
    if value == "":
        return None
    kinds = types if isinstance(types, list) else [types]
    for kind in kinds:
        if kind == "integer" and INTEGER_TEXT.match(value):
            return int(value)
        if kind == "number" and (INTEGER_TEXT.match(value) or DECIMAL_TEXT.match(value)):
            return Decimal(value) if not INTEGER_TEXT.match(value) else int(value)
        if kind == "boolean" and value in BOOLEAN_WORDS:
            return BOOLEAN_WORDS[value]
    return value


def load_csv_file(
    path: Path, rel: str, row_schema: dict[str, Any] | None, memo: ParseMemo | None = None
) -> SourceFile:
    """Read a CSV as {"rows": [...]}; each row typed by its schema's property types."""
    source = SourceFile(rel=rel, kind="csv")
    if not read_into(source, path):
        return source
    props = (row_schema or {}).get("properties", {})
    types = json.dumps(
        {
            name: kind.get("type") if isinstance(kind, dict) else None
            for name, kind in props.items()
        },
        sort_keys=True,
        default=str,
    )
    return parsed_with_memo(source, lambda found: _parse_csv(found, props), memo, types)


def _parse_csv(source: SourceFile, props: dict[str, Any]) -> SourceFile:
    rel = source.rel
    reader = csv.reader(io.StringIO(source.text, newline=""))
    rows: list[dict[str, Any]] = []
    source.positions[()] = 1
    try:  # (line, cells) of every record; a quoted field may span lines
        table = [(reader.line_num, cells) for cells in reader]
    except csv.Error as error:  # e.g. a field over the csv module's 128 KiB limit
        source.issues.append(
            Issue(
                rel,
                reader.line_num or 1,
                "",
                f"CSV 无法解析 (cannot parse CSV): {error}",
                code="CSV-PARSE",
                hint="检查引号是否配对、单元格是否异常长。",
            )
        )
        return source
    if not table:
        source.data = {"rows": rows}
        return source
    header = [h.strip() for h in table[0][1]]
    # each column's distinct cells are typed once (the values are immutable: shared)
    columns: list[tuple[str, Any, dict[str, Any]]] = [
        (name, props.get(name, {}).get("type", "string"), {}) for name in header
    ]
    # a cell's line is its row's: `line_of(("rows", i, name))` finds it at ("rows", i)
    for index, (line, cells) in enumerate(table[1:]):
        row: dict[str, Any] = {}
        for (name, types, typed), cell in zip(columns, cells, strict=False):
            if cell in typed:
                value = typed[cell]
            else:
                value = typed[cell] = _coerce(cell.strip(), types)
            if value is not None:
                row[name] = value
        if len(cells) != len(header):
            source.issues.append(
                Issue(
                    rel,
                    line,
                    f"rows/{index}",
                    f"这一行有 {len(cells)} 列，表头有 {len(header)} 列 (column count mismatch)",
                    code="CSV-COLUMNS",
                )
            )
        source.positions[("rows", index)] = line
        rows.append(row)
    source.data = {"rows": rows}
    return source
