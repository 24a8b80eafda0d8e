"""No input breaks or subverts a build: every case of the bad-input corpus, and what the one
valid-but-hostile build produces (inert HTML, no formulas, no byte from outside the repository).

Validate-only cases cost a sample copy and a validate run (~0.2 s); the few build cases fail
early or share one build (the hostile case, module-scoped).
"""

from __future__ import annotations

import functools
import http.server
import threading
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from tests.bad_input.corpus import CASES_DIR, SECRET, Run, all_cases, case_ids, check_run, run_case

HOSTILE = "build-hostile-content-is-inert"
AREAS = {"yaml", "csv", "markdown", "paths", "templates", "cli"}
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Run:
    run = run_case(CASES_DIR / HOSTILE, tmp_path_factory.mktemp("hostile"))
    check_run(run)
    return run


@pytest.mark.parametrize("case", case_ids())
def test_case(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    run = request.getfixturevalue("hostile") if case.name == HOSTILE else run_case(case, tmp_path)
    check_run(run)


def test_corpus_is_broad() -> None:
    """At least 40 cases, each describing itself, over every kind of input."""
    cases = all_cases()
    specs = [yaml.safe_load((c / "expected.yaml").read_text(encoding="utf-8")) for c in cases]
    assert len(cases) >= 40
    assert all(s.get("description") for s in specs)
    assert {s.get("area") for s in specs} == AREAS
    assert all(s["exit"] in (0, 1, 2) for s in specs)  # never 3


# ---- the hostile build: what it wrote ------------------------------------------------------

SCRIPTY_TAGS = {"script", "iframe", "object", "embed", "form", "style", "svg", "math", "base"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}


def _scheme(url: str) -> str:
    """The scheme a browser sees: leading/trailing controls and spaces stripped, tabs and
    newlines removed anywhere, case folded."""
    cleaned = url.strip("".join(map(chr, range(33)))).replace("\t", "").replace("\n", "")
    head = cleaned.replace("\r", "").split(":", 1)
    return head[0].lower() if len(head) == 2 and "/" not in head[0] else ""


class _Audit(HTMLParser):
    """Collects what could run: event handlers, script-like tags in the content, bad URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article>, where content goes
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        if self.depth and tag in SCRIPTY_TAGS:
            self.problems.append(f"<{tag}> in content")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}={value!r}")
            if name in URL_ATTRS and value and _scheme(value) in {"javascript", "vbscript", "data"}:
                self.problems.append(f"{tag} {name}={value!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1


def test_site_has_no_script_from_content(hostile: Run) -> None:
    site = hostile.root / "build" / "site"
    pages = sorted(site.rglob("*.html"))
    assert pages
    problems = []
    for page in pages:
        audit = _Audit()
        audit.feed(page.read_text(encoding="utf-8"))
        problems += [f"{page.relative_to(site)}: {p}" for p in audit.problems]
    assert problems == []
    text = next(p for p in pages if "CEMS-QP-06" in str(p)).read_text(encoding="utf-8")
    assert "md in html" in text and "列表项" in text  # the prose around the tricks survives
    assert "alert(" not in text.replace("java script:alert(1)", "")


def _members(path: Path) -> Iterator[tuple[str, bytes]]:
    yield path.name, path.read_bytes()
    if path.suffix in {".docx", ".xlsx", ".zip"}:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                yield f"{path.name}!{name}", archive.read(name)


def test_no_output_holds_a_byte_from_outside(hostile: Run) -> None:
    found = [
        name
        for path in sorted((hostile.root / "build").rglob("*"))
        if path.is_file()
        for name, data in _members(path)
        if SECRET.encode() in data
    ]
    assert found == []


def test_no_register_cell_is_a_formula(hostile: Run) -> None:
    books = sorted((hostile.root / "build" / "xlsx").glob("*.xlsx"))
    assert books
    texts: list[Any] = []
    for book in books:
        with zipfile.ZipFile(book) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
        for sheet in load_workbook(book).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{book.name}!{cell.coordinate}"
                    texts.append(cell.value)
    assert '=HYPERLINK("http://evil.example/","点击")' in texts  # kept, as text
    assert "=cmd|' /C calc'!A0" in texts


def test_word_copy_escapes_by_construction(hostile: Run) -> None:
    """The Word body writes text runs: markup stays literal text, links only http(s)/mailto."""
    copy = next((hostile.root / "build" / "word").glob("CEMS-QP-06-*.docx"))
    assert "资源_配置_控制_程序_试行" in copy.name  # & ` < > ( ) never reach a file name
    with zipfile.ZipFile(copy) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        body = archive.read("word/document.xml").decode("utf-8")
    assert "javascript" not in rels.lower()
    assert "&lt;svg onload=" in body or "&lt;script&gt;" in body  # shown, not interpreted
    assert SECRET not in body


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_chromium_opens_no_dialog(hostile: Run) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    site = hostile.root / "build" / "site"
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dialogs: list[str] = []
    page_path = next(site.rglob("CEMS-QP-06/index.html")).relative_to(site).as_posix()

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.on("dialog", on_dialog)
            for path in ("", page_path):
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/{path}")
                page.wait_for_load_state("load")
                page.evaluate(
                    """() => { for (const el of document.querySelectorAll('article *')) {
                        for (const kind of ['mouseover', 'mouseenter', 'focus', 'toggle'])
                            el.dispatchEvent(new Event(kind));
                        if (el.tagName === 'DETAILS') el.open = !el.open; } }"""
                )
                page.wait_for_timeout(300)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert dialogs == []
