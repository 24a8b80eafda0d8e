"""Controlled Word copies: header, cover, history, marks, properties, reproducibility."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from generator.content.model import Model
from generator.control.types import DocumentControl, History
from generator.core.config import Config
from generator.render.word import ooxml as xml
from generator.render.word.copy import render_controlled_copy, render_word
from tests.support.fake_history import (
    HEAD,
    R2,
    history_for,
    load_model,
    make_root,
    released_control,
    released_history,
)

WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_root(tmp_path / "org")


def _render(root: Path, history_of=released_history, out: Path | None = None) -> DocxDocument:
    model = load_model(root)
    out = out or root / "build"
    files = render_word(model, history_of(model), Config.for_root(root), out, jobs=1)
    assert [f.path for f in files] == ["word/CEMS-QP-04-文件和记录控制程序.docx"]
    return Document(str(out / files[0].path))


def _header_cells(document: DocxDocument) -> list[str]:
    table = document.sections[0].header.tables[0]
    return [cell.text for row in table.rows for cell in row.cells]


def test_header_table_has_all_control_fields_and_page_fields(root: Path) -> None:
    document = _render(root)
    cells = _header_cells(document)
    assert "北京燕岭精密陶瓷有限公司" in cells
    assert "文件名称：文件和记录控制程序" in cells
    assert "文件编号：CEMS-QP-04" in cells
    assert "版本/修改状态：A/1" in cells
    assert "生效日期：2024-09-10" in cells
    assert any(c.startswith("第 ") and " 页 共 " in c for c in cells)
    header_xml = document.sections[0].header._element
    assert xml.field_codes(header_xml) == ["PAGE", "NUMPAGES"]
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_cover_has_signatures_history_and_distribution(root: Path) -> None:
    document = _render(root)
    approval, revisions, distribution = document.tables[1:4]
    rows = [[c.text for c in r.cells] for r in approval.rows]
    assert rows[0] == ["签署", "姓名", "日期时间", "含义"]
    assert rows[1][:3] == ["编制", "唐雯", "2024-08-15 14:00"]
    assert rows[2][:3] == ["审核", "林慧", "2024-08-15 14:00"]
    assert rows[3][:3] == ["批准", "周建国", "2024-09-01 10:00"]
    assert "v2024.2" in rows[3][3]
    history_rows = [[c.text for c in r.cells] for r in revisions.rows[1:]]
    assert [r[0] for r in history_rows] == ["A/0", "A/1"]
    assert history_rows[1][1:3] == ["2024-09-10", "增加记录保存期限"]
    dist = [[c.text for c in r.cells] for r in distribution.rows[1:]]
    assert [r[:2] for r in dist] == [
        ["CEMS-QP-04-01", "能源环保部"],
        ["CEMS-QP-04-02", "质量部"],
        ["CEMS-QP-04-03", "生产部"],
    ]
    # header rows of cover tables repeat on each page
    tr_pr = approval.rows[0]._tr.trPr
    assert tr_pr is not None
    assert tr_pr.find(qn("w:tblHeader")) is not None
    text = "\n".join(p.text for p in document.paragraphs)
    assert "文件和记录控制程序" in text and "受控" in "".join(
        c.text for c in document.tables[0].rows[0].cells
    )


def test_styles_use_chinese_fonts(root: Path) -> None:
    document = _render(root)
    assert xml.east_asia_font(document.styles["Normal"]) == "SimSun"
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        assert xml.east_asia_font(document.styles[name]) == "SimHei"
    fonts = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    assert fonts.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia")) == "SimSun"


def test_custom_properties_and_core_properties(root: Path) -> None:
    document = _render(root)
    props = xml.read_custom_properties(root / "build/word/CEMS-QP-04-文件和记录控制程序.docx")
    assert props["cems.document_id"] == "CEMS-QP-04"
    assert props["cems.revision"] == "A/1"
    assert props["cems.commit"] == R2.commit
    assert props["cems.status"] == "in_force"
    assert props["cems.distribution_number"] == "母本"
    assert len(props["cems.content_sha256"]) == 64
    assert document.core_properties.title == "CEMS-QP-04 文件和记录控制程序"
    assert document.core_properties.subject == "程序文件"
    assert document.core_properties.created.year == 2024  # from git, not the clock


def test_in_force_copy_has_no_watermark(root: Path) -> None:
    document = _render(root)
    assert xml.watermark_texts(document.sections[0].header._element) == []


def test_unreleased_document_prints_unreleased_and_draft_mark(root: Path) -> None:
    document = _render(root, lambda m: history_for({"CEMS-QP-04": DocumentControl("CEMS-QP-04")}))
    cells = _header_cells(document)
    assert "版本/修改状态：未发布" in cells and "生效日期：未生效（草稿）" in cells
    assert xml.watermark_texts(document.sections[0].header._element) == ["未生效 DRAFT"]
    approval = [[c.text for c in r.cells] for r in document.tables[1].rows]
    assert approval[3][2] == "未签署"  # no fake approval date
    props = xml.read_custom_properties(root / "build/word/CEMS-QP-04-文件和记录控制程序.docx")
    assert props["cems.status"] == "draft" and props["cems.commit"] == HEAD


def test_withdrawn_document_has_void_watermark(root: Path) -> None:
    def withdrawn(model: Model) -> History:
        control = released_control("CEMS-QP-04")
        from dataclasses import replace

        return history_for(
            {"CEMS-QP-04": replace(control, withdrawn_in=R2, withdrawal_reason="合并到 QP-05")}
        )

    document = _render(root, withdrawn)
    assert xml.watermark_texts(document.sections[0].header._element) == ["作废"]
    assert "合并到 QP-05" in "\n".join(p.text for p in document.paragraphs)


def test_body_markdown_is_rendered_faithfully(root: Path) -> None:
    document = _render(root)
    paragraphs = document.paragraphs
    styles: dict[str, str | None] = {}
    for p in paragraphs:
        if p.text:
            assert p.style is not None
            styles[p.text] = p.style.name
    assert styles["1 目的"] == "Heading 1"
    assert styles["2.1 步骤"] == "Heading 2"
    assert styles["质量部负责文件控制。"] == "List Bullet"
    assert styles["编制本部门文件；"] == "List Bullet 2"
    texts = [p.text for p in paragraphs]
    assert "1.\u2002提交修改请求。" in texts and "3.\u2002批准人发布。" in texts
    assert "2.\u2002签署 Reviewed-by。" in texts  # nested list restarts at 1
    purpose = next(p for p in paragraphs if p.text.startswith("规定文件的"))
    assert [r.text for r in purpose.runs if r.bold] == ["编制"]
    assert [r.text for r in purpose.runs if r.italic] == ["标识"]
    code = next(r for r in purpose.runs if r.text == "records/")
    r_pr = code._r.rPr
    assert r_pr is not None and r_pr.rFonts is not None
    assert r_pr.rFonts.get(qn("w:ascii")) == "Consolas"
    links = purpose._p.findall(qn("w:hyperlink"))
    assert len(links) == 1 and "北京市生态环境局" in "".join(
        t.text for t in links[0].iter(qn("w:t"))
    )
    body_table = document.tables[-1]
    assert [c.text for c in body_table.rows[1].cells] == ["排放报告", "5 年"]
    assert body_table.rows[0].cells[0].paragraphs[0].runs[0].bold
    assert len(document.inline_shapes) == 2  # the body's image and the cover's QR code


def test_controlled_copy_carries_department_number(root: Path) -> None:
    model = load_model(root)
    out = root / "build"
    generated = render_controlled_copy(
        model, released_history(model), Config.for_root(root), out, "CEMS-QP-04", "quality"
    )
    assert generated.path == "word/copies/quality/CEMS-QP-04.docx"
    document = Document(str(out / generated.path))
    stamp = document.tables[0].cell(0, 0).text
    assert "受控" in stamp and "分发号：CEMS-QP-04-02" in stamp
    props = xml.read_custom_properties(out / generated.path)
    assert props["cems.distribution_number"] == "CEMS-QP-04-02"
    footer = document.sections[0].footer.paragraphs[0].text
    assert "受控状态：受控" in footer and "CEMS-QP-04-02" in footer


def test_rebuild_is_byte_identical(root: Path, tmp_path: Path) -> None:
    _render(root, out=tmp_path / "a")
    _render(root, out=tmp_path / "b")
    name = "word/CEMS-QP-04-文件和记录控制程序.docx"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_unchanged_documents_are_not_rendered_again(root: Path) -> None:
    model = load_model(root)
    config, out = Config.for_root(root), root / "build"
    first = render_word(model, released_history(model), config, out, jobs=1)
    target = out / first[0].path
    target.touch()
    stamp = target.stat().st_mtime_ns
    assert render_word(model, released_history(model), config, out, jobs=1) == first
    assert target.stat().st_mtime_ns == stamp  # served from the cache
    path = next((root / "content/documents/procedures").glob("*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    changed = render_word(load_model(root), released_history(model), config, out, jobs=1)
    assert changed[0].sha256 != first[0].sha256


def test_parallel_build_matches_serial(tmp_path: Path) -> None:
    docs = {f"CEMS-QP-{n:02d}": f"测试程序{n}" for n in range(1, 7)}
    root = make_root(tmp_path / "org", docs)
    model = load_model(root)
    config = Config.for_root(root)
    serial = render_word(model, released_history(model), config, tmp_path / "s", jobs=1)
    parallel = render_word(model, released_history(model), config, tmp_path / "p", jobs=2)
    assert len(serial) == 6 and serial == parallel
