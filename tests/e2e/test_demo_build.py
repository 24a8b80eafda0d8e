"""The README's first command, as a newcomer runs it: `cems demo DIR` builds and publishes.

One demo for the whole module (`demo`): its output is checked for content — revisions,
approvals and signatures on copies and pages, one site per release, the copies opened — and
its published versions are served to a real browser (Chromium through Playwright) for Chinese
search, the version selector and Word downloads. Screenshots go to /tmp/cems-site-*.png.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import json
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin
from urllib.request import urlopen

import pytest
from docx import Document

from generator.cli.main import main

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# the demo's script (resources/data/demo-history.yaml): CEMS-QP-10 gains section 4.5 in the
# last release, 2025.3; CEMS-QP-15 is the internal-audit procedure
NEWEST, OLDER = "2025.3", "2025.2"
REVISED, ADDED = "CEMS-QP-10", "新增设施管理"
AUDIT = "CEMS-QP-15"


@dataclass(frozen=True)
class Demo:
    target: Path
    code: int
    out: str
    err: str

    @property
    def build(self) -> Path:
        return self.target / "build"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    target = tmp_path_factory.mktemp("demo") / "cems-demo"
    with (
        contextlib.redirect_stdout(io.StringIO()) as out,
        contextlib.redirect_stderr(io.StringIO()) as err,
    ):
        code = main(["demo", str(target)])
    return Demo(target, code, out.getvalue(), err.getvalue())


def _docx_text(data: bytes | Path, headers: bool = True) -> str:
    """Paragraphs, table cells and (with `headers`) the header's, one a line."""
    document = Document(io.BytesIO(data) if isinstance(data, bytes) else str(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for section in document.sections if headers else ():
        parts += [p.text for p in section.header.paragraphs]
        parts += [c.text for t in section.header.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, encoding="utf-8", check=True
    ).stdout


def test_demo_builds_copies_registers_site_and_one_version_per_release(demo: Demo) -> None:
    assert demo.code == 0, demo.err
    said = demo.out + demo.err
    assert "Traceback" not in said
    for line in ("网站 (site):", "各版本网站 (site versions):", "Word 受控副本 (Word copies):"):
        assert line in demo.out
    assert "逾期评审（演示）" in demo.out and "CEMS-QP-04" in demo.out
    build = demo.build
    # the repository: five releases, each an annotated tag by an approver
    tags = _git(demo.target, "for-each-ref", "--format=%(objecttype) %(refname:short)", "refs/tags")
    assert tags.split() == [
        word
        for version in ("2024.1", "2024.2", "2025.1", "2025.2", "2025.3")
        for word in ("tag", f"release/{version}")
    ]
    # one site per release and the draft, newest release as latest
    versions = json.loads((build / "versions" / "versions.json").read_text(encoding="utf-8"))
    names = [v["version"] for v in versions]
    assert names == ["draft", NEWEST, OLDER, "2025.1", "2024.2", "2024.1"]
    assert versions[1]["aliases"] == ["latest"]
    for name in names:
        assert (build / "versions" / name / "index.html").is_file()
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    head = _git(demo.target, "rev-parse", "HEAD").strip()
    assert manifest["commit"] == head
    assert (build / "site" / "index.html").is_file()
    assert len(list((build / "word").glob("CEMS-*.docx"))) >= 44
    assert list((build / "word" / "reports").glob("CA-*.docx"))


def test_demo_copy_and_page_carry_the_revision_and_its_approval(demo: Demo) -> None:
    """The revised procedure's controlled copy, opened: its revision from git and who approved
    it; its site page lists every revision; its redline and the draft preview exist."""
    assert demo.code == 0, demo.err
    build = demo.build
    copy = next((build / "word").glob(f"{REVISED}-*.docx"))
    text = _docx_text(copy)
    assert REVISED in text and "受控" in text
    assert ADDED in text  # the text of the newest release
    page = (build / "site" / "documents" / "procedure" / REVISED / "index.html").read_text(
        encoding="utf-8"
    )
    labels = re.findall(r"\b[A-Z]/\d+\b", page)
    assert len(set(labels)) >= 2, labels  # revised twice after its first issue
    assert sorted(set(labels))[-1] in text  # the copy carries the newest revision
    assert list((build / "word" / "redlines").glob(f"{REVISED}_*.docx"))
    assert list((build / "word" / "drafts").glob(f"{REVISED}-*.docx"))  # the open draft
    tagger = _git(
        demo.target, "for-each-ref", "--format=%(taggername)", f"refs/tags/release/{NEWEST}"
    )
    assert tagger.strip() and tagger.strip() in page  # approved and issued by the tagger


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


def _search_until_found(page, query: str, result) -> None:
    """Type the query key by key, as a person does; if the busy machine's page has not wired its
    search input yet, open the same search as a shared link (`?q=`), which Material runs as soon
    as its index is ready."""
    field = page.locator("input.md-search__input")
    for _ in range(3):
        field.fill("")
        field.press_sequentially(query, delay=50)
        try:
            result.wait_for(timeout=3_000)
            return
        except Exception:  # playwright's TimeoutError: fall through to the shared link
            continue
    page.goto(page.url.split("?")[0].split("#")[0] + "?q=" + quote(query))
    try:
        result.wait_for(timeout=60_000)
    except Exception:
        meta = page.locator(".md-search-result__meta").inner_text()
        shot = Path(tempfile.gettempdir()) / "cems-site-search-failed.png"
        page.screenshot(path=str(shot))
        raise AssertionError(f"no search result for {query!r}: search says {meta!r}") from None


def _open_result(page, result, url_glob: str) -> None:
    """Click a search result and wait for its page. The worker may still re-render the list
    for the last keys typed, detaching the element under the click (seen once in CI): then
    click the re-rendered result again, as a person would."""
    for _ in range(3):
        result.click()
        try:
            page.wait_for_url(url_glob, timeout=10_000)
            return
        except Exception:  # playwright's TimeoutError: the click landed on a replaced list
            result.wait_for(timeout=10_000)
    page.wait_for_url(url_glob, timeout=10_000)


@pytest.fixture(scope="module")
def served(demo: Demo) -> Iterator[str]:
    """Base url of the demo's published versions, served on 127.0.0.1."""
    if not Path(CHROMIUM).exists() or shutil.which("git") is None:
        pytest.skip("chromium or git is not installed")
    pytest.importorskip("playwright.sync_api")
    assert demo.code == 0, demo.err
    handler = functools.partial(_Quiet, directory=str(demo.build / "versions"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _browser(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def _page_path(doc_id: str) -> str:
    return f"documents/procedure/{doc_id}/"


def test_search_for_a_term_of_the_standard_finds_its_procedure_first(served: str) -> None:
    """碳评估 is one word (jieba user dictionary) and documents are boosted: the procedure
    CEMS-QP-02 碳评估控制程序 is among the first three results, not 碳酸钙 in a work instruction."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            # a shared search link runs the whole query once (typing races the worker)
            page.goto(served + f"{NEWEST}/?q=" + quote("碳评估"))
            whole = page.locator(f'a.md-search-result__link[href*="h={quote("碳评估")}"]').first
            whole.wait_for(timeout=60_000)
            links = page.locator("li.md-search-result__item > a.md-search-result__link")
            top = [links.nth(i).get_attribute("href") or "" for i in range(min(3, links.count()))]
            page.screenshot(path="/tmp/cems-site-search-term.png")
            assert any("documents/procedure/CEMS-QP-02/" in href for href in top), top
        finally:
            browser.close()


def test_search_switch_version_and_download(served: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    audit_path, revised_path = _page_path(AUDIT), _page_path(REVISED)
    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
            page.goto(served)
            page.wait_for_url(f"**/{NEWEST}/")  # root -> latest -> newest release
            page.screenshot(path="/tmp/cems-site-home.png")

            page.locator("label.md-search__icon, .md-search__input").first.click()
            # the result that links to the procedure's own page (other pages mention its id too)
            result = page.locator(f'a.md-search-result__link[href*="{audit_path}"]').first
            _search_until_found(page, "内部审核", result)
            page.screenshot(path="/tmp/cems-site-search.png")
            _open_result(page, result, f"**/{NEWEST}/{audit_path}**")
            assert AUDIT in page.locator("article h1").inner_text()

            # the selector keeps the page: the same document in the older version, as it was
            page.goto(f"{served}{NEWEST}/{revised_path}")
            assert ADDED in page.locator("article").inner_text()
            page.locator(".md-version__current").hover(force=True)  # opens the selector
            page.locator(".md-version__link", has_text=OLDER).first.click()
            page.wait_for_url(f"**/{OLDER}/{revised_path}**")
            page.screenshot(path="/tmp/cems-site-version.png")
            assert REVISED in page.locator("article h1").inner_text()
            assert ADDED not in page.locator("article").inner_text()

            page.goto(f"{served}{NEWEST}/{revised_path}")
            page.screenshot(path="/tmp/cems-site-document.png", full_page=False)
            with page.expect_download() as info:
                page.locator("a", has_text="下载 Word 受控副本").first.click()
            saved = tmp_path / info.value.suggested_filename
            info.value.save_as(saved)
            assert saved.suffix == ".docx" and REVISED in saved.name
            assert ADDED in _docx_text(saved.read_bytes())
        finally:
            browser.close()


def test_only_the_release_in_force_offers_controlled_copies(served: str) -> None:
    """An older version's page offers its Word copy marked 已替代, and the copy says so."""
    pages = {}
    for version in (OLDER, NEWEST):
        url = f"{served}{version}/{_page_path(REVISED)}"
        with urlopen(url) as response:
            pages[version] = (url, response.read().decode("utf-8"))
    assert "下载 Word 受控副本" in pages[NEWEST][1]
    old_url, old = pages[OLDER]
    assert "下载 Word 受控副本" not in old and f"已被 {NEWEST} 替代，非受控" in old
    link = re.search(r'href="([^"]+\.docx)"', old)
    assert link is not None
    with urlopen(urljoin(old_url, link.group(1))) as response:
        text = _docx_text(response.read(), headers=False)
    assert "已替代（非受控）" in text and f"本版本已被 {NEWEST} 替代" in text
    assert "受控\n" not in text
