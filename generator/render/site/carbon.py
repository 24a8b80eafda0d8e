"""Render stage (site): the optional 碳排放 section — one page per inventory year.

`generator.carbon.report.sections.render_assessment(model, year)` gives each year's report
(title, Markdown, images); the site shows it at `carbon/<year>/report.md` with its images
beside it under the names its Markdown uses.
"""

from __future__ import annotations

import re

from generator.carbon.calc.inventory import inventory_years
from generator.carbon.report.sections import render_assessment
from generator.content.model import Model
from generator.core.issues import CemsError, Issue, Severity
from generator.render.site.pages import Page, SiteContext
from generator.render.site.text import md_text


def carbon_years(model: Model) -> list[int]:
    """Inventory years: from the carbon package when present, else the emission-source records."""
    try:
        return list(inventory_years(model))
    except (KeyError, ValueError, TypeError):
        years = {r.data.get("year") for r in model.records_of("emission-sources")}
        return sorted(int(y) for y in years if isinstance(y, int))


def image_path(markdown: str, name: str) -> str:
    """Where the report's Markdown expects image `name` (e.g. images/name.png), page-relative."""
    match = re.search(r"\]\(([^)\s]*" + re.escape(name) + r"[^)\s]*)\)", markdown)
    if match and ".." not in match.group(1) and not match.group(1).startswith("/"):
        return match.group(1)
    return name if "." in name else f"images/{name}.png"


def carbon_pages(ctx: SiteContext) -> tuple[list[Page], dict[str, bytes], list[Issue]]:
    """(pages, image files by docs/-relative path, issues)."""
    pages: list[Page] = []
    files: dict[str, bytes] = {}
    issues: list[Issue] = []
    for year in sorted(carbon_years(ctx.model), reverse=True):
        try:
            report = render_assessment(ctx.model, year)
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
        markdown = text
        pages.append(Page(f"{folder}/report.md", f"{year} 年度碳评估", markdown))
    if pages:
        pages.insert(0, carbon_index(ctx, pages))
    return pages, files, issues


def carbon_index(ctx: SiteContext, reports: list[Page]) -> Page:
    """carbon/index.md: the section's own page (a folder without one is a bare listing)."""
    lines = [
        "# 碳排放和碳评估",
        "",
        "按附录 A 编制的各年度碳评估报告（碳排放核算、强度、基准和先进值比较、评估结论）。"
        "每份报告页面可下载其 Word 受控副本。",
        "",
        "| 年度 | 报告 | Word 受控副本 |",
        "| --- | --- | --- |",
    ]
    for page in reports:
        year = page.path.split("/")[1]
        download = ctx.downloads.get(f"report:{year}")
        word = f"[下载（.docx）](../{download})" if download else "—"
        lines.append(f"| {year} | [{md_text(page.title)}]({year}/report.md) | {word} |")
    return Page("carbon/index.md", "碳排放和碳评估", "\n".join(lines) + "\n")
