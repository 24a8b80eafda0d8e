"""Registers (台账) as Word tables and Excel workbooks (render stage).

Each register is a title, columns and rows built from the model and the history (by the
builders in `register_rows.py`); the same rows go to `word/registers/<name>.docx` (landscape
when wide, header row repeated on every page) and `xlsx/<name>.xlsx` (frozen header row,
filter), so the two can never disagree.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document as open_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Length, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

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

__all__ = [
    "PORTRAIT_WIDTH_CM",
    "Register",
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


def register_docx(register: Register, organisation: str, commit: str, template: bytes) -> Any:
    document = open_docx(io.BytesIO(template))
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    section = document.sections[0]
    # measured before turning the page: set_landscape puts the longer side across
    width = text_width(section, longer_side=register.landscape)
    if register.landscape:
        xml.set_landscape(section)
    document.add_paragraph(register.title, style="Title")
    document.add_paragraph(
        f"{organisation}　·　由 cems 从提交 {commit[:12]} 生成　·　共 {len(register.rows)} 条"
    )
    rows = register.rows or (("（无记录）",) + ("",) * (len(register.columns) - 1),)
    table = document.add_table(rows=1 + len(rows), cols=len(register.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    scale = width / Cm(sum(w for _, w in register.columns))
    for c, (_heading, w) in enumerate(register.columns):
        table.columns[c].width = int(Cm(w) * scale)
    for r, values in enumerate(((h for h, _ in register.columns), *rows)):
        row = table.rows[r]
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = int(Cm(register.columns[c][1]) * scale)
            run = cell.paragraphs[0].add_run(value)
            run.font.size = Pt(8.5)
            run.bold = r == 0 or None
        if r == 0:
            xml.repeat_header_row(row)
            for cell in row.cells:
                xml.shade_cell(cell, "E7E6E6")
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{register.title}　第 ")
    xml.add_field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    xml.add_field(footer, "NUMPAGES")
    footer.add_run(" 页")
    document.core_properties.title = register.title
    document.core_properties.subject = "台账"
    xml.set_custom_properties(document, {"cems.register": register.name, "cems.commit": commit})
    return document


def register_xlsx(register: Register, organisation: str, commit: str) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = register.name[:31]
    sheet.append([h for h, _ in register.columns])
    for row in register.rows:
        sheet.append(list(row))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E7E6E6")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for index, (_, width) in enumerate(register.columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = round(width * 4.2, 1)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.title = register.title
    workbook.properties.creator = organisation
    workbook.properties.description = f"由 cems 从提交 {commit} 生成"
    return workbook


def render_registers(
    model: Model, history: History, config: Config, out_dir: Path
) -> list[GeneratedFile]:
    """`word/registers/<name>.docx` and `xlsx/<name>.xlsx` for every register."""
    # The schemas' x-enum-titles give the enum codes their Chinese words.
    schemas = load_schemas(config.schemas_dir, config.root)
    template = reference_bytes(config)
    release = history.latest_release
    when = release.date if release else ""
    organisation, commit = model.organisation.name, history.head_commit
    files = []
    for register in build_registers(model, history, schemas):
        document = register_docx(register, organisation, commit, template)
        workbook = register_xlsx(register, organisation, commit)
        files += write_register(out_dir, register, document, workbook, when)
    return sorted(files)


# A spreadsheet reads text beginning with one of these as a formula (or DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cells(workbook: Workbook) -> None:
    """Every text cell stays text: content such as `=HYPERLINK(...)` or `=cmd|' /C calc'!A0`
    in a note is stored as a string with Excel's quote prefix, never as a live formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def write_register(
    out_dir: Path, register: Register, document: Any, workbook: Workbook, when: str
) -> list[GeneratedFile]:
    """Save a register's Word table and workbook reproducibly; the workbook is keyed
    `register:<record type>` so the site can link it from the register page. No cell of the
    workbook is a formula (`text_cells`)."""
    text_cells(workbook)
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
