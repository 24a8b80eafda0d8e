"""Render stage (site): the home page and one page per controlled document (current and archived).

Every revision, date and signature shown here comes from `History` (computed from git);
a document without a release shows 未发布, never an invented revision or date.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

import jinja2
import yaml
from markupsafe import Markup

from generator.content.model import DOCUMENT_KINDS, Document, Model
from generator.control.types import (
    UNRELEASED,
    DocumentControl,
    History,
    control_status_zh,
)
from generator.core.findings import StatusReport
from generator.core.issues import CemsError, Issue
from generator.render.site.signatures import approvals, fingerprint_state, revision_rows, signer
from generator.render.site.text import md_link, md_table


@dataclass(frozen=True)
class Page:
    """One generated Markdown page; `source` names the content file it came from, for issues."""

    path: str  # relative to docs/, forward slashes
    title: str  # plain text for the nav
    markdown: str
    source: str = ""


@dataclass
class SiteContext:
    """What every page builder needs; `downloads` holds only files that exist."""

    model: Model
    history: History
    env: jinja2.Environment
    downloads: dict[str, str] = field(default_factory=dict)
    status: StatusReport | None = None  # findings of `cems check`, computed in ops/
    superseded_by: str = ""  # an older release's site: the release in force now

    def render(self, template: str, **values: object) -> str:
        try:
            return self.env.get_template(template).render(**values)
        except jinja2.TemplateError as error:
            raise template_error(template, error) from None


def template_error(template: str, error: jinja2.TemplateError) -> CemsError:
    """A missing or broken site template (a repository's templates/site override) as a
    located user error instead of a Jinja traceback."""
    line = getattr(error, "lineno", None)
    name = getattr(error, "name", None) or template
    rel = f"templates/site/{name}"
    if isinstance(error, jinja2.TemplateNotFound):
        message = f"缺少网站模板 {name} (site template missing)"
        hint = "从 cems 自带的 templates/site 复制该文件，或删除 templates/site 改用内置模板。"
    else:
        message = f"网站模板有错误：{error.message} (site template error)"
        hint = "检查模板中的 {{ }} 和 {% %} 是否配对、变量名是否正确。"
    return CemsError(
        f"网站模板无法使用 (site template unusable): {rel}",
        [Issue(rel, line, "", message, code="TEMPLATE-SITE", hint=hint)],
    )


def link(from_page: str, to_path: str) -> str:
    """A relative link between two files of docs/, as MkDocs resolves it."""
    return posixpath.relpath(to_path, posixpath.dirname(from_page) or ".")


def document_page_path(doc_id: str, kind: str) -> str:
    return f"documents/{kind}/{doc_id}.md"


def archive_page_path(doc_id: str) -> str:
    return f"archive/{doc_id}.md"


def is_withdrawn(doc: Document, control: DocumentControl) -> bool:
    return control.is_withdrawn or doc.status == "obsolete"


def page_path_of(ctx: SiteContext, doc_id: str) -> str | None:
    """Where a document id lives on the site (current or archive), if anywhere."""
    doc = ctx.model.document(doc_id)
    if doc is not None:
        control = ctx.history.control(doc_id)
        if is_withdrawn(doc, control):
            return archive_page_path(doc_id)
        return document_page_path(doc_id, doc.kind)
    if doc_id in ctx.history.archived:
        return archive_page_path(doc_id)
    return None


def status_text(doc: Document, control: DocumentControl) -> str:
    """The same text as the 受控文件清单 register (one function for both)."""
    return control_status_zh(control, doc.status)


def download_label(ctx: SiteContext, doc: Document, control: DocumentControl) -> str:
    """What the Word download is: only the release in force offers controlled copies."""
    if is_withdrawn(doc, control):
        return "下载 Word 副本（作废）"
    if control.in_force is None or (control.draft and f"draft:{doc.id}" not in ctx.downloads):
        return "下载 Word 草稿（未生效）"
    if ctx.superseded_by:
        return f"下载 Word 副本（已被 {ctx.superseded_by} 替代，非受控）"
    return "下载 Word 受控副本"


DOCUMENT_SEARCH_BOOST = 3  # Material's per-page search boost for documents in force


def document_page(ctx: SiteContext, doc: Document, path: str) -> Page:
    model, control = ctx.model, ctx.history.control(doc.id)
    withdrawn = is_withdrawn(doc, control)
    related = [
        {"id": rid, "link": link(path, target)}
        for rid in doc.related
        if (target := page_path_of(ctx, rid)) is not None
    ]
    record_type = model.record_type(doc.record_type) if doc.record_type else None
    download = ctx.downloads.get(doc.id)
    markdown = ctx.render(
        "document.md.j2",
        doc=doc,
        withdrawn=withdrawn,
        search_boost=DOCUMENT_SEARCH_BOOST,
        withdrawn_when=(
            control.withdrawn_in.effective_date if control.withdrawn_in else doc.status_zh
        ),
        reason=control.withdrawal_reason or doc.withdrawal_reason,
        released=control.in_force is not None,
        draft=control.draft,
        released_label=control.revision_label,
        revision=control.revision_label,
        status=status_text(doc, control),
        effective_date=control.effective_text,
        owner=model.department_name(doc.owner),
        approvals=approvals(model, doc, control),
        approved=[(r.label, r.effective_date, r.release.tag) for r in control.approved],
        signature=control.last_revision.release.signature_zh if control.last_revision else "",
        clauses=doc.clauses,
        clause_link=link(path, "clauses.md"),
        distribution="、".join(model.department_name(d) for d in doc.distribution),
        next_review=control.next_review or UNRELEASED,
        overdue=control.review_overdue and not withdrawn,
        related=related,
        record_link=link(path, f"registers/{record_type.name}.md") if record_type else "",
        record_title=record_type.title if record_type else "",
        download=link(path, download) if download else "",
        download_label=download_label(ctx, doc, control),
        draft_download=link(path, draft) if (draft := ctx.downloads.get(f"draft:{doc.id}")) else "",
        rows=revision_rows(model, control),
        fingerprint=control.in_force.content_sha256[:16] if control.in_force else "",
        fingerprint_state=fingerprint_state(control),
        body=Markup(doc.body),
    )
    return Page(path, f"{doc.id} {doc.title}", markdown, doc.path)


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def archived_page(ctx: SiteContext, doc_id: str, source: str, text: str) -> Page:
    """A document removed from the tree: its last released text, behind a withdrawal banner."""
    path = archive_page_path(doc_id)
    match = _FRONT_MATTER.match(text)
    meta: dict[str, object] = {}
    body = text
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
            meta = loaded if isinstance(loaded, dict) else {}
        except yaml.YAMLError:
            meta = {}
        body = text[match.end() :]
    control = ctx.history.control(doc_id)
    title = str(meta.get("title", doc_id))
    markdown = ctx.render(
        "section.md.j2",
        title=f"{doc_id} {title}",
        banner={
            "kind": "danger",
            "title": "已作废",
            "text": "本文件已作废并从文件库中删除，以下为最后一次发布的内容，仅供存档查阅。"
            + (
                f"作废发布：{control.withdrawn_in.version}（{control.withdrawn_in.effective_date}）。"
                if control.withdrawn_in
                else ""
            )
            + (f"作废原因：{control.withdrawal_reason}" if control.withdrawal_reason else ""),
        },
        intro="",
        facts=[],
        download="",
        groups=[
            {
                "title": "修订记录",
                "facts": [],
                "table": _revision_table(ctx, control),
                "empty": "无发布记录。",
            }
        ],
        body=Markup(body),
    )
    return Page(path, f"{doc_id} {title}", markdown, source)


def _revision_table(ctx: SiteContext, control: DocumentControl) -> Markup:
    rows = revision_rows(ctx.model, control)
    headers = ["日期", "版次/修改状态", "变更说明", "编制", "审核", "批准"]
    keys = ["date", "label", "summary", "author", "reviewers", "approver"]
    return md_table(headers, [[r[k] for k in keys] for r in rows])


def _doc_row(ctx: SiteContext, doc: Document, from_page: str, path: str) -> list[object]:
    control = ctx.history.control(doc.id)
    overdue = control.review_overdue and not is_withdrawn(doc, control)
    review = control.next_review or UNRELEASED
    return [
        md_link(doc.id, link(from_page, path)),
        doc.title,
        control.revision_label,
        status_text(doc, control),
        control.effective_text,
        ctx.model.department_name(doc.owner),
        Markup(f'<span class="cems-overdue">{review}（已逾期）</span>') if overdue else review,
    ]


DOC_HEADERS = ["文件编号", "文件名称", "版次/修改状态", "状态", "生效日期", "归口部门", "下次评审"]


def documents_index(ctx: SiteContext, paths: dict[str, str]) -> Page:
    """All current documents grouped by kind (clause 7.2 order)."""
    here = "documents/index.md"
    groups = []
    for kind, kind_zh in DOCUMENT_KINDS.items():
        docs = [d for d in ctx.model.documents_of_kind(kind) if d.id in paths]
        rows = [_doc_row(ctx, d, here, paths[d.id]) for d in docs]
        groups.append(
            {"title": kind_zh, "facts": [], "table": md_table(DOC_HEADERS, rows), "empty": "无。"}
        )
    markdown = ctx.render(
        "section.md.j2",
        title="体系文件",
        banner=None,
        intro="碳排放管理体系的受控文件。版次/修改状态、生效日期和签署均取自文件库（git）的发布记录。",
        facts=[],
        download="",
        groups=groups,
        body="",
    )
    return Page(here, "体系文件", markdown)


def archive_index(ctx: SiteContext, entries: list[tuple[str, str, str]]) -> Page:
    """Withdrawn documents: (id, title, page path)."""
    here = "archive/index.md"
    rows = []
    for doc_id, title, path in entries:
        control = ctx.history.control(doc_id)
        when = control.withdrawn_in.effective_date if control.withdrawn_in else ""
        rows.append(
            [
                md_link(doc_id, link(here, path)),
                title,
                control.revision_label,
                when,
                control.withdrawal_reason,
            ]
        )
    headers = ["文件编号", "文件名称", "最后有效版次", "作废日期", "作废原因"]
    markdown = ctx.render(
        "section.md.j2",
        title="作废文件存档",
        banner={"kind": "danger", "title": "作废文件", "text": "以下文件已作废，仅供存档查阅。"},
        intro="",
        facts=[],
        download="",
        groups=[{"title": "", "facts": [], "table": md_table(headers, rows), "empty": "无。"}],
        body="",
    )
    return Page(here, "作废文件存档", markdown)


_GENERATED_PARTS = ("修订文件", "作废文件", "回收副本", "Effective-Date")
_ENGLISH_GIST = re.compile(r"\s*\(release [^()]*\)")


def release_note(message: str) -> str:
    """The human part of a release tag message: its summary line and the approver's note,
    without the generated lists (they are shown as tables) and trailers."""
    paragraphs = [p.strip() for p in message.strip().split("\n\n") if p.strip()]
    kept = [p for p in paragraphs[:2] if not p.startswith(_GENERATED_PARTS)]
    # tags made by earlier cems releases end their summary with an English gist
    return _ENGLISH_GIST.sub("", "　".join(kept))


def home_page(ctx: SiteContext, paths: dict[str, str], *, carbon: bool = False) -> Page:
    model, history = ctx.model, ctx.history
    org = model.organisation
    release = history.latest_release
    changes, withdrawn = [], []
    if release is not None:
        for doc_id in sorted(history.documents):
            control = history.control(doc_id)
            target = paths.get(doc_id)
            if target is None:
                continue
            doc = model.document(doc_id)
            title = doc.title if doc else doc_id
            if control.withdrawn_in is not None and control.withdrawn_in.tag == release.tag:
                withdrawn.append({"id": doc_id, "title": title, "link": link("index.md", target)})
                continue
            for revision in control.revisions:
                if revision.release.tag == release.tag:
                    changes.append(
                        {
                            "id": doc_id,
                            "title": title,
                            "link": link("index.md", target),
                            "revision": revision.label,
                            "summary": "\n".join(c.summary for c in revision.changes) or "首次发布",
                        }
                    )
    markdown = ctx.render(
        "home.md.j2",
        org=org,
        release=release,
        release_approver=signer(model, release.approver) if release else "",
        release_note=release_note(release.message) if release else "",
        top_management=model.person_name(org.top_management),
        representative=model.person_name(org.management_representative),
        boundary_scope=org.boundary.get("scope", ""),
        boundary_description=org.boundary.get("description", ""),
        sites=org.boundary.get("sites", []),
        policy_statement=org.policy.get("statement", ""),
        commitments=org.policy.get("commitments", []),
        policy_issued=org.policy.get("issued", ""),
        changes=changes,
        withdrawn=withdrawn,
        n_documents=len([p for p in paths.values() if p.startswith("documents/")]),
        carbon=carbon,
        n_archived=len([p for p in paths.values() if p.startswith("archive/")]),
    )
    return Page("index.md", "首页", markdown, "content/organisation.yaml")
