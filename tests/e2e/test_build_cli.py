"""`cems build` end to end on a released copy of the sample: every output a user opens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document

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
