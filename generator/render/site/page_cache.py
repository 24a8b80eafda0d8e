"""Render stage (site): a store of rendered pages, so an unchanged page skips Markdown and
jieba when MkDocs builds the site again.

MkDocs has no incremental build: every build converts every page's Markdown to HTML and the
search plugin segments every page's text with jieba (most of a build of ~3,000 pages). This
MkDocs plugin keeps, per page, what `Page.render` produces (HTML, table of contents, title,
anchors) keyed by the page's Markdown, its path and URL, the generated mkdocs.yml and the
versions of the Markdown stack, with every site file the render looked up (links are checked
and rewritten against them) and the answer it got: the entry serves only while each lookup
still gives that answer, so a new download elsewhere does not render every page again; and
the search entries of a page keyed by its final HTML, title, metadata and the search setup.
A page whose key is stored is not rendered or segmented again: its stored result is put in
place and the rest of the build (theme, sanitiser, search index, sitemap) runs as always, so
the site is the same as an uncached build. The store is written only after a build without
a warning, and holds only the entries that build used.
"""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.toc import get_toc

from generator.core.versions import installed_versions, parts_digest
from generator.render.site.page_outputs import KeptTemplate, OutputStore, folder_digest, toc_tokens

PLUGIN_NAME = "cems-page-cache"
PAGES_FILE = "pages.json"
SEARCH_FILE = "search.json"
_STACK = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material", "jieba")


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or damaged: render everything
    return data if isinstance(data, dict) else {}


class PageCachePlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Registered by `build_mkdocs` when the build has a cache folder."""

    def __init__(self, folder: Path, config_file: Path, words: str = "") -> None:
        self.folder = folder
        self.words = words  # the search dictionary jieba was given
        self.setup = parts_digest(
            installed_versions(_STACK), config_file.read_text(encoding="utf-8")
        )
        self.pages = _load(folder / PAGES_FILE)
        self.search = _load(folder / SEARCH_FILE)
        self.used_pages: dict[str, Any] = {}
        self.used_search: dict[str, Any] = {}
        self.hits = 0
        self.outputs: OutputStore | None = None  # made once the theme is known (on_config)

    @event_priority(-100)  # after the search plugin has made its index
    def on_config(self, config: Any, /) -> Any:
        search = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(search, "search_index", None)
        if index is not None and hasattr(index, "add_entry_from_context"):
            # the dictionary by its words (its path is the staging folder's)
            options = repr(
                sorted((k, repr(v)) for k, v in search.config.items() if k != "jieba_dict_user")
            )
            self._wrap_search(index, parts_digest(self.setup, options, self.words))
        custom_dir = config.theme.custom_dir
        theme = folder_digest(Path(custom_dir) if custom_dir else None)
        self.outputs = OutputStore(self.folder, parts_digest(self.setup, theme))
        return config

    def on_env(self, env: Any, /, *, config: Any, files: Any) -> Any:
        """Theme templates whose page output comes from the store when its key is kept."""
        store = self.outputs
        if store is not None:
            get_template = env.get_template

            def kept_template(*args: Any, **kwargs: Any) -> Any:
                return KeptTemplate(get_template(*args, **kwargs), store)

            env.get_template = kept_template
        return env

    @event_priority(-100)  # last: the Markdown every other plugin has finished with
    def on_page_markdown(self, markdown: str, /, *, page: Any, config: Any, files: Any) -> str:
        key = parts_digest(self.setup, page.file.src_uri, str(page.url), markdown)
        stored = self.pages.get(key)
        if stored is not None and _lookups_hold(stored.get("lookups"), files):
            page.render = types.MethodType(_restorer(stored), page)
            self.used_pages[key] = stored
            self.hits += 1
        else:
            page.render = types.MethodType(_recorder(self.used_pages, key), page)
        return markdown

    def _wrap_search(self, index: Any, setup: str) -> None:
        add = index.add_entry_from_context

        def add_entry_from_context(page: Any) -> None:
            meta = json.dumps(page.meta, sort_keys=True, ensure_ascii=False, default=repr)
            key = parts_digest(setup, page.url, str(page.title), meta, page.content)
            stored = self.search.get(key)
            if stored is None:
                before = len(index.entries)
                add(page)
                stored = index.entries[before:]
            else:
                index.entries.extend(json.loads(json.dumps(stored)))
            self.used_search[key] = stored

        index.add_entry_from_context = add_entry_from_context

    def save(self) -> None:
        """Keep this build's entries (called only after a build without warnings)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for name, data in ((PAGES_FILE, self.used_pages), (SEARCH_FILE, self.used_search)):
                partial = self.folder / f"{name}.partial"
                partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                partial.replace(self.folder / name)
        except OSError:
            return  # no store is slower, never wrong
        if self.outputs is not None:
            self.outputs.save()


class _SeenFiles:
    """The site's files as one page's render sees them: every lookup and its answer noted."""

    def __init__(self, files: Any) -> None:
        self._files = files
        self.lookups: dict[str, list[Any] | None] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._files, name)

    def get_file_from_path(self, path: str) -> Any:
        found = self._files.get_file_from_path(path)
        self.lookups[str(path)] = _answer(found)
        return found


def _answer(found: Any) -> list[Any] | None:
    """What a link to a file turns into: its URL, and whether it is left out of the site."""
    return None if found is None else [found.url, found.inclusion.value]


def _lookups_hold(lookups: Any, files: Any) -> bool:
    """Every file the stored page looked up gives the same answer in this build's files."""
    if not isinstance(lookups, dict):
        return False
    return all(_answer(files.get_file_from_path(p)) == a for p, a in lookups.items())


def _recorder(store: dict[str, Any], key: str) -> Any:
    """`Page.render`, then the result kept under `key`."""

    def render(page: Any, config: Any, files: Any) -> None:
        seen = _SeenFiles(files)
        type(page).render(page, config, seen)
        store[key] = {
            "lookups": seen.lookups,
            "content": page.content,
            "toc": toc_tokens(page.toc),
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids),
            "links": {
                f.src_uri: links
                for f, links in (getattr(page, "links_to_anchors", {}) or {}).items()
            },
        }

    return render


def _restorer(stored: dict[str, Any]) -> Any:
    """A `Page.render` that puts the stored result in place."""

    def render(page: Any, config: Any, files: Any) -> None:
        page.content = stored["content"]
        page.toc = get_toc(stored["toc"])
        page._title_from_render = stored["title"]
        page.present_anchor_ids = set(stored["anchors"])
        links = {}
        for src_uri, anchors in stored["links"].items():
            target = files.get_file_from_path(src_uri)
            if target is not None:
                links[target] = anchors
        page.links_to_anchors = links

    return render
