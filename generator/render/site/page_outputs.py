"""Render stage (site): a store of the theme's output per page, so a page whose inputs are all
unchanged skips the theme templates when MkDocs builds the site again.

With the Markdown kept (`page_cache.py`), most of a rebuild is Material's templates, and most
of that is the navigation every page carries (300 documents: ~3,000 pages, each with the full
nav). The output of `main.html` for a page depends on the page (URL, title, HTML, table of
contents, metadata), the whole navigation (titles, URLs and order: the nav, breadcrumbs and
previous/next links), the set of documentation pages (the theme's `pages`; other files such
as downloads the theme never reads), the generated mkdocs.yml, the theme's templates
(Material by its version, the overrides by their text) and any context a plugin added. Those
make the key; the output is kept as a file named by its SHA-256 and checked against that name
when it is used again, so a damaged or edited file is rendered again instead of served.
`build_date_utc` is left out: no template of the site prints it (the builds are reproducible).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from generator.core.local_cache import link_or_copy, read_json, write_json
from generator.core.versions import parts_digest

OUTPUTS_FILE = "outputs.json"
OUTPUT_FOLDER = "outputs"
# what every page's context holds (mkdocs.commands.build.get_context); the rest came from plugins
_STANDARD_CONTEXT = frozenset(
    {"nav", "pages", "base_url", "extra_css", "extra_javascript", "mkdocs_version"}
    | {"build_date_utc", "config", "page"}
)


def folder_digest(folder: Path | None) -> str:
    """Every file of a theme folder (the overrides) by its path and bytes."""
    if folder is None or not folder.is_dir():
        return ""
    parts = [
        f"{p.relative_to(folder).as_posix()}\t{hashlib.sha256(p.read_bytes()).hexdigest()}"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]
    return parts_digest(*parts)


def nav_digest(nav: Any) -> str:
    """The navigation as every page shows it: each item's kind, title and URL, in order."""

    def walk(items: Any) -> list[Any]:
        return [
            [
                type(item).__name__,
                str(item.title),
                str(getattr(item, "url", "")),
                walk(getattr(item, "children", None) or []),
            ]
            for item in items
        ]

    return parts_digest(json.dumps(walk(nav.items), ensure_ascii=False))


def toc_tokens(items: Any) -> list[dict[str, Any]]:
    """A table of contents as plain data (what `get_toc` builds it back from)."""
    return [
        {"name": i.title, "id": i.id, "level": i.level, "children": toc_tokens(i.children)}
        for i in items
    ]


class OutputStore:
    """Template outputs by key, kept as `<folder>/outputs/<sha256>.html`."""

    def __init__(self, folder: Path, setup: str) -> None:
        self.folder = folder
        self.blobs = folder / OUTPUT_FOLDER
        self.setup = setup  # stack versions, mkdocs.yml, the theme overrides
        kept = read_json(folder / OUTPUTS_FILE)
        self.kept: dict[str, str] = kept if isinstance(kept, dict) else {}
        self.used: dict[str, str] = {}  # key -> digest of the output, this build's entries
        self.written: dict[str, str] = {}  # output digest -> the page file MkDocs wrote
        self._nav: tuple[int, str] = (0, "")

    def key(self, template_name: str, context: Any) -> str:
        page, nav = context["page"], context["nav"]
        if self._nav[0] != id(nav):  # one nav and page set per build; titles are final by now
            pages = sorted(f"{f.src_uri}\t{f.url}" for f in context["pages"])
            self._nav = (id(nav), parts_digest(nav_digest(nav), *pages))
        extra = sorted((k, repr(context[k])) for k in context.keys() if k not in _STANDARD_CONTEXT)
        return parts_digest(
            self.setup,
            self._nav[1],
            template_name,
            str(page.url),
            str(page.file.src_uri),
            str(page.title),
            page.content or "",
            json.dumps(toc_tokens(page.toc), ensure_ascii=False),
            json.dumps(page.meta, sort_keys=True, ensure_ascii=False, default=repr),
            str(page.edit_url),
            str(page.canonical_url),
            repr(extra),
        )

    def get(self, key: str) -> str | None:
        """The kept output under `key`, if its file is there and still has its digest."""
        digest = self.kept.get(key)
        if digest is None:
            return None
        try:
            data = (self.blobs / f"{digest}.html").read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != digest:
            return None
        self.used[key] = digest
        return data.decode("utf-8")

    def put(self, key: str, output: str, dest: str) -> None:
        # encoded as MkDocs writes the page
        data = output.encode("utf-8", errors="xmlcharrefreplace")
        digest = hashlib.sha256(data).hexdigest()
        self.used[key] = digest
        self.written[digest] = dest

    def save(self) -> None:
        """Keep this build's outputs (hard links to the page files MkDocs wrote) and drop the
        files no entry names any more."""
        try:
            self.blobs.mkdir(parents=True, exist_ok=True)
            lost = {d for d, dest in self.written.items() if not self._keep(d, Path(dest))}
            self.used = {k: d for k, d in self.used.items() if d not in lost}
            wanted = {f"{d}.html" for d in self.used.values()}
            for path in self.blobs.iterdir():
                if path.name not in wanted:
                    path.unlink()
        except OSError:
            return  # no store is slower, never wrong
        write_json(self.folder / OUTPUTS_FILE, self.used)

    def _keep(self, digest: str, dest: Path) -> bool:
        """Link the written page as the output `digest`; False if the file is not that output
        (a post_page plugin changed it)."""
        target = self.blobs / f"{digest}.html"
        if target.is_file():
            return True
        try:
            if hashlib.sha256(dest.read_bytes()).hexdigest() != digest:
                return False
            link_or_copy(dest, target)
        except OSError:
            return False
        return True


class KeptTemplate:
    """A theme template whose `render` of a page comes from the store when its key is kept.
    Everything else (the blocks and render functions `extends` and `include` use) is the
    template's own."""

    def __init__(self, template: Any, store: OutputStore) -> None:
        self._template = template
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)

    def render(self, *args: Any, **kwargs: Any) -> str:
        context: Any = args[0] if len(args) == 1 and not kwargs else None
        page = context.get("page") if isinstance(context, dict) else None
        if page is None or getattr(page, "file", None) is None:  # 404, sitemap: theme pages
            return str(self._template.render(*args, **kwargs))
        key = self._store.key(str(self._template.name), context)
        kept = self._store.get(key)
        if kept is not None:
            return kept
        output = str(self._template.render(context))
        self._store.put(key, output, str(page.file.abs_dest_path))
        return output
