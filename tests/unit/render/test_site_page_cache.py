"""The store of rendered pages: a site built from it is the site built without it, and an
unchanged page is neither rendered nor segmented again."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import jinja2
import pytest
from mkdocs.structure.pages import Page

from generator.content.project import load_project, require_model
from generator.core.config import Config
from generator.core.issues import Severity
from generator.render.site.assemble import render_site
from generator.render.site.page_cache import PAGES_FILE, SEARCH_FILE
from generator.render.site.page_outputs import OUTPUT_FOLDER, OUTPUTS_FILE
from tests.support.fake_history import released_history


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_site_from_the_page_store_is_the_same_site(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config.for_root(sample_copy)
    model = require_model(load_project(config))
    history = released_history(model)
    store = tmp_path / "pages"
    first = render_site(model, history, config, tmp_path / "one", page_cache=store)
    assert [i for i in first if i.severity is Severity.ERROR] == []
    pages = json.loads((store / PAGES_FILE).read_text(encoding="utf-8"))
    assert len(pages) > 50 and json.loads((store / SEARCH_FILE).read_text(encoding="utf-8"))

    rendered, themed = _count_renders(monkeypatch)
    # a download no page links to yet (a draft's copy) is one more site file: no page changes
    extra = tmp_path / "two" / "site-src" / "docs" / "downloads" / "word" / "drafts" / "X.docx"
    extra.parent.mkdir(parents=True)
    extra.write_bytes(b"draft copy")
    second = render_site(model, history, config, tmp_path / "two", page_cache=store)
    assert [i for i in second if i.severity is Severity.ERROR] == []
    assert rendered == [] and themed == []  # every page came from the store
    extra.unlink()
    (tmp_path / "two" / "site" / extra.relative_to(tmp_path / "two" / "site-src" / "docs")).unlink()
    assert _tree(tmp_path / "two" / "site") == _tree(tmp_path / "one" / "site")

    # a changed page is rendered again, the others still come from the store
    rendered.clear()
    first_doc = model.documents[0]
    edited = dataclasses.replace(first_doc, body=first_doc.body + "\n\n新增的一段话。\n")
    changed = dataclasses.replace(model, documents=(edited, *model.documents[1:]))
    third = render_site(changed, history, config, tmp_path / "three", page_cache=store)
    assert [i for i in third if i.severity is Severity.ERROR] == []
    assert rendered == [f"documents/{first_doc.kind}/{first_doc.id}.md"]
    assert themed == rendered  # the theme ran for that page only: the nav is unchanged
    assert "新增的一段话" in (
        tmp_path / "three" / "site" / "documents" / first_doc.kind / first_doc.id / "index.html"
    ).read_text(encoding="utf-8")


def _count_renders(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """(pages whose Markdown was converted, pages the theme templates rendered)."""
    rendered: list[str] = []
    themed: list[str] = []
    original, theme = Page.render, jinja2.Template.render

    def counting(page: Any, config: Any, files: Any) -> None:
        rendered.append(page.file.src_uri)
        original(page, config, files)

    def theme_counting(template: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        page = args[0].get("page") if args and isinstance(args[0], dict) else None
        if page is not None:
            themed.append(page.file.src_uri)
        return theme(template, *args, **kwargs)

    monkeypatch.setattr(Page, "render", counting)
    monkeypatch.setattr(jinja2.Template, "render", theme_counting)
    return rendered, themed


def test_a_new_title_renders_every_page_again_and_a_damaged_output_is_not_served(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page shows the navigation: a document's new title changes every page. A kept
    output whose file no longer has its digest is rendered again, not served."""
    config = Config.for_root(sample_copy)
    model = require_model(load_project(config))
    history = released_history(model)
    store = tmp_path / "pages"
    render_site(model, history, config, tmp_path / "one", page_cache=store)
    outputs = json.loads((store / OUTPUTS_FILE).read_text(encoding="utf-8"))
    assert len(outputs) > 50
    damaged = store / OUTPUT_FOLDER / f"{sorted(outputs.values())[0]}.html"
    damaged.unlink()  # a hard link to the page: write a new file, as an editor would
    damaged.write_text("<html>伪造的页面</html>", encoding="utf-8")
    _rendered, themed = _count_renders(monkeypatch)
    render_site(model, history, config, tmp_path / "again", page_cache=store)
    assert len(themed) == 1  # the damaged one only
    assert _tree(tmp_path / "again" / "site") == _tree(tmp_path / "one" / "site")

    themed.clear()
    last = model.documents[-1]
    renamed = dataclasses.replace(last, title=last.title + "（修订）")
    changed = dataclasses.replace(model, documents=(*model.documents[:-1], renamed))
    render_site(changed, history, config, tmp_path / "cached", page_cache=store)
    assert len(themed) == len(outputs)
    monkeypatch.undo()
    render_site(changed, history, config, tmp_path / "plain")
    assert _tree(tmp_path / "cached" / "site") == _tree(tmp_path / "plain" / "site")


def test_two_builds_in_one_process_segment_the_search_text_alike(
    sample_copy: Path, tmp_path: Path
) -> None:
    """jieba adds the user words' counts again on every load: the site versions of one
    `cems publish` run would each segment differently. The words are loaded once."""
    config = Config.for_root(sample_copy)
    model = require_model(load_project(config))
    history = released_history(model)
    for out in ("one", "two", "three"):
        render_site(model, history, config, tmp_path / out)
    index = [
        (tmp_path / out / "site" / "search" / "search_index.json").read_bytes()
        for out in ("one", "two", "three")
    ]
    assert index[0] == index[1] == index[2]


def test_a_stored_page_serves_only_while_every_file_it_looked_up_answers_the_same() -> None:
    """A link is rewritten against the file it names: that file gone, moved or left out of
    the site, the page is rendered again (and MkDocs warns of a broken link)."""
    from mkdocs.structure.files import File, Files, InclusionLevel

    from generator.render.site.page_cache import _lookups_hold, _SeenFiles

    def files(*names: str, excluded: str = "") -> Files:
        return Files(
            [
                File(
                    n,
                    "/docs",
                    "/site",
                    True,
                    inclusion=InclusionLevel.EXCLUDED
                    if n == excluded
                    else InclusionLevel.UNDEFINED,
                )
                for n in names
            ]
        )

    seen = _SeenFiles(files("a.md", "b.md"))
    assert seen.get_file_from_path("b.md") is not None and seen.get_file_from_path("c.md") is None
    lookups = json.loads(json.dumps(seen.lookups))  # as the store keeps them
    assert _lookups_hold(lookups, files("a.md", "b.md", "d.docx"))  # one more file: unchanged
    assert not _lookups_hold(lookups, files("a.md"))  # b.md gone
    assert not _lookups_hold(lookups, files("a.md", "b.md", "c.md"))  # c.md now exists
    assert not _lookups_hold(lookups, files("a.md", "b.md", excluded="b.md"))
    assert not _lookups_hold(None, files("a.md"))  # an entry from before lookups were kept
