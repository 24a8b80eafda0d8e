"""The published site in a real browser: Chinese search, version selector, Word download.

Serves `out/versions` with http.server on 127.0.0.1 and drives Chromium with Playwright.
Screenshots go to /tmp/cems-site-*.png for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from generator.content.project import load_project, require_model
from generator.core.config import Config
from generator.ops.publish import publish_versions
from tests.conftest import GitRepo, copy_sample

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
APPROVER = ("周建国", "zhou.jianguo@yanling-ceramics.example")
AUTHOR = ("唐雯", "tang.wen@yanling-ceramics.example")


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
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """(base url, id of the internal-audit procedure, its page path) of a served versions/;
    one build shared by the tests of this module."""
    if not Path(CHROMIUM).exists() or shutil.which("git") is None:
        pytest.skip("chromium or git is not installed")
    pytest.importorskip("playwright.sync_api")
    tmp_path = tmp_path_factory.mktemp("browser")
    sample_copy = copy_sample(tmp_path / "org")
    model = require_model(load_project(Config.for_root(sample_copy)))
    audit = next(d for d in model.documents if "内部审核" in d.title and d.kind == "procedure")
    repo = GitRepo(sample_copy)
    repo.commit("建立文件库", "2025-01-10T10:00:00+08:00", AUTHOR)
    repo.tag("release/2025-01", "首次发布", "2025-01-15T09:00:00+08:00", APPROVER)
    path = sample_copy / audit.path
    path.write_text(path.read_text(encoding="utf-8") + "\n增补条款。\n", encoding="utf-8")
    repo.commit(f"{audit.id}: 增补", "2025-03-01T10:00:00+08:00", AUTHOR)
    repo.tag("release/2025-03", "第二次发布", "2025-03-05T09:00:00+08:00", APPROVER)
    out = tmp_path / "out"
    publish_versions(Config.for_root(sample_copy, out), out)
    handler = functools.partial(_Quiet, directory=str(out / "versions"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield (
            f"http://127.0.0.1:{server.server_address[1]}/",
            audit.id,
            f"documents/{audit.kind}/{audit.id}/",
        )
    finally:
        server.shutdown()
        server.server_close()


def _browser(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def test_search_for_a_term_of_the_standard_finds_its_procedure_first(published) -> None:
    """碳评估 is one word (jieba user dictionary) and documents are boosted: the procedure
    CEMS-QP-02 碳评估控制程序 is among the first three results, not 碳酸钙 in a work instruction."""
    from playwright.sync_api import sync_playwright

    base = published[0]
    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            # a shared search link runs the whole query once (typing races the worker)
            page.goto(base + "2025-03/?q=" + quote("碳评估"))
            whole = page.locator(f'a.md-search-result__link[href*="h={quote("碳评估")}"]').first
            whole.wait_for(timeout=60_000)
            links = page.locator("li.md-search-result__item > a.md-search-result__link")
            top = [links.nth(i).get_attribute("href") or "" for i in range(min(3, links.count()))]
            page.screenshot(path="/tmp/cems-site-search-term.png")
            assert any("documents/procedure/CEMS-QP-02/" in href for href in top), top
        finally:
            browser.close()


def test_search_switch_version_and_download(published, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base, audit_id, page_path = published
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
            page.goto(base)
            page.wait_for_url("**/2025-03/")  # root -> latest -> newest release
            page.screenshot(path="/tmp/cems-site-home.png")

            page.locator("label.md-search__icon, .md-search__input").first.click()
            # the result that links to the procedure's own page (other pages mention its id too)
            result = page.locator(f'a.md-search-result__link[href*="{page_path}"]').first
            _search_until_found(page, "内部审核", result)
            page.screenshot(path="/tmp/cems-site-search.png")
            _open_result(page, result, f"**/2025-03/{page_path}**")
            assert audit_id in page.locator("article h1").inner_text()

            page.locator(".md-version__current").hover(force=True)  # opens the selector
            page.locator(".md-version__link", has_text="2025-01").first.click()
            # the selector keeps the page: the same document in the older version
            page.wait_for_url(f"**/2025-01/{page_path}**")
            page.screenshot(path="/tmp/cems-site-version.png")
            assert audit_id in page.locator("article h1").inner_text()
            assert "增补条款" not in page.locator("article").inner_text()

            page.goto(f"{base}2025-03/{page_path}")
            page.screenshot(path="/tmp/cems-site-document.png", full_page=False)
            with page.expect_download() as info:
                page.locator("a", has_text="下载 Word 受控副本").first.click()
            saved = tmp_path / info.value.suggested_filename
            info.value.save_as(saved)
            assert saved.suffix == ".docx" and audit_id in saved.name
            assert saved.read_bytes()[:2] == b"PK"
        finally:
            browser.close()


def test_only_the_release_in_force_offers_controlled_copies(published, tmp_path: Path) -> None:
    """An older version's page offers its Word copy marked 已替代, and the copy says so."""
    import io
    import re
    from urllib.parse import urljoin
    from urllib.request import urlopen

    from docx import Document

    base, _audit_id, page_path = published
    pages = {}
    for version in ("2025-01", "2025-03"):
        url = f"{base}{version}/{page_path}"
        with urlopen(url) as response:
            pages[version] = (url, response.read().decode("utf-8"))
    assert "下载 Word 受控副本" in pages["2025-03"][1]
    old_url, old = pages["2025-01"]
    assert "下载 Word 受控副本" not in old and "已被 2025-03 替代，非受控" in old
    link = re.search(r'href="([^"]+\.docx)"', old)
    assert link is not None
    href = link.group(1)
    with urlopen(urljoin(old_url, href)) as response:
        document = Document(io.BytesIO(response.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "已替代（非受控）" in text and "本版本已被 2025-03 替代" in text
    assert "受控\n" not in text
