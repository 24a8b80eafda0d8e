"""Render stage (site): the auditors' MkDocs-Material site, generated from the model and History.

`render_site` writes Markdown pages into `out_dir/site-src/docs/`, a generated
`out_dir/site-src/mkdocs.yml` (the repository's `mkdocs.yml` plus a nav derived from
content) and builds the HTML into `out_dir/site/` with MkDocs in-process. All pages are
gathered before anything is written, so links between pages are consistent.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from generator.carbon.report.emission_report import load_structure
from generator.content.model import DOCUMENT_KINDS, Model
from generator.content.schemas import load_schemas
from generator.control.types import History
from generator.core.config import Config
from generator.core.findings import ReviewPack, StatusReport
from generator.core.issues import Issue
from generator.render.site.carbon import carbon_pages
from generator.render.site.compliance import compliance_pages
from generator.render.site.mkdocs import (
    add_search_dictionary,
    build_mkdocs,
    load_base_config,
    patch_search_worker,
    prepare_theme,
    site_config,
    site_templates_dir,
    write_site_config,
)
from generator.render.site.pages import (
    Page,
    SiteContext,
    archive_index,
    archive_page_path,
    archived_page,
    document_page,
    document_page_path,
    documents_index,
    home_page,
    is_withdrawn,
    template_error,
)
from generator.render.site.registers import register_pages, registers_index
from generator.render.site.status import review_pack_page, status_page
from generator.render.site.text import make_environment
from generator.render.site.trace import clause_matrix_page, releases_page
from generator.render.site.verification import INDEX as VERIFY_INDEX
from generator.render.site.verification import Digests, verification_pages

KEEP_IN_DOCS = ("downloads",)  # the build copies Word/Excel files here before calling us


def existing_downloads(downloads: dict[str, str] | None, out_dir: Path) -> dict[str, str]:
    """Only links whose file exists: in docs/ already, or in out_dir (then copied into docs/)."""
    docs = out_dir / "site-src" / "docs"
    found: dict[str, str] = {}
    for key, rel in sorted((downloads or {}).items()):
        rel = rel.replace("\\", "/").lstrip("/")
        target = docs / rel
        if not target.is_file():
            source = out_dir / rel.removeprefix("downloads/")
            if not source.is_file():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        found[key] = rel
    return found


def downloads_from(out_dir: Path, model: Model) -> dict[str, str]:
    """Download links for what the Word/Excel renderers left in out_dir/word and out_dir/xlsx."""
    links: dict[str, str] = {}
    word = out_dir / "word"
    for doc in model.documents:
        matches = sorted(word.glob(f"{doc.id}-*.docx")) if word.is_dir() else []
        if matches:
            links[doc.id] = f"downloads/word/{matches[0].name}"
    xlsx = out_dir / "xlsx"
    for path in sorted(xlsx.glob("*.xlsx")) if xlsx.is_dir() else []:
        links[f"xlsx:{path.stem}"] = f"downloads/xlsx/{path.name}"
    return links


def _document_pages(ctx: SiteContext) -> tuple[list[Page], list[Page], dict[str, str]]:
    """Current documents and archived ones, plus where each id lives on the site."""
    current: list[Page] = []
    archived: list[Page] = []
    paths: dict[str, str] = {}
    for doc in ctx.model.documents:
        control = ctx.history.control(doc.id)
        withdrawn = is_withdrawn(doc, control)
        paths[doc.id] = (
            archive_page_path(doc.id) if withdrawn else document_page_path(doc.id, doc.kind)
        )
    for doc_id in sorted(ctx.history.archived):
        if doc_id not in paths:
            paths[doc_id] = archive_page_path(doc_id)
    for doc in ctx.model.documents:
        page = document_page(ctx, doc, paths[doc.id])
        (archived if paths[doc.id].startswith("archive/") else current).append(page)
    for doc_id in sorted(ctx.history.archived):
        if ctx.model.document(doc_id) is None:
            source, text = ctx.history.archived[doc_id]
            archived.append(archived_page(ctx, doc_id, source, text))
    return current, archived, paths


_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*)?\)")


def content_images(model: Model, root: Path, paths: dict[str, str]) -> dict[str, Path]:
    """Images the documents' bodies link to, keyed by where they go in docs/: beside the
    document's page, at the same relative path as beside its source file, so the body's
    link works unchanged on the site (as it does in the Word copy)."""
    found: dict[str, Path] = {}
    root = root.resolve()
    for doc in model.documents:
        page = paths.get(doc.id)
        if not page:
            continue
        source_dir = (root / doc.path).parent
        for src in _IMAGE.findall(doc.body):
            if "://" in src or src.startswith(("/", "data:", "#")):
                continue
            file = (source_dir / src).resolve()
            if file.is_file() and file.is_relative_to(root):
                target = posixpath.normpath((PurePosixPath(page).parent / src).as_posix())
                if not target.startswith("../"):
                    found[target] = file
    return found


def nav_title(text: str) -> str:
    """A nav title safe in every theme context: Material prints nav titles unescaped (and
    un-escapes them again with `striptags` in <title>), so markup characters are replaced by
    their full-width forms instead of being escaped."""
    return text.translate(str.maketrans("<>&", "＜＞＆"))


def _nav(
    model: Model,
    documents: list[Page],
    archived: list[Page],
    registers: list[Page],
    carbon: list[Page],
    compliance: list[Page] | None = None,
) -> list[Any]:
    by_path = {p.path: p for p in documents}
    kinds: list[Any] = ["documents/index.md"]
    for kind, kind_zh in DOCUMENT_KINDS.items():
        entries = [
            {nav_title(by_path[path].title): path}
            for doc in model.documents_of_kind(kind)
            if (path := document_page_path(doc.id, kind)) in by_path
        ]
        if entries:
            kinds.append({kind_zh: entries})
    nav: list[Any] = [
        {"首页": "index.md"},
        {"体系文件": kinds},
        {"记录和台账": ["registers/index.md", *({nav_title(p.title): p.path} for p in registers)]},
        {"条款对照表": "clauses.md"},
        {"发布历史": "releases.md"},
    ]
    if carbon:
        nav.append(
            {
                "碳排放": [
                    p.path if p.path == "carbon/index.md" else {nav_title(p.title): p.path}
                    for p in carbon
                ]
            }
        )
    if compliance:
        nav.append({"碳排放报告与履约": [{nav_title(p.title): p.path} for p in compliance]})
    if archived:
        nav.append(
            {
                "作废文件存档": [
                    "archive/index.md",
                    *({nav_title(p.title): p.path} for p in archived),
                ]
            }
        )
    return nav


def _write_pages(docs_dir: Path, pages: list[Page], assets: Path) -> None:
    docs_dir.mkdir(parents=True, exist_ok=True)
    for child in sorted(docs_dir.iterdir()):
        if child.name in KEEP_IN_DOCS:
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    for page in pages:
        target = docs_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    if assets.is_dir():
        shutil.copytree(assets, docs_dir / "assets", dirs_exist_ok=True)


SITE_TEMPLATES = ("home.md.j2", "document.md.j2", "section.md.j2")


def check_site_templates(config: Config) -> None:
    """Stop before any work when a site template is missing or does not parse (a repository's
    templates/site override), with the template's name and line."""
    env = make_environment(site_templates_dir(config))
    for name in SITE_TEMPLATES:
        try:
            env.get_template(name)
        except jinja2.TemplateError as error:
            raise template_error(name, error) from None


def render_site(
    model: Model,
    history: History,
    config: Config,
    out_dir: Path,
    *,
    downloads: dict[str, str] | None = None,
    version: str | None = None,
    status: StatusReport | None = None,
    review_packs: tuple[ReviewPack, ...] = (),
    superseded_by: str = "",
    verification: Digests | None = None,
    page_cache: Path | None = None,
) -> list[Issue]:
    """Generate the site's Markdown and mkdocs.yml under out_dir/site-src, build out_dir/site.

    `status` (the findings of `cems check`) and `review_packs` are computed by ops/ and handed
    in as data; without them the site has no status page and the clause matrix no findings.
    With `page_cache` (a folder), pages unchanged since the build that filled it are not
    rendered again (`page_cache.py`)."""
    src_dir = out_dir / "site-src"
    docs_dir = src_dir / "docs"
    templates = site_templates_dir(config)
    ctx = SiteContext(model, history, make_environment(templates), superseded_by=superseded_by)
    ctx.downloads = existing_downloads(downloads, out_dir)
    ctx.status = status
    schemas = load_schemas(config.schemas_dir, config.root)

    documents, archived, paths = _document_pages(ctx)
    current = {k: v for k, v in paths.items() if v.startswith("documents/")}
    registers = register_pages(ctx, schemas, current)
    carbon, carbon_files, issues = carbon_pages(ctx)
    structure = load_structure(config.template("emission-report", "structure.yaml"))
    compliance = compliance_pages(ctx, structure)
    pages = [
        home_page(ctx, paths, carbon=bool(carbon)),
        documents_index(ctx, current),
        *documents,
        registers_index(ctx, registers),
        *registers,
        clause_matrix_page(ctx, paths),
        releases_page(ctx, paths),
        *carbon,
        *compliance,
        *verification_pages(ctx, verification),
    ]
    running = [status_page(ctx, status)] if status is not None else []
    running += [
        review_pack_page(ctx, pack, ctx.downloads.get(f"review:{pack.id}", ""))
        for pack in review_packs
    ]
    pages += running
    if archived:
        entries = [
            (p.path.removeprefix("archive/").removesuffix(".md"), p.title, p.path) for p in archived
        ]
        entries = [(i, t.removeprefix(f"{i} "), p) for i, t, p in entries]
        pages += [archive_index(ctx, entries), *archived]

    _write_pages(docs_dir, pages, templates / "assets")
    for rel, image in sorted(content_images(model, config.root, paths).items()):
        (docs_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(image, docs_dir / rel)
    for rel, data in sorted(carbon_files.items()):
        (docs_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs_dir / rel).write_bytes(data)

    base = load_base_config(config)
    prepare_theme(config, base, src_dir)
    site_name = f"{model.organisation.short_name}碳排放管理体系"
    nav = _nav(model, documents, archived, registers, carbon, compliance)
    if running:
        nav.insert(1, {"体系运行": [{nav_title(p.title): p.path} for p in running]})
    nav.append({"副本核对": VERIFY_INDEX})  # one page per revision below it, not in the nav
    mk_config = site_config(base, site_name, nav, version)
    add_search_dictionary(mk_config, src_dir)
    write_site_config(src_dir / "mkdocs.yml", mk_config)
    sources = {p.path: p.source for p in pages if p.source}
    issues += build_mkdocs(src_dir / "mkdocs.yml", sources, config.root, page_cache)
    patch_search_worker(out_dir / "site")
    return issues
