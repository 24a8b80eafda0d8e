"""The blank form (空白记录表单) in the Word copy of a form document, from its record schema.

A form document (kind `form`, with a `record_type`) describes how a record is kept; on paper it
must be the form a person fills in. Its Word copy therefore prints, in place of the Markdown's
field list (which names YAML keys for editors), a blank form built from the record type's JSON
Schema: the form's number and revision, every field under its Chinese title with space to
write, enum fields as tick boxes with the schema's Chinese words (`x-enum-titles`), nested
objects as their own block, and lists of objects (a plan's milestones, CSV rows) as a grid
with empty rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt

from generator.render.word import ooxml as xml

HIDDEN = frozenset({"clauses"})  # the record type's clauses are printed in the form's header
GRID_ROWS, CSV_ROWS = 5, 15
GRID_COLUMNS = 7  # an item with more fields is printed as a block per item, not a grid
ITEM_BLOCKS = 2
LONG_TEXT_LINES = 3
FIELD_SECTION = re.compile(r"^##\s+(?:(\d+)\s+)?字段说明\s*$", re.MULTILINE)


@dataclass(frozen=True)
class FormField:
    label: str
    kind: str  # line | text | date | month | choice | number
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormPart:
    """A block of labelled fields, or (with `columns`) a grid of `rows` empty rows."""

    title: str
    fields: tuple[FormField, ...] = ()
    columns: tuple[str, ...] = ()
    rows: int = 0


@dataclass(frozen=True)
class BlankForm:
    title: str
    parts: tuple[FormPart, ...]


def _field(prop: Mapping[str, Any], key: str) -> FormField:
    label = str(prop.get("title", key))
    titles = prop.get("x-enum-titles")
    if isinstance(titles, Mapping) and prop.get("enum"):
        return FormField(label, "choice", tuple(str(titles.get(str(v), v)) for v in prop["enum"]))
    if prop.get("type") == "boolean":
        return FormField(label, "choice", ("是", "否"))
    if prop.get("format") == "date" or "YYYY-MM-DD" in str(prop.get("description", "")):
        return FormField(label, "date")
    if "YYYY-MM" in str(prop.get("description", "")):
        return FormField(label, "month")
    if prop.get("type") in ("number", "integer"):
        return FormField(label, "number")
    short = prop.get("pattern") or prop.get("x-ref") or prop.get("maxLength", 99) < 40
    return FormField(label, "line" if short else "text")


def _is_object_list(prop: Mapping[str, Any]) -> bool:
    items = prop.get("items")
    return prop.get("type") == "array" and isinstance(items, Mapping) and "properties" in items


def blank_form(schema: Mapping[str, Any]) -> BlankForm:
    """The blank form of a record type from its ref-inlined schema."""
    props: Mapping[str, Any] = schema.get("properties") or {}
    csv = schema.get("x-format") == "csv"
    main: list[FormField] = []
    parts: list[FormPart] = []
    for key, prop in props.items():
        if key in HIDDEN or not isinstance(prop, Mapping):
            continue
        title = str(prop.get("title", key))
        if _is_object_list(prop):
            item_props = prop["items"]["properties"]
            columns = tuple(str(p.get("title", k)) for k, p in item_props.items())
            fields = tuple(_field(p, k) for k, p in item_props.items())
            rows = CSV_ROWS if csv else GRID_ROWS
            parts.append(FormPart(title, fields, columns=columns, rows=rows))
        elif prop.get("type") == "object" and prop.get("properties"):
            fields = tuple(_field(p, k) for k, p in prop["properties"].items())
            parts.append(FormPart(title, fields))
        elif prop.get("type") == "array":
            main.append(FormField(title, "text"))
        else:
            main.append(_field(prop, key))
    if main:
        parts.insert(0, FormPart("", tuple(main)))
    return BlankForm(str(schema.get("title", "")), tuple(parts))


# ---- Word ----------------------------------------------------------------------------------


def _blank(field: FormField) -> str:
    if field.kind == "choice":
        return "　".join(f"□ {option}" for option in field.options)
    if field.kind == "date":
        return "　　　　年　　月　　日"
    if field.kind == "month":
        return "　　　　年　　月"
    return ""


def _cell_text(cell: Any, text: str, *, bold: bool = False, size: float = 10) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.font.size = Pt(size)


def _fields_table(document: Any, part: FormPart, width: int) -> None:
    table = document.add_table(rows=len(part.fields), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    label_width = min(int(Cm(4.2)), width // 3)
    for row, field in zip(table.rows, part.fields, strict=True):
        label, blank = row.cells
        label.width, blank.width = label_width, width - label_width
        _cell_text(label, field.label, bold=True)
        xml.shade_cell(label, "F2F2F2")
        _cell_text(blank, _blank(field))
        for _ in range(LONG_TEXT_LINES - 1 if field.kind == "text" else 0):
            blank.add_paragraph()
        xml.no_split_row(row)
    for column, w in zip(table.columns, (label_width, width - label_width), strict=True):
        column.width = w


def _grid_table(document: Any, part: FormPart, width: int) -> None:
    columns = len(part.columns) + 1
    table = document.add_table(rows=1 + part.rows, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    number_width = int(Cm(1.3))
    other = (width - number_width) // max(columns - 1, 1)
    widths = [number_width] + [other] * (columns - 1)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.width = widths[c]
            if r == 0:
                _cell_text(cell, "序号" if c == 0 else part.columns[c - 1], bold=True, size=9)
                xml.shade_cell(cell, "E7E6E6")
            elif c == 0:
                _cell_text(cell, str(r), size=9)
        if r == 0:
            xml.repeat_header_row(row)
        else:
            row.height = Cm(0.8)
    for column, w in zip(table.columns, widths, strict=True):
        column.width = w


def add_blank_form(document: Any, form: BlankForm, form_id: str, revision: str, width: int) -> None:
    """The blank form: its title, number and revision, then its blocks and grids."""
    document.add_paragraph(form.title, style="Title")
    line = document.add_paragraph()
    line.add_run(f"表单编号：{form_id}　版本/修改状态：{revision}　记录编号：")
    line.add_run("＿" * 10)
    for part in form.parts:
        if part.columns and len(part.columns) > GRID_COLUMNS:
            for n in range(1, ITEM_BLOCKS + 1):  # copy the page for more items
                document.add_paragraph(f"{part.title}（第 {n} 项）", style="Heading 3")
                _fields_table(document, part, width)
            continue
        if part.title:
            document.add_paragraph(part.title, style="Heading 3")
        if part.columns:
            _grid_table(document, part, width)
        else:
            _fields_table(document, part, width)
    document.add_paragraph()
    signature = document.add_paragraph()
    signature.add_run(
        "填写人：＿＿＿＿＿＿　　审核人：＿＿＿＿＿＿　　日期：　　　　年　　月　　日"
    )


def split_field_section(body: str) -> tuple[str, str, str] | None:
    """(before, the section's heading number, after) around the body's `## N 字段说明`
    section, which the blank form replaces in the Word copy; None without one."""
    match = FIELD_SECTION.search(body)
    if match is None:
        return None
    rest = body[match.end() :]
    following = re.search(r"^##\s", rest, re.MULTILINE)
    after = rest[following.start() :] if following else ""
    return body[: match.start()], match.group(1) or "", after
