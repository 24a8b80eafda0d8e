"""Registers as .docx and .xlsx: same rows in both, landscape when wide, header repeated."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

from generator.content.schemas import load_schemas
from generator.core.config import Config
from generator.render.tables.rows import build_registers
from generator.render.tables.writer import render_registers
from tests.support.fake_history import load_model, make_root, released_history
from tests.support.paths import SAMPLE

CJK = re.compile(r"[\u4e00-\u9fff]")

NC = """id: NC-2024-01
title: 燃气表超期未检
date: "2024-10-12"
origin: internal_audit
clause: "7.2"
department: facilities
type: actual
description: 锅炉燃气流量计 FT-NG-B1 检定证书过期 2 个月。
cause: 检定计划未纳入新装表计。
action: 送检并更新检定计划。
owner: guo-peng
due: "2024-11-30"
status: closed
closed: "2024-11-20"
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = make_root(tmp_path / "org")
    for part in ("emission-sources", "calibration"):
        source = SAMPLE / "records" / part
        if not source.is_dir():
            pytest.skip(f"sample records/{part} missing")
        shutil.copytree(source, root / "records" / part)
    (root / "records" / "nonconformities").mkdir(parents=True)
    (root / "records" / "nonconformities" / "NC-2024-01.yaml").write_text(NC, encoding="utf-8")
    return root


def test_all_registers_written_as_docx_and_xlsx(root: Path, tmp_path: Path) -> None:
    model = load_model(root)
    out = tmp_path / "out"
    files = render_registers(model, released_history(model), Config.for_root(root), out)
    paths = {f.path for f in files}
    for name in (
        "受控文件清单",
        "碳排放源清单",
        "不符合和纠正措施台账",
        "文件发放回收登记表",
        "法律法规清单与合规性评价",
        "目标和指标",
        "计量器具检定校准台账",
        "培训台账",
        "内部审核台账",
        "管理评审台账",
    ):
        assert f"word/registers/{name}.docx" in paths and f"xlsx/{name}.xlsx" in paths

    documents = load_workbook(out / "xlsx/受控文件清单.xlsx").active
    rows = list(documents.iter_rows(values_only=True))
    assert rows[0][:5] == ("文件编号", "文件名称", "类别", "版本/修改状态", "生效日期")
    assert rows[1][:6] == (
        "CEMS-QP-04",
        "文件和记录控制程序",
        "程序文件",
        "A/1",
        "2024-09-10",
        "有效",
    )
    assert documents.freeze_panes == "A2"

    capa = load_workbook(out / "xlsx/不符合和纠正措施台账.xlsx").active
    row = next(capa.iter_rows(min_row=2, values_only=True))
    assert (
        row[0] == "NC-2024-01" and row[2] == "内部审核" and row[8] == "郭鹏" and row[10] == "已关闭"
    )

    issues = load_workbook(out / "xlsx/文件发放回收登记表.xlsx").active
    issued = [r for r in issues.iter_rows(min_row=2, values_only=True)]
    assert (
        "CEMS-QP-04-01",
        "CEMS-QP-04",
        "文件和记录控制程序",
        "A/0",
        "能源环保部",
        "v2024.1",
        "v2024.2",
    ) in issued


def test_word_register_is_landscape_with_repeated_header(root: Path, tmp_path: Path) -> None:
    model = load_model(root)
    out = tmp_path / "out"
    render_registers(model, released_history(model), Config.for_root(root), out)
    sources = Document(str(out / "word/registers/碳排放源清单.docx"))
    section = sources.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    table = sources.tables[0]
    tr_pr = table.rows[0]._tr.trPr
    assert tr_pr is not None
    assert tr_pr.find(qn("w:tblHeader")) is not None
    schemas = load_schemas(root / "schemas", root)
    register = next(
        r
        for r in build_registers(model, released_history(model), schemas)
        if r.name == "碳排放源清单"
    )
    assert len(table.rows) == 1 + len(register.rows) and len(register.rows) > 3
    assert [c.text for c in table.rows[1].cells] == list(register.rows[0])
    assert "天然气" in [c.text for c in table.rows[1].cells]


def test_registers_are_reproducible(root: Path, tmp_path: Path) -> None:
    model = load_model(root)
    config, history = Config.for_root(root), released_history(model)
    first = render_registers(model, history, config, tmp_path / "a")
    second = render_registers(model, history, config, tmp_path / "b")
    assert first == second


def test_codes_read_in_the_words_of_the_schema(root: Path) -> None:
    """The schema's `x-enum-titles` are the one source: a word changed there changes the
    register, and no enum column shows a raw code."""
    path = root / "schemas" / "records" / "nonconformities.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["origin"]["x-enum-titles"]["internal_audit"] = "内审发现"
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    model = load_model(root)
    schemas = load_schemas(Config.for_root(root).schemas_dir, root)
    registers = {r.name: r for r in build_registers(model, released_history(model), schemas)}

    capa = registers["不符合和纠正措施台账"].rows[0]
    assert (capa[2], capa[5], capa[10]) == ("内审发现", "已发生", "已关闭")
    sources = registers["碳排放源清单"].rows
    assert "化石燃料燃烧" in {row[5] for row in sources}
    assert all(CJK.search(row[c]) for row in sources for c in (5, 7, 8))  # 类别、边界、状态
    assert "天然气" in {row[6] for row in sources}  # fuel keys: not an enum, the small table
    results = {row[8] for row in registers["计量器具检定校准台账"].rows}
    assert results and all(CJK.search(r) for r in results if r)
