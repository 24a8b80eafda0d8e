"""Render stage (site): clause traceability matrix and the point-in-time (per release) page.

Coverage is computed, never maintained by hand: a clause is covered by the documents that
name it and by the records whose own clauses (or whose record type's clauses) name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.content.model import Record
from generator.content.standard import Clause
from generator.control.types import Release
from generator.render.site.pages import Page, SiteContext, is_withdrawn, link, release_note
from generator.render.site.signatures import signer
from generator.render.site.text import md_link, md_table, md_text

STATUS_COVERED = "已覆盖"
STATUS_CHILDREN = "由子条款覆盖"
STATUS_GAP = "缺口"
STATUS_EXCLUDED = "删减"
# strength of a clause's evidence, strongest first
EVIDENCE_CHECKED = "已检查"  # cems check judges its records
EVIDENCE_RECORDED = "有记录"
EVIDENCE_DOCUMENTED = "仅有文件"
EVIDENCE_NONE = "无"


@dataclass(frozen=True)
class ClauseCoverage:
    clause: Clause
    documents: tuple[str, ...]  # document ids
    record_types: tuple[tuple[str, int], ...]  # (record type name, number of records)
    status: str
    reason: str = ""  # exclusion reason


def clause_coverage(ctx: SiteContext) -> list[ClauseCoverage]:
    """Every clause of the catalogue with what implements it, in catalogue order."""
    model = ctx.model
    exclusions = {str(e["clause"]): str(e.get("reason", "")) for e in model.organisation.exclusions}
    docs: dict[str, list[str]] = {}
    for doc in model.documents:
        if is_withdrawn(doc, ctx.history.control(doc.id)):
            continue
        for clause_id in doc.clauses:
            docs.setdefault(clause_id, []).append(doc.id)
    records: dict[str, dict[str, int]] = {}
    for record in model.records:
        for clause_id in record.clauses:
            per_type = records.setdefault(clause_id, {})
            per_type[record.type] = per_type.get(record.type, 0) + 1
    direct: dict[str, ClauseCoverage] = {}
    for clause in model.clauses:
        found_docs = tuple(sorted(docs.get(clause.id, [])))
        found_records = tuple(sorted(records.get(clause.id, {}).items()))
        if clause.id in exclusions:
            status = STATUS_EXCLUDED
        elif found_docs or found_records:
            status = STATUS_COVERED
        else:
            status = STATUS_GAP
        direct[clause.id] = ClauseCoverage(
            clause, found_docs, found_records, status, exclusions.get(clause.id, "")
        )
    return [_with_children(direct, c) for c in model.clauses]


def _with_children(direct: dict[str, ClauseCoverage], clause: Clause) -> ClauseCoverage:
    """A heading clause (e.g. 9) with nothing of its own is covered when all its subclauses are."""
    own = direct[clause.id]
    children = [c for c in direct.values() if c.clause.parent == clause.id]
    if own.status != STATUS_GAP or not children:
        return own
    if all(c.status in (STATUS_COVERED, STATUS_EXCLUDED) for c in children):
        return ClauseCoverage(clause, (), (), STATUS_CHILDREN)
    return own


def evidence(ctx: SiteContext, item: ClauseCoverage) -> str:
    """How strongly the records show that a clause is implemented, not only written down."""
    checked = ctx.status is not None and item.clause.id in ctx.status.checked_clauses
    if item.record_types and checked:
        return EVIDENCE_CHECKED
    if item.record_types:
        return EVIDENCE_RECORDED
    if item.documents:
        return EVIDENCE_DOCUMENTED
    return EVIDENCE_NONE


def latest_records(ctx: SiteContext) -> dict[str, str]:
    """Clause id -> date of the newest record that names it."""
    latest: dict[str, Record] = {}
    for record in ctx.model.records:
        for clause_id in record.clauses:
            newest = latest.get(clause_id)
            if record.date and (newest is None or record.sort_date > newest.sort_date):
                latest[clause_id] = record
    return {clause_id: record.date_text for clause_id, record in latest.items()}


def _status_cell(ctx: SiteContext, here: str, clause_id: str) -> object:
    if ctx.status is None:
        return ""
    found = ctx.status.for_clause(clause_id)
    if not found:
        return "—"
    errors = sum(1 for f in found if f.severity.value == "error")
    text = f"错误 {errors}，警告 {len(found) - errors}" if errors else f"警告 {len(found)}"
    return md_link(text, link(here, "status.md") + "#status-" + clause_id.replace(".", "-"))


def anchor(clause_id: str) -> str:
    return "clause-" + clause_id.replace(".", "-")


def clause_matrix_page(ctx: SiteContext, doc_paths: dict[str, str]) -> Page:
    here = "clauses.md"
    coverage = clause_coverage(ctx)
    type_titles = {t.name: t.title for t in ctx.model.record_types}
    latest = latest_records(ctx)
    strengths: dict[str, int] = {}
    rows = []
    for item in coverage:
        status: object = item.status
        if item.status == STATUS_GAP:
            status = Markup(f'<span class="cems-gap">{STATUS_GAP}</span>')
        elif item.status == STATUS_EXCLUDED:
            status = Markup(f"{STATUS_EXCLUDED}：{md_text(item.reason)}")
        documents = Markup("<br>").join(
            md_link(doc_id, link(here, doc_paths[doc_id]))
            for doc_id in item.documents
            if doc_id in doc_paths
        )
        registers = Markup("<br>").join(
            Markup(
                f"{md_link(type_titles.get(name, name), link(here, f'registers/{name}.md'))}"
                f"（{count} 份）"
            )
            for name, count in item.record_types
        )
        strength = evidence(ctx, item) if item.status != STATUS_EXCLUDED else "—"
        strengths[strength] = strengths.get(strength, 0) + 1
        rows.append(
            [
                Markup(f'<span id="{anchor(item.clause.id)}"></span>{md_text(item.clause.id)}'),
                item.clause.title,
                status,
                strength,
                latest.get(item.clause.id, "—"),
                _status_cell(ctx, here, item.clause.id),
                documents,
                registers,
            ]
        )
    gaps = [c for c in coverage if c.status == STATUS_GAP]
    excluded = [c for c in coverage if c.status == STATUS_EXCLUDED]
    facts = [
        md_text(
            f"标准条款 {len(coverage)} 条，已覆盖 {len(coverage) - len(gaps) - len(excluded)} 条，"
            f"缺口 {len(gaps)} 条，删减 {len(excluded)} 条。"
        ),
        md_text(
            "证据强度："
            + "，".join(
                f"{name} {strengths.get(name, 0)} 条"
                for name in (
                    EVIDENCE_CHECKED,
                    EVIDENCE_RECORDED,
                    EVIDENCE_DOCUMENTED,
                    EVIDENCE_NONE,
                )
            )
            + "（已检查＝有记录且由 cems check 判定；仅有文件＝只有文件写了要求，没有运行记录）。"
        ),
    ]
    banner = None
    if gaps:
        banner = {
            "kind": "warning",
            "title": f"{len(gaps)} 条条款没有文件或记录覆盖",
            "text": "、".join(f"{c.clause.id} {c.clause.title}" for c in gaps),
        }
    markdown = ctx.render(
        "section.md.j2",
        title="条款对照表",
        banner=banner,
        intro="《碳排放管理体系实施指南》各条款与实施它的体系文件和记录的对应关系，由文件头的"
        "条款字段和记录类型自动生成。",
        facts=facts,
        download="",
        groups=[
            {
                "title": "",
                "facts": [],
                "table": md_table(
                    [
                        "条款",
                        "名称",
                        "状态",
                        "证据强度",
                        "最新记录",
                        "检查发现",
                        "体系文件",
                        "记录",
                    ],
                    rows,
                ),
                "empty": "",
            }
        ],
        body="",
    )
    return Page(here, "条款对照表", markdown)


def in_force_at(ctx: SiteContext, index: int, doc_id: str) -> tuple[str, str, str] | None:
    """(revision label, effective date, change summary) of a document at release `index`."""
    history = ctx.history
    order = {r.tag: i for i, r in enumerate(history.releases)}
    control = history.control(doc_id)
    if control.withdrawn_in is not None and order.get(control.withdrawn_in.tag, 1 << 30) <= index:
        withdrawn = control.withdrawn_in
        changed = "本次作废" if order.get(withdrawn.tag) == index else ""
        return ("已作废", withdrawn.effective_date.isoformat(), changed)
    current = None
    for revision in control.revisions:
        if order.get(revision.release.tag, 1 << 30) <= index:
            current = revision
    if current is None:
        return None
    changed = ""
    if order.get(current.release.tag) == index:
        changed = "；".join(c.summary for c in current.changes) or "首次发布"
    return (current.label, current.effective_date.isoformat(), changed)


def _release_group(
    ctx: SiteContext, index: int, release: Release, paths: dict[str, str]
) -> dict[str, Any]:
    here = "releases.md"
    ids = sorted(set(ctx.history.documents) | {d.id for d in ctx.model.documents})
    rows = []
    for doc_id in ids:
        state = in_force_at(ctx, index, doc_id)
        if state is None:
            continue
        doc = ctx.model.document(doc_id)
        title = doc.title if doc else doc_id
        target = paths.get(doc_id)
        ident: object = md_link(doc_id, link(here, target)) if target else doc_id
        rows.append([ident, title, *state])
    approver = ""
    if release.approver is not None:
        approver = signer(ctx.model, release.approver)
    facts = [
        Markup(f"发布标签：`{md_text(release.tag)}`"),
        md_text(f"生效日期：{release.effective_date}；批准：{approver or '—'}"),
    ]
    note = release_note(release.message)
    if note:  # the generated lists are the table below; the trailer is the effective date above
        facts.append(md_text(f"发布说明：{note}"))
    return {
        "title": f"{release.version}（{release.effective_date}）",
        "facts": facts,
        "table": md_table(["文件编号", "文件名称", "有效版次", "生效日期", "本次变更"], rows),
        "empty": "本次发布没有有效文件。",
    }


def releases_page(ctx: SiteContext, paths: dict[str, str]) -> Page:
    """For each release, newest first: which revision of each document was in force."""
    releases = list(enumerate(ctx.history.releases))
    groups = [_release_group(ctx, i, r, paths) for i, r in reversed(releases)]
    markdown = ctx.render(
        "section.md.j2",
        title="发布历史",
        banner=None
        if releases
        else {
            "kind": "warning",
            "title": "尚未发布",
            "text": "文件库还没有发布记录，所有文件均未生效。",
        },
        intro="每次发布（批准并发放）时各文件的有效版次，可用于查证某一日期哪一版文件有效。",
        facts=[],
        download="",
        groups=groups,
        body="",
    )
    return Page("releases.md", "发布历史", markdown)
