"""Render stage (site): one verification page per released revision (副本核对).

The QR code and URL on every controlled copy lead here (`verify/<ID>/<A-1>/`). Each page says,
as of this site version, whether that revision is in force, superseded (by which revision, since
when) or withdrawn (when), and lists the digest of the genuine copy for each 分发号 issued, so a
holder without the repository can tell a valid copy from an outdated one. Every revision ever
released gets a page in every site version: an old QR code never leads to a missing page.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from generator.control.types import DocumentControl, Release, Revision
from generator.render.site.pages import Page, SiteContext, link, page_path_of
from generator.render.site.text import md_link, md_table, md_text
from generator.render.word.qr import VERIFY_FOLDER, verification_path

REPORT_RECORDS = "carbon-assessments"
INDEX = f"{VERIFY_FOLDER}/index.md"

# (document id, revision label) -> [(分发号, digest)], computed by the build from genuine copies
Digests = dict[tuple[str, str], list[tuple[str, str]]]


@dataclass(frozen=True)
class _Entry:
    document_id: str
    title: str
    revision: Revision
    control: DocumentControl

    @property
    def path(self) -> str:
        return verification_path(self.document_id, self.revision.label) + "index.md"


def _state(entry: _Entry) -> tuple[str, str]:
    """(short state, sentence) of one revision as of this site version."""
    control, label = entry.control, entry.revision.label
    withdrawn: Release | None = control.withdrawn_in
    if withdrawn is not None:
        return "已作废 (withdrawn)", (
            f"**已作废**：{entry.document_id} 已于 {withdrawn.effective_date} 作废"
            f"（发布 {withdrawn.tag}），本副本不得再使用。(withdrawn; do not use)"
        )
    current = control.in_force
    if current is not None and current.label == label:
        return "现行有效 (in force)", (
            f"**现行有效**：{label} 自 {entry.revision.effective_date} 起生效"
            f"（发布 {entry.revision.release.tag}），是当前有效版本。(in force)"
        )
    if current is None:
        return "非现行 (not in force)", "**非现行**：该文件目前没有生效版本。(not in force)"
    return f"已被 {current.label} 替代 (superseded)", (
        f"**已被替代**：{label} 已被 {current.label} 替代，自 {current.effective_date} 起生效"
        f"（发布 {current.release.tag}）。请向文件管理部门领取现行版本。"
        f"(superseded by {current.label} on {current.effective_date})"
    )


def _entries(ctx: SiteContext) -> list[_Entry]:
    entries = []
    for doc_id, control in sorted(ctx.history.documents.items()):
        document = ctx.model.document(doc_id)
        archived = ctx.history.archived.get(doc_id)
        if document is not None:
            title = document.title
        else:  # a deleted document: its last file name, e.g. CEMS-QP-09-旧程序.md
            name = archived[0].rsplit("/", 1)[-1] if archived else ""
            title = name.removesuffix(".md").removeprefix(f"{doc_id}-")
        for revision in control.revisions:
            entries.append(_Entry(doc_id, title, revision, control))
    return entries + _report_entries(ctx)


def _report_entries(ctx: SiteContext) -> list[_Entry]:
    """Carbon assessment reports (CA-YYYY): approved by the first release containing them."""
    entries = []
    for record in ctx.model.records_of(REPORT_RECORDS):
        origin = ctx.history.records.get(record.path)
        if origin is None or origin.released_in is None:
            continue
        revision = Revision(record.id, "A", 0, origin.released_in, record.path, "", "effective")
        control = DocumentControl(record.id, (revision,), revision, draft=False)
        entries.append(
            _Entry(record.id, f"{record.data.get('year', '')} 年度碳评估报告", revision, control)
        )
    return entries


def _page(ctx: SiteContext, entry: _Entry, digests: Digests) -> Page:
    short, sentence = _state(entry)
    label = entry.revision.label
    rows = [
        [number, Markup(f"`{digest}`")]
        for number, digest in digests.get((entry.document_id, label), [])
    ]
    document_page = page_path_of(ctx, entry.document_id)
    lines = [
        f"# 副本核对：{md_text(entry.document_id)} {md_text(label)}",
        "",
        f"文件 (document)：{md_text(entry.document_id)} {md_text(entry.title)}　"
        f"版本/修改状态 (revision)：{md_text(label)}",
        "",
        f'!!! {"success" if short.startswith("现行") else "danger"} "{short}"',
        f"    {sentence}",
        "",
        "本页反映网站版本生成时的状态；现行状态以最新版本网站为准。"
        "(as of this site version; the newest version is authoritative)",
        "",
    ]
    if document_page:
        lines += [
            f"文件页面 (document page)：{md_link(entry.document_id, link(entry.path, document_page))}",
            "",
        ]
    if rows:
        lines += [
            "## 真实副本摘要 (digests of the genuine copies)",
            "",
            "用 `cems verify 副本.docx --format json` 得到的 `digest` 应与下表对应分发号的摘要一致。",
            "(the `digest` printed by cems verify must equal the one of its distribution number)",
            "",
            str(md_table(["分发号 (distribution number)", "SHA-256 摘要 (digest)"], rows)),
        ]
    return Page(entry.path, f"{entry.document_id} {label}", "\n".join(lines) + "\n")


def verification_pages(ctx: SiteContext, digests: Digests | None = None) -> list[Page]:
    """The index and one page per released revision of every document and report."""
    entries = _entries(ctx)
    pages = [_page(ctx, entry, digests or {}) for entry in entries]
    rows = [
        [
            md_link(f"{e.document_id} {e.revision.label}", link(INDEX, e.path)),
            e.title,
            e.revision.effective_date,
            _state(e)[0],
        ]
        for e in entries
    ]
    index = "\n".join(
        [
            "# 受控副本核对 (verify a controlled copy)",
            "",
            "每份受控副本封面上的二维码和网址指向下表中对应版本的页面。"
            "(each copy's QR code leads to its revision's page)",
            "",
            str(md_table(["文件和版本", "名称", "生效日期", "状态"], rows)),
        ]
    )
    return [Page(INDEX, "副本核对", index + "\n"), *pages]
