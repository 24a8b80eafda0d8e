"""Record tables: every record type without a dedicated register gets an .xlsx and a Word
table laid out from its schema (titles in Chinese, people by name, one row per item)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from generator.content.model import Model
from generator.content.project import load_project, require_model
from generator.control.types import History
from generator.core.config import Config
from generator.render.tables.records import (
    build_record_tables,
    cell_text,
    file_name,
    render_record_tables,
)
from generator.render.tables.rows import build_registers
from generator.render.word.widths import text_width

CJK = re.compile(r"[\u4e00-\u9fff]")
VISITS_SCHEMA = """{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "来访登记（试行）",
  "type": "object",
  "required": ["id", "title", "date"],
  "properties": {
    "id": {"$ref": "../common.schema.json#/$defs/id", "title": "记录编号"},
    "title": {"type": "string", "title": "记录名称"},
    "date": {"$ref": "../common.schema.json#/$defs/date", "title": "记录日期"},
    "host": {"$ref": "../common.schema.json#/$defs/personRef", "title": "接待人"},
    "escorted": {"type": "boolean", "title": "全程陪同"},
    "place": {"type": "object", "title": "地点",
              "properties": {"building": {"type": "string", "title": "楼栋"}}},
    "visitors": {"type": "array", "title": "来访人员",
                 "items": {"type": "object", "properties": {
                   "name": {"type": "string", "title": "姓名"},
                   "department": {"$ref": "../common.schema.json#/$defs/departmentRef",
                                  "title": "对口部门"}}}}
  },
  "additionalProperties": false
}
"""
VISIT = """id: VIS-2025-01
title: 核查机构现场核查
date: "2025-03-10"
host: chen-xiaoyu
escorted: true
place: {building: 办公楼}
visitors:
  - {name: 王核查, department: energy-env}
  - {name: 李核查, department: production}
"""


def _setup(root: Path) -> tuple[Model, Any, set[str]]:
    project = load_project(Config.for_root(root))
    model = require_model(project)
    skip = {r.key for r in build_registers(model, History(""))}
    return model, project.schemas, skip


def _render(root: Path, out: Path) -> list[Any]:
    model, _schemas, skip = _setup(root)
    return render_record_tables(model, History(""), Config.for_root(root), out, skip=skip)


def _sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    return list(load_workbook(path).active.iter_rows(values_only=True))


def _title(model: Model, record_type: str) -> str:
    found = model.record_type(record_type)
    assert found is not None
    return found.title


def test_every_other_record_type_gets_a_workbook_and_a_word_table(
    sample_copy: Path, tmp_path: Path
) -> None:
    model, _schemas, skip = _setup(sample_copy)
    out = tmp_path / "out"
    files = render_record_tables(model, History(""), Config.for_root(sample_copy), out, skip=skip)
    wanted = [t for t in model.record_types if t.name not in skip]
    assert {"monitoring-plan", "communications", "meter-readings", "production"} <= {
        t.name for t in wanted
    }
    by_path = {f.path: f for f in files}
    assert len(files) == 2 * len(wanted)
    person_ids = {p.id for p in model.organisation.people}
    department_ids = {d.id for d in model.organisation.departments}
    for record_type in wanted:
        name = file_name(record_type.title)
        xlsx = by_path[f"xlsx/{name}.xlsx"]
        assert xlsx.document_id == f"register:{record_type.name}" and xlsx.status == "register"
        assert by_path[f"word/registers/{name}.docx"].status == "register"
        rows = _sheet_rows(out / xlsx.path)
        header = rows[0]
        assert all(CJK.search(str(h)) for h in header), (record_type.name, header)
        cells = {c for row in rows[1:] for c in row if isinstance(c, str)}
        assert not cells & (person_ids | department_ids), record_type.name
        table = Document(str(out / "word/registers" / f"{name}.docx")).tables[0]
        headings = tuple(c.text for c in table.rows[0].cells)
        if headings != header:  # block layout: a record's own fields in one row per record
            text = "\n".join(c.text for r in table.rows[1:] for c in r.cells)
            assert set(headings) < set(header) and "：" in text, record_type.name
        tr_pr = table.rows[0]._tr.trPr
        assert tr_pr is not None
        assert tr_pr.find(qn("w:tblHeader")) is not None  # repeats per page
        # an empty register says so in one row; the block layout adds a row per record
        if headings == header:
            assert len(table.rows) == max(len(rows), 2), record_type.name
        else:  # header + one block per record + its items' rows
            records = len(model.records_of(record_type.name))
            assert records + 1 < len(table.rows) <= len(rows) + records, record_type.name
    for key in skip:  # the dedicated registers are not duplicated
        assert not any(f.document_id == f"register:{key}" for f in files)


def test_plain_records_one_row_each_with_names_and_chinese_codes(
    sample_copy: Path, tmp_path: Path
) -> None:
    model = _setup(sample_copy)[0]
    out = tmp_path / "out"
    _render(sample_copy, out)
    assert file_name(_title(model, "communications")) == "碳排放信息交流记录"
    rows = _sheet_rows(out / "xlsx/碳排放信息交流记录.xlsx")
    assert rows[0] == (
        "记录编号",
        "记录名称",
        "记录日期",
        "类型",
        "所涉年度",
        "交流对象",
        "方向",
        "内容摘要",
        "人员",
        "报告排放量（tCO2）",
    )
    assert len(rows) - 1 == len(model.records_of("communications"))
    report = next(r for r in rows if r[0] == "COM-2025-01")
    assert report[3:5] == ("二氧化碳排放报告", 2024)
    assert report[6] == "报出" and report[8] == "陈晓宇"
    assert report[9] == pytest.approx(57438.1)  # a number Excel can sum, not text


def test_a_list_of_objects_gives_one_row_per_item(sample_copy: Path, tmp_path: Path) -> None:
    model = _setup(sample_copy)[0]
    out = tmp_path / "out"
    _render(sample_copy, out)
    rows = _sheet_rows(out / f"xlsx/{file_name(_title(model, 'allowance-compliance'))}.xlsx")
    header = rows[0]
    assert header.index("交易·日期") < header.index("方向") < header.index("品种")
    assert "日期" in header  # the record's own surrender date keeps its plain title
    records = model.records_of("allowance-compliance")
    assert len(rows) - 1 == sum(max(1, len(r.data.get("trades") or [])) for r in records)
    sells = [r for r in rows[1:] if r[header.index("方向")] == "卖出"]
    assert sells and all(
        r[header.index("品种")] in ("配额", "国家核证自愿减排量（CCER）") for r in sells
    )
    assert {r[header.index("是否按期履约")] for r in rows[1:]} <= {"是", "否"}
    assert {r[header.index("履约管理部门")] for r in rows[1:]} == {"能源环保部"}

    plan = _sheet_rows(out / "xlsx/监测计划.xlsx")
    plans = model.records_of("monitoring-plan")  # one plan a year (MP-2024, MP-2025)
    items = [i for p in plans for i in p.data["items"]]
    assert plan[0][3:8] == ("监测内容", "责任部门", "监测形式", "监测频率", "记录形式")
    assert sorted(r[3] for r in plan[1:]) == sorted(i["content"] for i in items)
    dates = {p.id: p.date_text for p in plans}
    assert all(r[0] in dates and r[2] == dates[r[0]] for r in plan[1:])


def test_csv_tables_merge_files_sorted_by_month_and_source(
    sample_copy: Path, tmp_path: Path
) -> None:
    model = _setup(sample_copy)[0]
    out = tmp_path / "out"
    _render(sample_copy, out)
    name = file_name(_title(model, "meter-readings"))
    assert name == "碳排放监测记录"
    rows = _sheet_rows(out / f"xlsx/{name}.xlsx")
    assert rows[0][:6] == ("月份", "排放源", "净消耗量", "单位", "计量器具编号", "人员")
    total = sum(len(r.data["rows"]) for r in model.records_of("meter-readings"))
    assert len(rows) - 1 == total and total > 100
    keys = [(r[0], r[1]) for r in rows[1:]]
    assert keys == sorted(keys) and keys[0][0].startswith("2024-")
    assert all(isinstance(r[2], (int, float)) for r in rows[1:])
    assert "徐刚" in {r[5] for r in rows[1:]}
    production = _sheet_rows(out / f"xlsx/{file_name(_title(model, 'production'))}.xlsx")
    assert production[0][:2] == ("月份", "数量")  # neutral: output, area or service volume
    assert [r[0] for r in production[1:]] == sorted(r[0] for r in production[1:])


def test_rebuild_gives_identical_bytes(sample_copy: Path, tmp_path: Path) -> None:
    first = _render(sample_copy, tmp_path / "a")
    second = _render(sample_copy, tmp_path / "b")
    assert first == second and first
    for generated in first:
        a = (tmp_path / "a" / generated.path).read_bytes()
        assert a == (tmp_path / "b" / generated.path).read_bytes(), generated.path


def test_a_new_record_type_needs_no_code(sample_copy: Path, tmp_path: Path) -> None:
    schemas = sample_copy / "schemas" / "records"
    (schemas / "visits.schema.json").write_text(VISITS_SCHEMA, encoding="utf-8")
    (sample_copy / "records" / "visits").mkdir()
    (sample_copy / "records" / "visits" / "VIS-2025-01.yaml").write_text(VISIT, encoding="utf-8")
    out = tmp_path / "out"
    files = _render(sample_copy, out)
    visits = next(f for f in files if f.document_id == "register:visits")
    assert visits.path == "xlsx/来访登记.xlsx"  # the bracket part is dropped
    rows = _sheet_rows(out / visits.path)
    assert rows == [
        ("记录编号", "记录名称", "记录日期", "接待人", "全程陪同", "楼栋", "姓名", "对口部门"),
        (
            "VIS-2025-01",
            "核查机构现场核查",
            "2025-03-10",
            "陈晓宇",
            "是",
            "办公楼",
            "王核查",
            "能源环保部",
        ),
        (
            "VIS-2025-01",
            "核查机构现场核查",
            "2025-03-10",
            "陈晓宇",
            "是",
            "办公楼",
            "李核查",
            "生产部",
        ),
    ]


def test_a_record_type_without_records_still_gets_its_header(
    sample_copy: Path, tmp_path: Path
) -> None:
    for path in (sample_copy / "records" / "communications").iterdir():
        path.unlink()
    out = tmp_path / "out"
    _render(sample_copy, out)
    rows = _sheet_rows(out / "xlsx/碳排放信息交流记录.xlsx")
    assert len(rows) == 1 and rows[0][0] == "记录编号"
    table = Document(str(out / "word/registers/碳排放信息交流记录.docx")).tables[0]
    assert table.rows[1].cells[0].text == "（无记录）"


def test_every_enum_code_has_a_chinese_label(sample_copy: Path) -> None:
    model, schemas, skip = _setup(sample_copy)
    registers = list(build_record_tables(model, schemas, skip))
    assert registers
    for name in {r.key for r, _layout in registers}:
        schema = schemas.records[name]
        resolved = schemas.inlined(schema)
        for prop in _enum_props(resolved):
            for code in prop["enum"]:
                if isinstance(code, str) and re.fullmatch(r"[a-z][a-z_]+", code):
                    assert CJK.search(cell_text(model, prop, code)), (name, code)


def _enum_props(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [p for v in node for p in _enum_props(v)]
    if not isinstance(node, dict):
        return []
    found = [node] if isinstance(node.get("enum"), list) else []
    return found + [p for v in node.values() for p in _enum_props(v)]


def test_wide_tables_give_up_text_width_before_dates(sample_copy: Path, tmp_path: Path) -> None:
    model = _setup(sample_copy)[0]
    out = tmp_path / "out"
    _render(sample_copy, out)
    name = file_name(_title(model, "allowance-compliance"))
    sheet = load_workbook(out / f"xlsx/{name}.xlsx").active
    header = [c.value for c in sheet[1]]
    date, note = header.index("记录日期"), header.index("履约成本与时机说明")

    def excel(i: int) -> float:
        return float(sheet.column_dimensions[sheet.cell(1, i + 1).column_letter].width)

    assert excel(note) > 2.5 * excel(date)  # Excel keeps the natural widths
    # Word: a record with transactions prints its own long fields once, as a full-width
    # block above its transactions (writer.block_layout), so no column squeezes the note
    document = Document(str(out / f"word/registers/{name}.docx"))
    table = document.tables[0]
    blocks = [r for r in table.rows if len({id(c._tc) for c in r.cells}) == 1]
    assert blocks and any("履约成本与时机说明：" in r.cells[0].text for r in blocks)
    # every register kept in columns gives its dates their full width
    for path in sorted((out / "word/registers").glob("*.docx")):
        table = Document(str(path)).tables[0]
        heads = [c.text for c in table.rows[0].cells]
        if "记录日期" in heads:
            width = table.columns[heads.index("记录日期")].width
            assert width >= text_width("2025-03-31", 8.5), path.name


def test_enum_words_come_from_the_property_schema(sample_copy: Path, tmp_path: Path) -> None:
    """A new record type's codes read in its own words: `inspection` is 执法检查 here, though
    the communications schema calls its `inspection` 执法监查; no table in code is involved."""
    purpose = (
        '"purpose": {"type": "string", "title": "来访目的", '
        '"enum": ["verification", "inspection"], '
        '"x-enum-titles": {"verification": "第三方核查", "inspection": "执法检查"}},\n    '
    )
    schema = VISITS_SCHEMA.replace('"host":', purpose + '"host":')
    schemas = sample_copy / "schemas" / "records"
    (schemas / "visits.schema.json").write_text(schema, encoding="utf-8")
    folder = sample_copy / "records" / "visits"
    folder.mkdir()
    (folder / "VIS-2025-01.yaml").write_text(VISIT + "purpose: inspection\n", encoding="utf-8")
    (folder / "VIS-2025-02.yaml").write_text(
        VISIT.replace("VIS-2025-01", "VIS-2025-02") + "purpose: verification\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    _render(sample_copy, out)
    rows = _sheet_rows(out / "xlsx/来访登记.xlsx")
    column = rows[0].index("来访目的")
    assert [r[column] for r in rows[1:]] == ["执法检查", "执法检查", "第三方核查", "第三方核查"]
    model = _setup(sample_copy)[0]
    bare = {"type": "string", "enum": ["inspection"]}  # no titles: the code stays as written
    assert cell_text(model, bare, "inspection") == "inspection"
    assert (
        cell_text(model, {**bare, "x-enum-titles": {"inspection": "检查"}}, "inspection") == "检查"
    )
