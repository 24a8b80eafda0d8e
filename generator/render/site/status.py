"""Render stage (site): the 体系运行状态 dashboard (findings of `cems check`, grouped by clause)
and the management review input pack page. The findings and the pack are computed in ops/ and
handed in as data (generator.core.findings); nothing here runs a rule."""

from __future__ import annotations

from markupsafe import Markup

from generator.core.findings import ReviewPack, StatusReport
from generator.core.issues import Severity
from generator.render.site.pages import Page, SiteContext, link
from generator.render.site.text import md_link, md_table, md_text

STATUS_PAGE = "status.md"
SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告"}


def review_pack_path(pack: ReviewPack) -> str:
    return f"review/{pack.id}.md"


def _clause_title(ctx: SiteContext, clause_id: str) -> str:
    found = next((c for c in ctx.model.clauses if c.id == clause_id), None)
    return f"{clause_id} {found.title}" if found else (clause_id or "文件和记录控制")


def status_page(ctx: SiteContext, status: StatusReport) -> Page:
    here = STATUS_PAGE
    errors = [f for f in status.findings if f.severity is Severity.ERROR]
    warnings = [f for f in status.findings if f.severity is Severity.WARNING]
    order = {c.id: i for i, c in enumerate(ctx.model.clauses)}
    clauses = sorted({f.clause for f in status.findings}, key=lambda c: order.get(c, 1 << 20))
    groups = []
    for clause_id in clauses:
        rows = []
        for f in status.for_clause(clause_id):
            where = f.file + (f":{f.line}" if f.line else "")
            severity = Markup(
                f'<span class="cems-{f.severity.value}">{SEVERITY_ZH[f.severity]}</span>'
            )
            rows.append(
                [severity, Markup(f"`{md_text(f.rule)}`"), f.message, Markup(f"`{md_text(where)}`")]
            )
        groups.append(
            {
                "title": _clause_title(ctx, clause_id),
                "anchor": "status-" + clause_id.replace(".", "-"),
                "facts": [],
                "table": md_table(["级别", "规则", "发现", "位置"], rows),
                "empty": "",
            }
        )
    banner = None
    if errors:
        banner = {
            "kind": "danger",
            "title": f"{len(errors)} 项错误：体系有环节没有按要求运行",
            "text": "错误需在下次管理评审前纠正；警告是即将到期或需要关注的事项。",
        }
    elif not status.findings:
        banner = {"kind": "success", "title": "没有发现问题", "text": "所有检查规则均已满足。"}
    facts = [
        md_text(f"检查日期 {status.as_of}：错误 {len(errors)} 项，警告 {len(warnings)} 项。"),
        md_text(f"检查覆盖条款 {len(status.checked_clauses)} 条，规则见 check-rules.yaml。"),
        Markup(f"各条款证据强度见 {md_link('条款对照表', link(here, 'clauses.md'))}。"),
    ]
    markdown = ctx.render(
        "section.md.j2",
        title="体系运行状态",
        banner=banner,
        intro="由 cems check 按《碳排放管理体系实施指南》第 6～10 章和附录 A、B 的要求逐条检查记录得到："
        "合规性评价是否按期、计量器具是否在检定有效期内、异常波动是否有分析、不符合是否按期关闭、"
        "管理评审的输入输出是否齐全等。",
        facts=facts,
        download="",
        groups=groups,
        body="",
    )
    return Page(here, "体系运行状态", markdown)


def review_pack_page(ctx: SiteContext, pack: ReviewPack, download: str = "") -> Page:
    here = review_pack_path(pack)
    body = pack.to_markdown(heading=True)
    if download:
        title_end = body.index("\n")
        button = (
            f"\n\n[⬇ 下载 Word 受控副本]({link(here, download)}){{ .md-button .cems-download }}\n"
        )
        body = body[:title_end] + button + body[title_end:]
    return Page(here, pack.title, body)
