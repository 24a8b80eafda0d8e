"""Record tables: an .xlsx and a Word table for every record type without a dedicated register.

The layout comes from the record type's JSON Schema, not from code: headings are the
schema titles (resolved through `$ref`), columns follow schema order, a single list-of-objects
field (e.g. the monitoring plan's items, the CSV rows) gives one row per item with the
record's own fields repeated. A new record type therefore gets its workbook without any
code change. Files are written exactly like the declared registers (`writer.py`),
whose writers and cell text rules are reused so both kinds of register look alike.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from docx import Document as open_docx

from generator.content.model import Model, Record, RecordType
from generator.content.schemas import SchemaSet, load_schemas
from generator.control.types import History
from generator.core.config import Config
from generator.manifest import GeneratedFile
from generator.render.tables.writer import (
    Register,
    register_docx,
    register_header,
    register_xlsx,
    text,
    text_width,
    write_register,
)
from generator.render.word.copy import reference_bytes

# Record-level fields left out of the tables: the clause list belongs to the record type
# (the site shows it in the page heading) and would only widen every table.
HIDDEN = frozenset({"clauses"})
MIN_WIDTH_CM, MAX_WIDTH_CM = 1.2, 6.0
HEADING_UNITS = 8  # a longer heading wraps rather than widening a column of short values
SHORT_ITEM = 20  # list items longer than this go one per line
NARROW_CM = 2.5  # ids, dates, numbers: kept whole when a wide table is fitted to the page
CM_PER_UNIT = 0.16  # one half-width character at the registers' 8.5 pt
CELL_PADDING_CM = 0.45  # Word's default left and right cell margins, with a little air
_TRAILING_BRACKET = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_UNSAFE = re.compile(r'[\\/:*?"<>|\[\]]')  # not allowed in Windows file or Excel sheet names


# ---- schema -> layout ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]  # keys from the record's data (or from an item, when in_item)
    heading: str
    schema: dict[str, Any]
    in_item: bool = False
    parent: str = ""  # title of the enclosing object or list, to tell apart equal headings

    @property
    def numeric(self) -> bool:
        return self.schema.get("type") in ("number", "integer")


@dataclass(frozen=True)
class Layout:
    columns: tuple[Column, ...]
    rows_key: str  # the list-of-objects field that gives one row per item ("" = per record)


def _is_object_list(prop: dict[str, Any]) -> bool:
    items = prop.get("items")
    return prop.get("type") == "array" and isinstance(items, dict) and items.get("type") == "object"


def _columns(
    key: str, prop: dict[str, Any], prefix: tuple[str, ...], in_item: bool, parent: str
) -> list[Column]:
    """Scalar leaves of one property; nested objects are flattened into their fields."""
    if prop.get("type") == "object" and prop.get("properties"):
        title = str(prop.get("title", key))
        return [
            column
            for child, sub in prop["properties"].items()
            for column in _columns(child, sub, (*prefix, key), in_item, title)
        ]
    return [Column((*prefix, key), str(prop.get("title", key)), prop, in_item, parent)]


def layout_of(schema: dict[str, Any]) -> Layout:
    """Columns of a record type from its (ref-inlined) schema.

    Exactly one list-of-objects field is spread over rows; with several (e.g. a carbon
    assessment's team, factors and opportunities) none is, and each fills one cell, one
    item per line, so no list is multiplied by another.
    """
    props: dict[str, Any] = schema.get("properties", {})
    lists = [k for k, p in props.items() if k not in HIDDEN and _is_object_list(p)]
    rows_key = lists[0] if len(lists) == 1 else ""
    columns: list[Column] = []
    for key, prop in props.items():
        if key in HIDDEN:
            continue
        if key == rows_key:
            title = str(prop.get("title", key))
            for child, sub in prop["items"].get("properties", {}).items():
                columns += _columns(child, sub, (), True, title)
        else:
            columns += _columns(key, prop, (), False, "")
    return Layout(_distinct_headings(columns), rows_key)


def _distinct_headings(columns: list[Column]) -> tuple[Column, ...]:
    """'日期' twice reads badly: qualify nested ones with their parent ('交易·日期')."""
    counts: dict[str, int] = {}
    for column in columns:
        counts[column.heading] = counts.get(column.heading, 0) + 1
    return tuple(
        Column(c.path, f"{c.parent}·{c.heading}", c.schema, c.in_item, c.parent)
        if counts[c.heading] > 1 and c.parent
        else c
        for c in columns
    )


# ---- values --------------------------------------------------------------------------------


def cell_text(model: Model, prop: dict[str, Any], value: Any) -> str:
    """A cell: people and departments by name, enum codes (the schema's `x-enum-titles`) and
    booleans in Chinese, lists joined (objects one per line, as `title：value；…`)."""
    if value is None or value == "":
        return ""
    ref = prop.get("x-ref")
    if ref == "person":
        return model.person_name(str(value))
    if ref == "department":
        return model.department_name(str(value))
    if isinstance(value, list):
        raw_items = prop.get("items")
        items = raw_items if isinstance(raw_items, dict) else {}
        joiner = "\n" if any(isinstance(v, dict) or _is_sentence(v) for v in value) else "、"
        return joiner.join(cell_text(model, items, v) for v in value)
    if isinstance(value, dict):
        props = prop.get("properties", {})
        keys = [k for k in props if k in value] + sorted(k for k in value if k not in props)
        return "；".join(
            f"{props.get(k, {}).get('title', k)}：{cell_text(model, props.get(k, {}), value[k])}"
            for k in keys
        )
    return text(value, prop)  # enum codes through the schema's x-enum-titles


def _is_sentence(value: Any) -> bool:
    """Sentences (a list of problems, say) read better one per line than run together."""
    return isinstance(value, str) and (len(value) > SHORT_ITEM or value.endswith("。"))


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _row(model: Model, layout: Layout, data: dict[str, Any], item: Any) -> tuple[str, ...]:
    return tuple(
        cell_text(model, c.schema, _get(item if c.in_item else data, c.path))
        for c in layout.columns
    )


def _sort_key(item: Any) -> tuple[str, str]:
    item = item if isinstance(item, dict) else {}
    return (str(item.get("month", "")), str(item.get("source", "")))


def table_rows(model: Model, layout: Layout, records: tuple[Record, ...]) -> list[tuple[str, ...]]:
    """One row per record, or per item of the spread list (a record without items keeps one
    row). CSV tables are one register across files: rows sorted by month, then source."""
    return [row for _group, row in grouped_rows(model, layout, records)]


def grouped_rows(
    model: Model, layout: Layout, records: tuple[Record, ...]
) -> list[tuple[int, tuple[str, ...]]]:
    """(record number, row) for `table_rows`: the rows of a record's spread list share it."""
    if records and all(r.is_table for r in records):
        items = [i for r in records for i in r.data.get(layout.rows_key) or []]
        ordered = sorted(items, key=_sort_key)
        return [(n, _row(model, layout, {}, i)) for n, i in enumerate(ordered)]
    rows = []
    for number, record in enumerate(records):
        items = (record.data.get(layout.rows_key) or []) if layout.rows_key else []
        for item in items or [None]:
            rows.append((number, _row(model, layout, record.data, item)))
    return rows


# ---- register ------------------------------------------------------------------------------


def _units(value: str) -> int:
    """Display width of the longest line, counting CJK/full-width characters double."""
    lines = value.split("\n") or [""]
    return max(sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) for line in lines)


def _width(heading: str, cells: list[str]) -> float:
    units = max([min(_units(heading), HEADING_UNITS), *(_units(c) for c in cells)])
    return round(min(max(units * CM_PER_UNIT + CELL_PADDING_CM, MIN_WIDTH_CM), MAX_WIDTH_CM), 1)


def fit_columns(
    columns: tuple[tuple[str, float], ...], limit_cm: float
) -> tuple[tuple[str, float], ...]:
    """Word scales every column to the page; squeezing a date to a third of its width breaks
    it over three lines, so the text columns give up their width first."""
    total = sum(w for _, w in columns)
    narrow = sum(w for _, w in columns if w <= NARROW_CM)
    if total <= limit_cm or total == narrow:
        return columns
    scale = max(limit_cm - narrow, 0.0) / (total - narrow)
    return tuple(
        (h, w if w <= NARROW_CM else round(max(w * scale, NARROW_CM), 1)) for h, w in columns
    )


def page_width_cm(template: bytes) -> float:
    """Text width of the reference document's page turned to landscape."""
    section = open_docx(io.BytesIO(template)).sections[0]
    return float(text_width(section, longer_side=True).cm)


def file_name(title: str) -> str:
    """The register's file stem: the record type's title without a trailing bracket part."""
    plain = _TRAILING_BRACKET.sub("", title).strip() or title
    return _UNSAFE.sub("_", plain)


def record_table(
    model: Model, record_type: RecordType, schema: dict[str, Any], name: str = ""
) -> tuple[Register, Layout]:
    layout = layout_of(schema)
    grouped = grouped_rows(model, layout, model.records_of(record_type.name))
    rows = [row for _, row in grouped]
    columns = tuple(
        (c.heading, _width(c.heading, [row[i] for row in rows]))
        for i, c in enumerate(layout.columns)
    )
    name = name or file_name(record_type.title)
    register = Register(
        name,
        record_type.title,
        columns,
        tuple(rows),
        key=record_type.name,
        groups=tuple(g for g, _ in grouped) if layout.rows_key else (),
        shared=tuple(not c.in_item for c in layout.columns) if layout.rows_key else (),
    )
    return register, layout


def build_record_tables(
    model: Model, schemas: SchemaSet, skip: set[str]
) -> Iterator[tuple[Register, Layout]]:
    """A register for every record type not in `skip`, with unique file names."""
    used: set[str] = set()
    for record_type in model.record_types:
        schema = schemas.records.get(record_type.name)
        if record_type.name in skip or schema is None:
            continue
        name = file_name(record_type.title)
        if name in used:  # two titles differing only in their bracket part
            name = f"{name}_{record_type.name}"
        used.add(name)
        yield record_table(model, record_type, schemas.inlined(schema), name)


def render_record_tables(
    model: Model, history: History, config: Config, out_dir: Path, *, skip: set[str]
) -> list[GeneratedFile]:
    """`word/registers/<name>.docx` and `xlsx/<name>.xlsx` for every record type that has
    no dedicated register (`skip`: the dedicated registers' keys)."""
    schemas = load_schemas(config.schemas_dir, config.root)
    template = reference_bytes(config)
    release = history.latest_release
    when = release.date if release else None
    organisation, commit = model.organisation.name, history.head_commit
    files = []
    fit = page_width_cm(template)
    for register, layout in build_record_tables(model, schemas, skip):
        # Word tables narrow their text columns to the page; Excel keeps natural widths
        page = replace(register, columns=fit_columns(register.columns, fit))
        header = register_header(model, history, register.key)
        document = register_docx(page, organisation, commit, template, header)
        # numeric schema fields become numeric cells (Excel sums and sorts them); headings
        # wrap, as columns are sized to their values
        numeric = frozenset(i for i, c in enumerate(layout.columns) if c.numeric)
        workbook = register_xlsx(register, organisation, commit, numeric=numeric, wrap_heading=True)
        files += write_register(out_dir, register, document, workbook, when)
    return sorted(files)
