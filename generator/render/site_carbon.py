"""Render stage (site): the optional 碳排放 section — one page per inventory year.

==== CARBON SLOT ==========================================================================
The carbon helper owns `generator.carbon.report`. When it is importable and exposes
`render_assessment(model, year) -> AssessmentReport(title, markdown, images)`, the site gets a
碳排放 section with one page per year, at `carbon/<year>/report.md`, the report's images written
beside it under the names its Markdown uses. When it is not there, the site has no such section.
===========================================================================================
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from ..issues import CemsError, Issue, Severity
from ..model import Model
from .site_pages import Page, SiteContext
from .site_text import md_text, sanitize_markdown


def _renderer() -> Callable[[Model, int], Any] | None:
    try:
        module = importlib.import_module("generator.carbon.report")
    except ImportError:
        return None
    func = getattr(module, "render_assessment", None)
    return func if callable(func) else None


def carbon_years(model: Model) -> list[int]:
    """Inventory years: from the carbon package when present, else the emission-source records."""
    try:
        from ..carbon.calc import inventory_years

        return list(inventory_years(model))
    except (ImportError, KeyError, ValueError, TypeError):
        years = {r.data.get("year") for r in model.records_of("emission-sources")}
        return sorted(int(y) for y in years if isinstance(y, int))


def image_path(markdown: str, name: str) -> str:
    """Where the report's Markdown expects image `name` (e.g. images/name.png), page-relative."""
    match = re.search(r"\]\(([^)\s]*" + re.escape(name) + r"[^)\s]*)\)", markdown)
    if match and ".." not in match.group(1) and not match.group(1).startswith("/"):
        return match.group(1)
    return name if "." in name else f"images/{name}.png"


def carbon_pages(ctx: SiteContext) -> tuple[list[Page], dict[str, bytes], list[Issue]]:
    """(pages, image files by docs/-relative path, issues); empty when the slot is unfilled."""
    render = _renderer()
    if render is None:
        return [], {}, []
    pages: list[Page] = []
    files: dict[str, bytes] = {}
    issues: list[Issue] = []
    for year in sorted(carbon_years(ctx.model), reverse=True):
        try:
            report = render(ctx.model, year)
        except CemsError as error:
            issues += error.issues or [
                Issue(
                    "records/emission-sources",
                    None,
                    "",
                    error.message,
                    Severity.WARNING,
                    code="SITE-CARBON",
                )
            ]
            continue
        folder = f"carbon/{year}"
        text = str(report.markdown)
        for name, data in sorted(dict(report.images).items()):
            files[f"{folder}/{image_path(text, name)}"] = data
        if not text.lstrip().startswith("# "):
            text = f"# {md_text(report.title)}\n\n{text}"
        download = ctx.downloads.get(f"report:{year}")
        if download:  # the controlled Word copy of the same report
            relative = "../../" + download
            text = text.replace("\n", f"\n\n[下载 Word 受控副本（.docx）]({relative})\n", 1)
        markdown = str(Markup(sanitize_markdown(text)))
        pages.append(Page(f"{folder}/report.md", f"{year} 年度碳评估", markdown))
    return pages, files, issues
