"""`cems build` end to end on a released copy of the sample: every output a user opens."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

ZHOU = ("周建国", "zhou.jianguo@yanling-ceramics.example")
CHEN = ("陈晓宇", "chen.xiaoyu@yanling-ceramics.example")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int, str]:
    from generator.cli.main import main
    from tests.conftest import GitRepo, copy_sample

    root = copy_sample(tmp_path_factory.mktemp("org"))
    repo = GitRepo(root)
    repo.commit(
        "建立体系文件和记录\n\nReviewed-by: 林慧 <lin.hui@yanling-ceramics.example>",
        "2026-03-02T09:00:00+08:00",
        CHEN,
    )
    repo.tag(
        "release/2026.1",
        "首次发布\n\nEffective-Date: 2026-03-10",
        "2026-03-05T16:00:00+08:00",
        ZHOU,
    )
    out = tmp_path_factory.mktemp("out") / "build"
    code = main(["build", "--root", str(root), "--out", str(out)])
    return root, out, code, repo.git("rev-parse", "HEAD").strip()


def test_build_succeeds_and_writes_manifest(built) -> None:
    _root, out, code, head = built
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["commit"] == head
    paths = {f["path"] for f in manifest["files"]}
    assert any(p.startswith("word/CEMS-M-01") for p in paths)
    assert any(p.startswith("xlsx/") for p in paths)
    assert (out / "site" / "index.html").is_file()
    assert not (out.parent / "build.partial").exists()


def test_carbon_report_is_a_controlled_copy_approved_by_the_release(built) -> None:
    _root, out, _code, _head = built
    path = out / "word" / "reports" / "CA-2025-碳评估报告.docx"
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    for heading in ("A.1 碳评估报告编制说明", "A.7 碳排放量计算结果", "A.10 碳评估结论"):
        assert heading in text
    cover = "\n".join(
        cell.text for t in document.tables[:3] for row in t.rows for cell in row.cells
    )
    assert "周建国" in cover and "2026-03-05" in cover  # approved by the release's tagger
    assert "林慧" in cover  # reviewed: the Reviewed-by trailer of the commit adding the record
    assert len(document.inline_shapes) >= 2  # the two charts
    site = (out / "site" / "carbon" / "2025" / "report" / "index.html").read_text(encoding="utf-8")
    assert "CA-2025" in site and ".docx" in site


def test_failed_build_leaves_previous_output_untouched(built, tmp_path: Path, run_cli) -> None:
    root, out, _code, _head = built
    before = (out / "manifest.json").read_bytes()
    broken = root / "content" / "organisation.yaml"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(
        text.replace("top_management: zhou-jianguo", "top_management: nobody"), encoding="utf-8"
    )
    try:
        code, _out, err = run_cli("build", "--root", str(root), "--out", str(out))
    finally:
        broken.write_text(text, encoding="utf-8")
    assert code == 1 and "top_management" in err and "Traceback" not in err
    assert (out / "manifest.json").read_bytes() == before


def test_document_page_shows_approved_fingerprint_and_record_authors(built) -> None:
    import hashlib

    root, out, _code, _head = built
    source = next((root / "content" / "documents" / "procedures").glob("CEMS-QP-04-*.md"))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    page = (out / "site-src" / "docs" / "documents" / "procedure" / "CEMS-QP-04.md").read_text(
        encoding="utf-8"
    )
    assert f"`{digest}`" in page and "与当前文本一致" in page
    register = (out / "site-src" / "docs" / "registers" / "training.md").read_text(encoding="utf-8")
    assert "记录人（git）：陈晓宇 2026-03-02 09:00" in register


def test_site_has_the_compliance_section(built) -> None:
    """碳排放报告与履约: each year's report, verification, ledger, calendar; evidence linked."""
    _root, out, _code, _head = built
    docs = out / "site-src" / "docs" / "compliance"
    year = (docs / "2025.md").read_text(encoding="utf-8")
    assert "55,314 t" in year and "547 t" in year  # obligation and surplus from the ledger
    assert "## 核查比对" in year and "## 季度配额盈缺预测" in year
    assert "downloads/word/reports/ER-2025-二氧化碳排放报告.docx" in year
    pdf = "downloads/attachments/records/verifications/evidence/VER-2025-report.pdf"
    assert pdf in year and (out / "site" / pdf).is_file()
    assert "七、月度排放数据" in (docs / "2025-report.md").read_text(encoding="utf-8")
    calendar = (docs / "calendar.md").read_text(encoding="utf-8")
    assert "# 履约日历" in calendar and "配额清缴履约" in calendar
    html = (out / "site" / "compliance" / "2025" / "index.html").read_text(encoding="utf-8")
    assert "配额和抵消台账" in html


# ---- registers and reports as a person reads them ----------------------------------------

_NUMBER = re.compile(r"[0-9A-Za-z.,:/%+\-−_()#°~]{1,24}")


def _cell_width_pt(cell) -> float | None:
    tc_pr = cell._tc.tcPr
    width = tc_pr.find(qn("w:tcW")) if tc_pr is not None else None
    if width is None or width.get(qn("w:type")) not in (None, "dxa"):
        return None
    return int(width.get(qn("w:w"))) / 20  # twips -> pt


def _font_pt(cell) -> float:
    sizes = [r.font.size.pt for p in cell.paragraphs for r in p.runs if r.font.size]
    return max(sizes, default=10.5)


def _wrapped_numbers(path: Path) -> list[str]:
    """Numbers, dates and codes wider than their cell (Word would break them), measured at
    0.62 em per character (digits are 0.5 em in Times New Roman, 0.64 em in DejaVu Serif,
    LibreOffice's stand-in for it) plus Word's 0.19 cm cell margins each side."""
    found = []
    for table in Document(str(path)).tables:
        for row in table.rows:
            for cell in row.cells:
                text = cell.text.strip()
                if not (_NUMBER.fullmatch(text) and any(ch.isdigit() for ch in text)):
                    continue
                width = _cell_width_pt(cell)
                need = len(text) * 0.62 * _font_pt(cell) + 2 * 0.19 * 28.35
                if width is not None and need > width:
                    found.append(f"{path.name}: {text!r} needs {need:.0f} pt, cell {width:.0f} pt")
    return found


def test_no_register_or_report_breaks_a_number_inside_a_cell(built) -> None:
    _root, out, _code, _head = built
    files = sorted((out / "word" / "registers").glob("*.docx"))
    files += sorted((out / "word" / "reports").glob("*.docx"))
    assert len(files) >= 15
    problems = [p for path in files for p in _wrapped_numbers(path)]
    assert problems == []


def test_registers_carry_a_page_header_with_form_and_data_as_of(built) -> None:
    _root, out, _code, head = built
    for path in sorted((out / "word" / "registers").glob("*.docx")):
        document = Document(str(path))
        header = document.sections[0].header
        text = "\n".join(p.text for p in header.paragraphs)
        assert "北京燕岭精密陶瓷有限公司" in text and document.core_properties.title in text
        assert f"数据截至提交 {head[:12]}，2026-03-02" in text
        assert "第" in text and "页 共" in text
        fields = header._element.xml
        assert "PAGE" in fields and "NUMPAGES" in fields
    plans = Document(str(out / "word" / "registers" / "碳排放管理实施方案.docx"))
    plan_header = "\n".join(p.text for p in plans.sections[0].header.paragraphs)
    assert "记录表单 CEMS-F-09（A/0）" in plan_header


def test_a_plan_with_milestones_is_printed_once_not_per_milestone(built) -> None:
    root, out, _code, _head = built
    import yaml

    plans = [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((root / "records" / "implementation-plans").glob("*.yaml"))
    ]
    document = Document(str(out / "word" / "registers" / "碳排放管理实施方案.docx"))
    body = "\n".join(p.text for p in document.paragraphs)
    assert f"共 {len(plans)} 条" in body
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    for plan in plans:
        measures = " ".join(str(plan["measures"]).split())
        printed = [c for c in set(cells) if measures[:30] in " ".join(c.split())]
        assert len(printed) == 1, plan["id"]
        for milestone in plan["schedule"]:
            assert str(milestone["milestone"]) in cells


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_forms_are_blank_forms_with_the_schemas_chinese_titles(built) -> None:
    """Every 记录表单 prints the form a person fills in: its number and revision, each field
    under its Chinese title (lists of items as grids), never the YAML keys."""
    root, out, _code, _head = built
    from generator.content.project import load_project, require_model
    from generator.content.schemas import load_schemas
    from generator.core.config import Config

    config = Config.for_root(root)
    model = require_model(load_project(config))
    schemas = load_schemas(config.schemas_dir, config.root)
    forms = [d for d in model.documents if d.kind == "form" and d.record_type]
    assert len(forms) == 20  # 18 forms of the first edition, the ledger and verification forms
    for form in forms:
        path = next((out / "word").glob(f"{form.id}-*.docx"))
        document = Document(str(path))
        text = _all_text(document)
        assert f"表单编号：{form.id}　版本/修改状态：A/0" in text, form.id
        schema = schemas.inlined(schemas.records[form.record_type])
        for key, prop in schema["properties"].items():
            if key == "clauses":
                continue
            assert prop["title"] in text, (form.id, key)
            assert f"`{key}`" not in text and f"{key}[]" not in text, (form.id, key)
            items = prop.get("items") or {}
            for sub in (items.get("properties") or prop.get("properties") or {}).values():
                assert sub["title"] in text, (form.id, key)
        assert "activity_unit" not in text and "out_of_city" not in text, form.id
        # choices the form offers (outside grids) are tick boxes in the schema's words
        titles = [
            t
            for prop in schema["properties"].values()
            for sub in [prop, *((prop.get("properties") or {}).values())]
            for t in (sub.get("x-enum-titles") or {}).values()
        ]
        for title in titles:
            assert f"□ {title}" in text, (form.id, title)


def test_a_long_distribution_list_keeps_the_cover_on_one_page(built) -> None:
    """The manual goes to every department: two departments a row under one shared line."""
    root, out, _code, _head = built
    from generator.content.project import load_project, require_model
    from generator.core.config import Config

    model = require_model(load_project(Config.for_root(root)))
    manual = model.document("CEMS-M-01")
    assert manual is not None and len(manual.distribution) > 6
    document = Document(str(next((out / "word").glob("CEMS-M-01-*.docx"))))
    table = next(
        t for t in document.tables if [c.text for c in t.rows[0].cells] == ["分发号", "部门"] * 2
    )
    names = {c.text for r in table.rows[1:] for c in r.cells}
    assert {model.department_name(d) for d in manual.distribution} <= names
    assert len(table.rows) == 1 + (len(manual.distribution) + 1) // 2
    assert any(p.text.startswith("版本 B/0；发放：release/2026.1") for p in document.paragraphs)


def test_report_prints_a_repeated_category_or_citation_once(built) -> None:
    """Table A.3: the four gas-fired sources share one citation cell, not four copies."""
    _root, out, _code, _head = built
    document = Document(str(out / "word" / "reports" / "CA-2025-碳评估报告.docx"))
    table = next(
        t for t in document.tables if "单位热值含碳量数据来源" in [c.text for c in t.rows[0].cells]
    )
    column = [row.cells[2] for row in table.rows[1:]]
    texts = [c.text for c in column]
    repeated = max(set(texts), key=texts.count)
    assert texts.count(repeated) >= 3  # the rows it spans
    cells = {id(c._tc) for c in column if c.text == repeated}
    assert len(cells) < texts.count(repeated)  # consecutive rows share one tall cell
    categories = [row.cells[0] for row in table.rows[1:] if row.cells[0].text == "化石燃料燃烧"]
    assert len({id(c._tc) for c in categories}) < len(categories)


def test_the_carbon_report_copy_verifies_and_a_forged_one_does_not(
    built, tmp_path: Path, run_cli
) -> None:
    from tests.support.verify_org import forge, replace_text

    root, out, _code, _head = built
    report = out / "word" / "reports" / "CA-2025-碳评估报告.docx"
    code, text, _err = run_cli("verify", str(report), "--root", str(root))
    assert code == 0 and "现行有效" in text, text
    forged = forge(
        report, tmp_path / "CA-2025.docx", {"word/document.xml": replace_text("A.10", "A.11")}
    )
    code, text, _err = run_cli("verify", str(forged), "--root", str(root))
    assert code == 6 and "正文" in text, text
    page = out / "site-src" / "docs" / "verify" / "CA-2025" / "A-0" / "index.md"
    assert "现行有效" in page.read_text(encoding="utf-8")
