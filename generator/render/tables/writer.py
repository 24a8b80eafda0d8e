"""Registers (台账) as Word tables and Excel workbooks (render stage).

Each register is a title, columns and rows built from the model and the history (by the
generic builder in `rows.py` from the specs in `registers.yaml`); the same rows go to `word/registers/<name>.docx` (landscape
when wide, header row repeated on every page) and `xlsx/<name>.xlsx` (frozen header row,
filter), so the two can never disagree.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docx import Document as open_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Length, Pt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from generator.content.model import Model
from generator.content.schemas import load_schemas
from generator.control.types import History
from generator.core.config import Config
from generator.core.issues import CemsError
from generator.manifest import GeneratedFile, sha256_bytes
from generator.render.tables.rows import build_registers
from generator.render.tables.spec import PORTRAIT_WIDTH_CM, Register, text
from generator.render.word import ooxml as xml
from generator.render.word.copy import reference_bytes
from generator.render.word.reproducible import save_docx, save_xlsx
from generator.render.word.widths import fit_widths, minimum_widths

__all__ = [
    "PORTRAIT_WIDTH_CM",
    "Register",
    "RegisterHeader",
    "register_header",
    "render_registers",
    "text",
    "text_width",
    "write_register",
]


def text_width(section: Section, *, longer_side: bool = False) -> Length:
    """Width between the margins, across the paper or (`longer_side`) along its longer side.
    python-docx gives None for a size the reference document leaves out; Word's fallback for
    it is not defined, so the build stops with a message instead of guessing."""
    width, height = section.page_width, section.page_height
    left, right = section.left_margin, section.right_margin
    if width is None or height is None or left is None or right is None:
        raise CemsError(
            "参考 Word 模板（templates/word/reference.docx）未设置纸张大小或左右页边距 "
            "(reference document has no page size or left/right margins)"
        )
    paper = max(width, height) if longer_side else width
    return Length(paper - left - right)


@dataclass(frozen=True)
class RegisterHeader:
    """What every page of a register's Word copy says about where its rows come from."""

    organisation: str
    commit: str
    date: date | None = None  # the commit's day
    form: str = ""  # the form (记录表单) the records are kept on, e.g. CEMS-F-09
    form_revision: str = ""


FONT_PT = 8.5


def _page_header(section: Section, register: Register, head: RegisterHeader) -> None:
    """Organisation, register, form and data as of which commit, and 第 X 页 共 Y 页."""
    first = section.header.paragraphs[0]
    first.text = ""
    first.add_run(f"{head.organisation}　{register.title}").bold = True
    if head.form:
        revision = f"（{head.form_revision}）" if head.form_revision else ""
        first.add_run(f"　记录表单 {head.form}{revision}")
    second = section.header.add_paragraph()
    when = f"，{head.date}" if head.date else ""
    second.add_run(f"数据截至提交 {head.commit[:12]}{when}　第 ")
    xml.add_field(second, "PAGE")
    second.add_run(" 页 共 ")
    xml.add_field(second, "NUMPAGES")
    second.add_run(" 页")
    for paragraph in (first, second):
        for run in paragraph.runs:
            run.font.size = Pt(9)


def _grouped_rows(register: Register) -> list[tuple[str, ...]]:
    """Rows with a record's own fields blanked after its first row (they are merged)."""
    if not register.groups or not register.shared:
        return list(register.rows)
    rows, previous = [], None
    for group, row in zip(register.groups, register.rows, strict=True):
        if group == previous:
            row = tuple("" if shared else v for v, shared in zip(row, register.shared, strict=True))
        rows.append(row)
        previous = group
    return rows


def _group_spans(register: Register) -> dict[tuple[int, int], int]:
    """(row, column) -> rows spanned: one tall cell per record for its own fields, the rows
    of a group sharing it."""
    if not register.groups or not any(register.shared):
        return {}
    spans, start, groups = {}, 0, register.groups
    for end in range(1, len(groups) + 1):
        if end == len(groups) or groups[end] != groups[start]:
            if end - start > 1:
                for c, shared in enumerate(register.shared):
                    if shared:
                        spans[start, c] = end - start
            start = end
    return spans


def block_layout(register: Register) -> bool:
    """Records whose own fields are long (a plan's measures, resources, evaluation) read as a
    full-width block above their items' rows; columns would squeeze them to a few characters."""
    if not register.groups or not any(register.shared) or all(register.shared):
        return False
    own = sum(w for (_, w), shared in zip(register.columns, register.shared, strict=True) if shared)
    return own > sum(w for _, w in register.columns) / 2


def _add_blocks(document: Any, register: Register, width: int) -> Any:
    """The block layout: per record, one merged row with its fields as `名称：值`, then one row
    per item with the item columns."""
    keep = [c for c, shared in enumerate(register.shared) if not shared]
    own = [c for c, shared in enumerate(register.shared) if shared]
    columns = [register.columns[c] for c in keep]
    items = [tuple(row[c] for c in keep) for row in register.rows]
    widths = fit_widths(
        [w for _, w in columns],
        minimum_widths([[r[i] for r in items] for i in range(len(keep))], FONT_PT),
        width,
    )
    table = document.add_table(rows=1, cols=len(keep))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fill_row(table.rows[0], [h for h, _ in columns], widths, bold=True)
    xml.repeat_header_row(table.rows[0])
    for cell in table.rows[0].cells:
        xml.shade_cell(cell, "E7E6E6")
    previous = None
    for group, row, item in zip(register.groups, register.rows, items, strict=True):
        if group != previous:
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
            paragraph = merged.paragraphs[0]
            for n, c in enumerate(c for c in own if row[c]):
                heading = register.columns[c][0]
                paragraph.add_run(("　" if n else "") + f"{heading}：").bold = True
                paragraph.add_run(row[c])
            for run in paragraph.runs:
                run.font.size = Pt(FONT_PT)
            xml.shade_cell(merged, "F2F2F2")
            previous = group
        if any(item):
            _fill_row(table.add_row(), list(item), widths)
    for c, w in enumerate(widths):
        table.columns[c].width = w
    return table


def _fill_row(row: Any, values: list[str], widths: list[int], bold: bool = False) -> None:
    for cell, value, w in zip(row.cells, values, widths, strict=True):
        cell.width = w
        run = cell.paragraphs[0].add_run(value)
        run.font.size = Pt(FONT_PT)
        run.bold = bold or None


def _widths(register: Register, rows: list[tuple[str, ...]], width: int) -> list[int]:
    columns = [[row[c] for row in rows] for c in range(len(register.columns))]
    preferred = [w for _, w in register.columns]
    return fit_widths(preferred, minimum_widths(columns, FONT_PT), width)


def register_docx(
    register: Register,
    organisation: str,
    commit: str,
    template: bytes,
    header: RegisterHeader | None = None,
) -> Any:
    head = header or RegisterHeader(organisation, commit)
    document = open_docx(io.BytesIO(template))
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    section = document.sections[0]
    # measured before turning the page: set_landscape puts the longer side across
    landscape = register.landscape and not block_layout(register)
    width = text_width(section, longer_side=landscape)
    if landscape:
        xml.set_landscape(section)
    _page_header(section, register, head)
    document.add_paragraph(register.title, style="Title")
    count = f"共 {register.count} 条"
    if register.count != len(register.rows):
        count += f"（{len(register.rows)} 行）"
    document.add_paragraph(f"{organisation}　·　由 cems 从提交 {commit[:12]} 生成　·　{count}")
    if block_layout(register):
        _add_blocks(document, register, width)
        _footer(section, register)
        return _finish(document, register, commit)
    rows = _grouped_rows(register) or [("（无记录）",) + ("",) * (len(register.columns) - 1)]
    table = document.add_table(rows=1, cols=len(register.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _widths(register, rows, width)
    for c, w in enumerate(widths):
        table.columns[c].width = w
    heading = table.rows[0]
    _fill_row(heading, [h for h, _ in register.columns], widths, bold=True)
    xml.repeat_header_row(heading)
    for cell in heading.cells:
        xml.shade_cell(cell, "E7E6E6")
    _footer(section, register)
    # the data rows are written as XML text when the document is saved (thousands of rows
    # as python-docx objects cost minutes and a GiB)
    spans = _group_spans(register) if register.rows else {}
    data_rows = xml.table_rows_xml(rows, widths, FONT_PT, spans)
    return xml.RowsAppended(_finish(document, register, commit), data_rows)


def _footer(section: Section, register: Register) -> None:
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{register.title}　第 ")
    xml.add_field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    xml.add_field(footer, "NUMPAGES")
    footer.add_run(" 页")


def _finish(document: Any, register: Register, commit: str) -> Any:
    document.core_properties.title = register.title
    document.core_properties.subject = "台账"
    xml.set_custom_properties(document, {"cems.register": register.name, "cems.commit": commit})
    return document


def register_header(model: Model, history: History, record_type: str) -> RegisterHeader:
    """The page header of a register: the form its records are kept on, as of HEAD."""
    form = next(
        (d for d in model.documents if d.record_type and d.record_type == record_type), None
    )
    revision = history.control(form.id).revision_label if form else ""
    return RegisterHeader(
        model.organisation.name,
        history.head_commit,
        history.head_date,
        form.id if form else "",
        revision,
    )


def register_xlsx(
    register: Register,
    organisation: str,
    commit: str,
    *,
    numeric: frozenset[int] = frozenset(),
    wrap_heading: bool = False,
) -> Workbook:
    """The register as a write-only workbook: rows go out as they are added, never held as a
    sheet of cell objects (50,000 rows). Values of the `numeric` columns that read as numbers
    become numeric cells; text never becomes a formula (`_cell`)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(register.name[:31])
    for index, (_, width) in enumerate(register.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = round(width * 4.2, 1)
    sheet.freeze_panes = "A2"
    widest = max([len(register.columns), *(len(row) for row in register.rows)])
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(widest, 1))}{len(register.rows) + 1}"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E7E6E6")
    wrap = Alignment(wrap_text=True, vertical="top")
    heading = []
    for title, _ in register.columns:
        cell = _cell(sheet, title, wrap if wrap_heading else None)
        cell.font, cell.fill = bold, fill
        heading.append(cell)
    sheet.append(heading)
    for row in register.rows:
        sheet.append(
            [_cell(sheet, _number(v) if c in numeric else v, wrap) for c, v in enumerate(row)]
        )
    workbook.properties.title = register.title
    workbook.properties.creator = organisation
    workbook.properties.description = f"由 cems 从提交 {commit} 生成"
    return workbook


def _number(value: Any) -> Any:
    """A numeric column's text as an int or float when it reads as one (Excel sums it)."""
    if not isinstance(value, str) or not value:
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if re.fullmatch(r"-?\d+", value) else number


def render_registers(
    model: Model, history: History, config: Config, out_dir: Path
) -> list[GeneratedFile]:
    """`word/registers/<name>.docx` and `xlsx/<name>.xlsx` for every register."""
    # The schemas' x-enum-titles give the enum codes their Chinese words.
    schemas = load_schemas(config.schemas_dir, config.root)
    template = reference_bytes(config)
    release = history.latest_release
    when = release.date if release else None
    organisation, commit = model.organisation.name, history.head_commit
    files = []
    for register in build_registers(model, history, schemas):
        header = register_header(model, history, register.key)
        document = register_docx(register, organisation, commit, template, header)
        workbook = register_xlsx(register, organisation, commit)
        files += write_register(out_dir, register, document, workbook, when)
    return sorted(files)


# A spreadsheet reads text beginning with one of these as a formula (or DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(sheet: Any, value: Any, alignment: Alignment | None) -> WriteOnlyCell:
    """Every text cell stays text: content such as `=HYPERLINK(...)` or `=cmd|' /C calc'!A0`
    in a note is stored as a string with Excel's quote prefix, never as a live formula."""
    cell = WriteOnlyCell(sheet, value)
    if alignment is not None:
        cell.alignment = alignment
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_register(
    out_dir: Path, register: Register, document: Any, workbook: Workbook, when: datetime | None
) -> list[GeneratedFile]:
    """Save a register's Word table and workbook reproducibly; the workbook is keyed
    `register:<record type>` so the site can link it from the register page. No cell of the
    workbook is a formula (`register_xlsx`)."""
    docx_path = out_dir / "word" / "registers" / f"{register.name}.docx"
    xlsx_path = out_dir / "xlsx" / f"{register.name}.xlsx"
    docx_data = save_docx(document, docx_path, when)
    xlsx_data = save_xlsx(workbook, xlsx_path, when)
    return [
        GeneratedFile(
            docx_path.relative_to(out_dir).as_posix(), sha256_bytes(docx_data), status="register"
        ),
        GeneratedFile(
            xlsx_path.relative_to(out_dir).as_posix(),
            sha256_bytes(xlsx_data),
            document_id=f"register:{register.key}",
            status="register",
        ),
    ]
