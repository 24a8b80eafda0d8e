"""Render stage (site): the 碳排放报告与履约 section — each year's emission report, verification
comparison, allowance ledger and forecast, and the 履约日历 page.

Everything is computed from the model by `generator.carbon` (pure); the calendar's reference date
is the date of the commit the site is built from (never the clock). Download links come from
`ctx.downloads`: `emission-report:<year>` (Word), `xlsx:emission-report-xlsx:<year>` (Excel) and
`attachment:<path>` (evidence files copied into the site by the build).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from generator.carbon.calc.calendar import KIND_ZH, calendar_years, deadlines
from generator.carbon.calc.cycle import YearCompliance, cycle_years, year_compliance
from generator.carbon.calc.inventory import Inventory, compute_inventory, inventory_years
from generator.carbon.calc.rounding import tco2
from generator.carbon.report.compliance import calendar_markdown, t, year_markdown
from generator.carbon.report.emission_report import render_emission_report
from generator.carbon.report.markdown import table
from generator.content.attachments import iter_attachments
from generator.core.issues import CemsError
from generator.render.site.pages import Page, SiteContext
from generator.render.site.text import md_text

FOLDER = "compliance"


def _page(path: str, title: str, text: str) -> Page:
    return Page(path, title, str(Markup(text)))  # HTML is sanitised after rendering


def _downloads(ctx: SiteContext, found: YearCompliance) -> list[str]:
    links = []
    word = ctx.downloads.get(f"emission-report:{found.year}")
    if word:
        links.append(f"[二氧化碳排放报告 Word 受控副本（.docx）](../{word})")
    excel = ctx.downloads.get(f"xlsx:emission-report-xlsx:{found.year}")
    if excel:
        links.append(f"[排放报告表格和月度数据（.xlsx）](../{excel})")
    records = [r for r in ctx.model.records if r.data.get("year") == found.year]
    for record in records:
        for attachment in iter_attachments(record.path, record.data):
            target = ctx.downloads.get(f"attachment:{attachment.path}")
            name = md_text(attachment.title or attachment.path)
            if target:
                links.append(
                    f"[{name}](../{target})（{record.id}，SHA-256 `{attachment.sha256[:16]}…`）"
                )
    return [f"- {link}" for link in links]


def _report_text(
    ctx: SiteContext, year: int, structure: dict[str, Any], cache: dict[int, Inventory | None]
) -> str | None:
    known = inventory_years(ctx.model)
    for y in (year, year - 1):
        if y in known and y not in cache:
            cache[y] = compute_inventory(ctx.model, y)[0]
    inventory = cache.get(year)
    if inventory is None:
        return None
    return render_emission_report(ctx.model, inventory, cache.get(year - 1), structure).markdown


def _index(found: list[YearCompliance]) -> str:
    rows = []
    for f in found:
        ledger = f.ledger
        rows.append(
            (
                f"[{f.year}]({f.year}.md)",
                tco2(f.inventory.total_tco2) if f.inventory else "—",
                tco2(f.verification.verified_total) if f.verification else "未核查",
                t(ledger.balance_t) if ledger else "—",
                t(ledger.surrendered_t) if ledger else "—",
                ledger.surrender_date if ledger and ledger.surrender_date else "未清缴",
            )
        )
    return "\n".join(
        [
            "# 碳排放报告与履约",
            "",
            "重点碳排放单位的年度循环：报送上一年度二氧化碳排放报告和月度数据，接受第三方核查，"
            "按期清缴配额和抵消量。下表由记录和核算引擎计算。",
            "",
            table(
                ("年度", "核算排放 tCO2", "核查排放 tCO2", "配额盈缺 t", "清缴 t", "清缴日期"), rows
            ),
            "",
            "[履约日历](calendar.md)",
            "",
        ]
    )


def _calendar(ctx: SiteContext, found: list[YearCompliance]) -> str:
    today = ctx.history.head_date
    out = ["# 履约日历", ""]
    out.append(
        f"参照日期 {today}（本站所依据提交的日期）。" if today else "无 git 历史：只列截止日期。"
    )
    out += ["", "日期取自各年度通知；标 M 的日期未经核实，使用前须对照当年通知。", ""]
    evaluated = {f.year: f.calendar for f in found if f.calendar}
    for year in calendar_years():
        out += [f"## {year} 报告年度", ""]
        if year in evaluated:
            out += calendar_markdown(evaluated[year])
        else:
            rows = [(d.due, KIND_ZH[d.kind], d.title + (f"（{d.month}）" if d.month else ""), d.tag, d.source)
                    for d in deadlines(year)]  # fmt: skip
            out.append(table(("截止日期", "事项", "内容", "可信度", "依据"), rows))
        out.append("")
    return "\n".join(out)


def compliance_pages(ctx: SiteContext, structure: dict[str, Any]) -> list[Page]:
    """The section's pages, newest year first; none when there is nothing to show.
    `structure` is the emission report's section list (templates/emission-report)."""
    try:
        years = cycle_years(ctx.model)
    except (KeyError, ValueError, TypeError):
        return []
    if not years:
        return []
    today = ctx.history.head_date
    cache: dict[int, Inventory | None] = {}
    found = []
    for year in years:
        try:
            found.append(year_compliance(ctx.model, year, today, cache))
        except CemsError:
            continue
    pages = [_page(f"{FOLDER}/index.md", "碳排放报告与履约", _index(found))]
    for f in sorted(found, key=lambda f: f.year, reverse=True):
        text = year_markdown(f, today)
        links = _downloads(ctx, f)
        if links:
            text = text.replace("\n", "\n\n" + "\n".join(links) + "\n", 1)
        pages.append(_page(f"{FOLDER}/{f.year}.md", f"{f.year} 年度履约", text))
        report = _report_text(ctx, f.year, structure, cache)
        if report:
            pages.append(_page(f"{FOLDER}/{f.year}-report.md", f"{f.year} 年度排放报告", report))
    pages.append(_page(f"{FOLDER}/calendar.md", "履约日历", _calendar(ctx, found)))
    return pages
