"""A register of thousands of rows: the Word table's rows are written as XML text and the
workbook write-only; what a reader opens is every row, each value as text (never markup, a
field or a formula), merged record cells as before."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from generator.render.tables.spec import Register
from generator.render.tables.writer import register_docx, register_xlsx, write_register
from generator.render.word.body import build_reference

HOSTILE = [
    '<w:fldSimple w:instr="PAGE"/>',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "a\tb\nc",
    " 前后空格 ",
    "&amp; <b>粗</b>",
]


def _register(rows: int) -> Register:
    values = [
        (f"R-{n:05d}", HOSTILE[n % len(HOSTILE)], f"{n * 0.5}", f"第 {n // 3} 组")
        for n in range(rows)
    ]
    return Register(
        "big",
        "大登记表",
        (("编号", 2.0), ("备注", 6.0), ("数量", 2.0), ("记录", 3.0)),
        tuple(values),
        key="big",
        groups=tuple(n // 3 for n in range(rows)),  # three rows per record
        shared=(False, False, False, True),
    )


def _written(tmp_path: Path, register: Register) -> tuple[Path, Path]:
    document = register_docx(register, "示例公司", "f" * 40, build_reference())
    workbook = register_xlsx(register, "示例公司", "f" * 40, numeric=frozenset({2}))
    when = datetime.fromisoformat("2025-02-01T09:30:00+08:00")
    write_register(tmp_path, register, document, workbook, when)
    return tmp_path / "word" / "registers" / "big.docx", tmp_path / "xlsx" / "big.xlsx"


def test_every_row_is_in_the_word_table_as_text(tmp_path: Path) -> None:
    register = _register(3000)
    docx_path, _ = _written(tmp_path, register)
    table = Document(str(docx_path)).tables[0]
    assert len(table.rows) == 3001
    assert [c.text for c in table.rows[0].cells] == ["编号", "备注", "数量", "记录"]
    for n in (0, 3, 4, 5, 6, 1234, 2999):
        cells = table.rows[n + 1].cells
        assert [c.text for c in cells[:3]] == list(register.rows[n][:3])
    with zipfile.ZipFile(docx_path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "<w:fldSimple" not in body and "&lt;w:fldSimple" in body  # escaped, not a field
    assert "<b>" not in body and "&amp;amp; &lt;b&gt;" in body
    assert '<w:t xml:space="preserve"> 前后空格 </w:t>' in body
    assert "<w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t>" in body


def test_a_record_spans_its_rows_in_one_merged_cell(tmp_path: Path) -> None:
    docx_path, _ = _written(tmp_path, _register(9))
    rows = Document(str(docx_path)).tables[0]._tbl.tr_lst
    merges = [tr.tc_lst[3].vMerge for tr in rows[1:]]  # the record's own column
    assert merges == ["restart", "continue", "continue"] * 3
    first = rows[1].tc_lst[3]
    assert "".join(t.text for t in first.iter(qn("w:t"))) == "第 0 组"


def test_every_row_is_in_the_workbook_and_no_cell_is_a_formula(tmp_path: Path) -> None:
    register = _register(3000)
    _, xlsx_path = _written(tmp_path, register)
    sheet = load_workbook(xlsx_path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3001 and rows[0] == ("编号", "备注", "数量", "记录")
    assert rows[4] == ("R-00003", "a\tb\nc", 1.5, "第 1 组")  # the numeric column: numbers
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D3001"
    for row in sheet.iter_rows(min_row=2, max_row=20):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str) and cell.value[:1] in "=+":
                assert cell.quotePrefix and cell.data_type == "s"
    with zipfile.ZipFile(xlsx_path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
