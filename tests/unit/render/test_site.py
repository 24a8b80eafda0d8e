"""The auditors' site: pages, nav, traceability, escaping and links, built from the sample copy.

History objects are made by hand here (no git needed); `test_site_publish.py` uses real git.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from generator.content.model import Model
from generator.content.project import load_project, require_model
from generator.control.types import (
    MEANING_APPROVE,
    MEANING_AUTHOR,
    MEANING_REVIEW,
    Change,
    CopyIssue,
    DocumentControl,
    History,
    Release,
    Revision,
    Signature,
)
from generator.core.config import Config
from generator.core.issues import Severity
from generator.render.site.assemble import render_site
from tests.conftest import copy_sample

T = datetime.fromisoformat  # a git time
APPROVER = Signature("周建国", "z@example.org", T("2025-02-01T09:30:00+08:00"), MEANING_APPROVE)
AUTHOR = Signature(
    "唐雯", "t@example.org", T("2025-01-20T10:00:00+08:00"), MEANING_AUTHOR, "tang-wen"
)
REVIEWER = Signature("林慧", "l@example.org", T("2025-01-25T16:45:00+08:00"), MEANING_REVIEW)
RELEASE_1 = Release(
    "release/2025-01",
    "2025-01",
    "a" * 40,
    T("2025-02-01T09:30:00+08:00"),
    date.fromisoformat("2025-02-01"),
    APPROVER,
    "首次发布",
)
RELEASE_2 = Release(
    "release/2025-06",
    "2025-06",
    "b" * 40,
    T("2025-06-10T11:00:00+08:00"),
    date.fromisoformat("2025-06-15"),
    APPROVER,
    "换版",
)


def load(root: Path) -> tuple[Model, Config]:
    config = Config.for_root(root)
    return require_model(load_project(config)), config


def released_history(model: Model, *, draft_id: str = "", withdrawn: str = "") -> History:
    """Every document released in RELEASE_1; the first one revised in RELEASE_2."""
    first = model.documents[0].id
    docs: dict[str, DocumentControl] = {}
    for doc in model.documents:
        change = Change("c" * 40, AUTHOR.when, f"编制{doc.title}", AUTHOR, (REVIEWER,))
        revisions = [
            Revision(doc.id, "A", 0, RELEASE_1, doc.path, "0" * 64, "effective", (change,))
        ]
        if doc.id == first:
            edit = Change(
                "d" * 40, T("2025-06-01T08:00:00+08:00"), "修订第 4 章", AUTHOR, (REVIEWER,)
            )
            revisions.append(
                Revision(doc.id, "A", 1, RELEASE_2, doc.path, "1" * 64, "effective", (edit,))
            )
        draft = doc.id == draft_id
        docs[doc.id] = DocumentControl(
            doc.id,
            tuple(revisions),
            revisions[-1],
            draft=draft,
            draft_changes=(Change("e" * 40, T("2025-07-01T08:00:00+08:00"), "草拟修改", AUTHOR),)
            if draft
            else (),
            withdrawn_in=RELEASE_2 if doc.id == withdrawn else None,
            withdrawal_reason="并入其他文件" if doc.id == withdrawn else "",
            next_review=date(2026, 2, 1),
            review_overdue=doc.id == draft_id,
            copies=(CopyIssue(f"{doc.id}-01", doc.owner, doc.id, "A/0", RELEASE_1.tag),),
        )
    return History("f" * 40, (RELEASE_1, RELEASE_2), docs)


def html(out: Path, page: str) -> str:
    return (out / "site" / page / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Model, Path]:
    """The sample's site, rendered once for the tests that only read it."""
    base = tmp_path_factory.mktemp("site")
    model, config = load(copy_sample(base / "org"))
    draft = model.documents[-1].id
    out = base / "out"
    issues = render_site(model, released_history(model, draft_id=draft), config, out)
    assert [i for i in issues if i.severity is Severity.ERROR] == []
    return model, out


def test_every_document_and_register_has_a_page_and_the_nav_is_generated(built) -> None:
    model, out = built
    site_config = yaml.safe_load((out / "site-src" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert site_config["theme"]["language"] == "zh"
    assert site_config["theme"]["font"] is False
    search = site_config["plugins"][0]["search"]
    assert search["lang"] == "zh" and len(site_config["plugins"]) == 1
    # the standard's terms stay whole words; the dictionary is named relative to mkdocs.yml,
    # so the generated text does not depend on where the output folder is
    assert search["jieba_dict_user"] == "search-dict.txt"
    assert "碳评估" in (out / "site-src" / "search-dict.txt").read_text(encoding="utf-8")
    nav_text = json.dumps(site_config["nav"], ensure_ascii=False)
    for doc in model.documents:
        page = html(out, f"documents/{doc.kind}/{doc.id}")
        assert doc.id in page and doc.title in page
        assert doc.kind_zh in nav_text and f"documents/{doc.kind}/{doc.id}.md" in nav_text
    for record_type in model.record_types:
        assert record_type.title in html(out, f"registers/{record_type.name}")
    for page in ("registers/master-list", "registers/document-issue", "clauses", "releases"):
        assert (out / "site" / page / "index.html").is_file()
    home = html(out, "")
    assert model.organisation.name in home and "2025-06" in home
    # no external assets: every stylesheet and script is served by the site itself
    assert not re.search(r'(?:src|href)="https?://', home)
    # the gzipped sitemap carries no build time (bytes 4-8 of a gzip header), so the same
    # commit built on another day gives the same file
    packed = (out / "site" / "sitemap.xml.gz").read_bytes()
    assert packed[4:8] == b"\0\0\0\0"
    assert gzip.decompress(packed) == (out / "site" / "sitemap.xml").read_bytes()


def test_register_pages_show_enum_codes_in_the_schemas_chinese(built) -> None:
    """Codes such as `law` read as the schema's `x-enum-titles` say, in tables and facts."""
    _model, out = built
    legal = html(out, "registers/legal-register")
    assert "<td>法律</td>" in legal and "<td>法规</td>" in legal
    assert not re.search(r"<td>(law|regulation|policy|standard|government)</td>", legal)
    capa = html(out, "registers/nonconformities")
    assert "来源：内部审核" in capa and "状态：已关闭" in capa
    assert "internal_audit" not in capa
    calibration = html(out, "registers/calibration")
    assert "<td>合格</td>" in calibration and "<td>pass</td>" not in calibration


def test_document_page_shows_revisions_signatures_and_draft_status(built) -> None:
    model, out = built
    first, draft = model.documents[0], model.documents[-1]
    page = html(out, f"documents/{first.kind}/{first.id}")
    assert "A/1" in page and "A/0" in page and "修订第 4 章" in page
    assert "唐雯 2025-01-20 10:00" in page and "林慧 2025-01-25 16:45" in page
    assert "周建国 2025-02-01 09:30" in page
    assert "草稿" not in page.split("<article", 1)[1].split("修订记录")[0]
    draft_page = html(out, f"documents/{draft.kind}/{draft.id}")
    assert "草稿：有未发布的修改" in draft_page and "未批准" in draft_page
    assert "cems-overdue" in draft_page  # next review date overdue is highlighted
    releases = html(out, "releases")
    assert releases.index("2025-06") < releases.index("2025-01")  # newest release first
    assert first.id in releases and "修订第 4 章" in releases


def test_unreleased_documents_show_未发布_and_never_a_revision(sample_copy, tmp_path) -> None:
    model, config = load(sample_copy)
    history = History("", (), {d.id: DocumentControl(d.id) for d in model.documents})
    out = tmp_path / "out"
    assert render_site(model, history, config, out) == []
    doc = model.documents[0]
    page = html(out, f"documents/{doc.kind}/{doc.id}")
    assert "草稿：未发布，不生效" in page and "未发布" in page
    facts = page.split("<article", 1)[1].split("修订记录")[0]
    assert "版次/修改状态" in facts and not re.search(r"\b[A-Z]/\d+\b", facts)
    assert "尚未发布" in html(out, "")


def _clause_row(page: str, clause: str) -> str:
    start = page.index(f'id="clause-{clause.replace(".", "-")}"')
    return page[start : page.index("</tr>", start)]


def test_clause_matrix_lists_implementers_gaps_and_exclusions(sample_copy, tmp_path) -> None:
    # Take clause 9.4 away from everything, and exclude 8.2 with a reason.
    for path in (sample_copy / "content" / "documents").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'clauses: \["9\.4"\]', 'clauses: ["9"]', text)
        text = re.sub(r'(?<=[\[,\s])"9\.4",?\s?', "", text)
        path.write_text(text, encoding="utf-8")
    for path in [*(sample_copy / "schemas").rglob("*.json"), *(sample_copy / "records").rglob("*")]:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r'"9\.4",?\s*', "", text), encoding="utf-8")
    org = sample_copy / "content" / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^exclusions:.*\n(?:[ -].*\n)*", "", text)
    org.write_text(
        text + 'exclusions:\n  - {clause: "8.2", reason: 本公司不从事产品设计}\n', encoding="utf-8"
    )
    model, config = load(sample_copy)
    assert not any("9.4" in d.clauses for d in model.documents)
    out = tmp_path / "out"
    assert render_site(model, released_history(model), config, out) == []
    page = html(out, "clauses")
    assert "缺口" in _clause_row(page, "9.4")
    excluded = _clause_row(page, "8.2")
    assert "删减" in excluded and "本公司不从事产品设计" in excluded
    covering = next(d for d in model.documents if "7.2" in d.clauses)
    assert covering.id in _clause_row(page, "7.2") and "缺口" not in _clause_row(page, "7.2")


def test_script_in_a_title_and_a_body_is_shown_as_text(sample_copy, tmp_path) -> None:
    doc_path = next((sample_copy / "content" / "documents").rglob("*.md"))
    text = doc_path.read_text(encoding="utf-8")
    match = re.search(r"(?m)^title: (.*)$", text)
    assert match
    title = yaml.safe_load(match.group(1)) + "<script>alert('t')</script>"
    text = text.replace(match.group(0), "title: " + json.dumps(title, ensure_ascii=False), 1)
    text += (
        "\n\n<script>alert('b')</script>\n\n<img src=x onerror=\"alert('i')\">\n\n"
        "[点我](javascript:alert('l'))\n\n```html\n<script>示例</script>\n```\n"
    )
    doc_path.write_text(text, encoding="utf-8")
    model, config = load(sample_copy)
    out = tmp_path / "out"
    assert render_site(model, released_history(model), config, out) == []
    for page in (out / "site").rglob("*.html"):
        content = page.read_text(encoding="utf-8")
        assert "<script>alert" not in content, page
        assert "<img src=x" not in content and "javascript:alert" not in content, page
    doc = next(d for d in model.documents if d.path == doc_path.relative_to(sample_copy).as_posix())
    page = html(out, f"documents/{doc.kind}/{doc.id}")
    body = page.split("<article", 1)[1]
    # raw HTML in a body is sanitised: the script goes with its content, the image loses
    # its handler (see tests/bad_input for every other trick)
    assert not re.search(r"alert\((&#39;|')[bi]", body) and "onerror" not in body
    assert re.search(r"&lt;script&gt;alert\((&#39;|')t", body)  # the title is text, escaped
    code = body[body.rindex("<code", 0, body.index("示例")) :]
    assert "&lt;" in code[: code.index("示例")]  # code keeps its text, shown escaped


def test_broken_link_in_a_body_is_an_issue_naming_the_document(sample_copy, tmp_path) -> None:
    doc_path = next((sample_copy / "content" / "documents").rglob("*.md"))
    doc_path.write_text(
        doc_path.read_text(encoding="utf-8") + "\n见[不存在的文件](missing.md)。\n",
        encoding="utf-8",
    )
    model, config = load(sample_copy)
    issues = render_site(model, released_history(model), config, tmp_path / "out")
    assert issues, "a broken link must fail the strict build"
    issue = issues[0]
    assert issue.severity is Severity.ERROR and issue.code == "SITE-LINK"
    assert issue.file == doc_path.relative_to(sample_copy).as_posix()
    assert "missing.md" in issue.message
    assert issue.line == len(doc_path.read_text(encoding="utf-8").splitlines())  # located


def test_download_links_appear_only_for_files_that_exist(sample_copy, tmp_path) -> None:
    model, config = load(sample_copy)
    out = tmp_path / "out"
    with_file, without_file = model.documents[0], model.documents[1]
    word = out / "word" / f"{with_file.id}-{with_file.title}.docx"
    word.parent.mkdir(parents=True)
    word.write_bytes(b"PK\x03\x04 test")
    (out / "xlsx").mkdir()
    (out / "xlsx" / "training.xlsx").write_bytes(b"PK\x03\x04 xlsx")
    downloads = {
        with_file.id: f"downloads/word/{word.name}",
        without_file.id: f"downloads/word/{without_file.id}-x.docx",
        "xlsx:training": "downloads/xlsx/training.xlsx",
    }
    assert render_site(model, released_history(model), config, out, downloads=downloads) == []
    assert "下载 Word 受控副本" in html(out, f"documents/{with_file.kind}/{with_file.id}")
    assert "下载 Word" not in html(out, f"documents/{without_file.kind}/{without_file.id}")
    assert (out / "site" / "downloads" / "word" / word.name).read_bytes() == word.read_bytes()
    assert "下载 Excel 登记表" in html(out, "registers/training")


def test_withdrawn_and_deleted_documents_go_to_the_archive(sample_copy, tmp_path) -> None:
    model, config = load(sample_copy)
    withdrawn = model.documents[1]
    history = released_history(model, withdrawn=withdrawn.id)
    old_text = "---\nid: CEMS-GZ-99\ntitle: 旧的管理制度\n---\n\n## 1 目的\n\n旧内容。\n"
    history = History(
        history.head_commit,
        history.releases,
        history.documents,
        {"CEMS-GZ-99": ("content/documents/rules/CEMS-GZ-99-旧的管理制度.md", old_text)},
    )
    out = tmp_path / "out"
    assert render_site(model, history, config, out) == []
    page = html(out, f"archive/{withdrawn.id}")
    assert "已作废" in page and "并入其他文件" in page
    deleted = html(out, "archive/CEMS-GZ-99")
    assert "旧的管理制度" in deleted and "旧内容" in deleted and "已作废" in deleted
    assert not (out / "site" / "documents" / withdrawn.kind / withdrawn.id).exists()
    assert withdrawn.id in html(out, "archive")


def test_registers_are_tables_with_names_not_ids(sample_copy, tmp_path) -> None:
    record_dir = sample_copy / "records" / "training"
    record_dir.mkdir(parents=True, exist_ok=True)
    (record_dir / "site-test.yaml").write_text(
        'id: "TRN-SITE-1"\ntitle: 站点测试培训\ndate: "2025-03-01"\nkind: session\nyear: 2025\n'
        'sessions:\n  - topic: 内部审核员培训\n    date: "2025-03-01"\n'
        "    attendees: [lin-hui, chen-xiaoyu]\n    hours: 4\n",
        encoding="utf-8",
    )
    model, config = load(sample_copy)
    out = tmp_path / "out"
    assert render_site(model, released_history(model), config, out) == []
    page = html(out, "registers/training")
    assert "TRN-SITE-1" in page and "内部审核员培训" in page
    assert "林慧" in page and "lin-hui" not in page  # people are shown by name
    assert "<table>" in page and "培训内容" in page  # schema titles are the column headers
    assert (out / "site" / "assets" / "tablesort.js").is_file()


def test_rebuild_keeps_downloads_and_drops_stale_pages(sample_copy, tmp_path) -> None:
    model, config = load(sample_copy)
    out = tmp_path / "out"
    kept = out / "site-src" / "docs" / "downloads" / "word" / "x.docx"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"x")
    stale = out / "site-src" / "docs" / "documents" / "procedure" / "OLD.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("# old\n", encoding="utf-8")
    assert render_site(model, released_history(model), config, out) == []
    assert kept.is_file() and not stale.exists()
    shutil.rmtree(out / "site")
    assert render_site(model, released_history(model), config, out) == []
    assert (out / "site" / "index.html").is_file()
