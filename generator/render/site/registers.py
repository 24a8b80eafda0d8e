"""Render stage (site): one page per register, as sortable tables laid out from the schemas.

Columns come from each record type's JSON Schema (property titles, in schema order), so a new
record type or field appears on the site without code changes. References are shown by name
(people, departments) or as links (documents, records), enum codes by the schema's Chinese
words (`x-enum-titles`).
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from generator.content.model import Record, RecordType
from generator.content.schemas import SchemaSet
from generator.control.types import UNRELEASED
from generator.core.dates import minute_text
from generator.render.site import large_tables
from generator.render.site.pages import (
    DOC_HEADERS,
    Page,
    SiteContext,
    _doc_row,
    link,
    page_path_of,
)
from generator.render.site.signatures import signer
from generator.render.site.text import md_cell, md_link, md_table, md_text
from generator.render.tables.spec import enum_title

_HIDDEN = {"id", "title", "date", "clauses"}  # shown in the record heading instead


class Columns:
    """Resolves schema properties (through `$ref` into common.schema.json) to titles and kinds."""

    def __init__(self, schemas: SchemaSet, common: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = common.get("$defs", {})

    def resolve(self, prop: dict[str, Any]) -> dict[str, Any]:
        ref = prop.get("$ref", "")
        if "#/$defs/" in ref:
            base = self.defs.get(ref.rsplit("/", 1)[-1], {})
            return {**base, **{k: v for k, v in prop.items() if k != "$ref"}}
        return prop


def _common_schema(schemas: SchemaSet) -> dict[str, Any]:
    """The shared definitions, found through the registry the validator already built."""
    for uri in sorted(schemas.registry):
        if uri.endswith("/common.schema.json"):
            contents = schemas.registry[uri].contents
            return contents if isinstance(contents, dict) else {}
    return {}


class RegisterRenderer:
    def __init__(self, ctx: SiteContext, schemas: SchemaSet) -> None:
        self.ctx = ctx
        self.schemas = schemas
        self.columns = Columns(schemas, _common_schema(schemas))

    # --- values -----------------------------------------------------------------------------
    def value(self, here: str, prop: dict[str, Any], value: Any) -> Markup:
        prop = self.columns.resolve(prop)
        if value is None or value == "":
            return Markup("")
        ref = prop.get("x-ref")
        if ref == "person":
            return md_cell(self.ctx.model.person_name(str(value)))
        if ref == "department":
            return md_cell(self.ctx.model.department_name(str(value)))
        if ref in ("document", "record"):
            return self._reference(here, ref, str(value))
        if isinstance(value, list):
            items = prop.get("items", {})
            if items.get("type") == "object" or any(isinstance(v, dict) for v in value):
                return Markup("<br>").join(self._object_line(here, items, v) for v in value)
            return Markup("、").join(self.value(here, items, v) for v in value)
        if isinstance(value, dict):
            return self._object_line(here, prop, value)
        if isinstance(value, bool):
            return Markup("是" if value else "否")
        title = enum_title(prop, value)  # `law` reads 法律: the schema's x-enum-titles
        return md_cell(value if title is None else title)

    def _reference(self, here: str, ref: str, value: str) -> Markup:
        if ref == "document":
            target = page_path_of(self.ctx, value)
            return md_link(value, link(here, target)) if target else md_cell(value)
        record = next((r for r in self.ctx.model.records if r.id == value), None)
        if record is None:
            return md_cell(value)
        return md_link(value, link(here, f"registers/{record.type}.md") + f"#{_anchor(record)}")

    def _object_line(self, here: str, schema: dict[str, Any], value: Any) -> Markup:
        if not isinstance(value, dict):
            return self.value(here, {}, value)
        props = self.columns.resolve(schema).get("properties", {})
        parts = []
        for key in _ordered_keys(props, value):
            sub = props.get(key, {})
            title = self.columns.resolve(sub).get("title", key)
            parts.append(Markup(f"{md_text(title)}：{self.value(here, sub, value[key])}"))
        return Markup("；").join(parts)

    # --- tables -----------------------------------------------------------------------------
    def table(self, here: str, items_schema: dict[str, Any], rows: list[dict[str, Any]]) -> Markup:
        props = self.columns.resolve(items_schema).get("properties", {})
        keys = [k for k in props if any(k in row for row in rows)]
        keys += sorted({k for row in rows for k in row} - set(keys))
        headers = [str(self.columns.resolve(props.get(k, {})).get("title", k)) for k in keys]
        body = [[self.value(here, props.get(k, {}), row.get(k)) for k in keys] for row in rows]
        return md_table(headers, body)

    def _rows(self, here: str, items_schema: dict[str, Any], rows: list[dict[str, Any]]) -> Markup:
        """The rows as a table, or summarised when there are too many for a page."""
        if not large_tables.is_large(rows):
            return self.table(here, items_schema, rows)
        props = self.columns.resolve(items_schema).get("properties", {})
        titles = {k: str(self.columns.resolve(p).get("title", k)) for k, p in props.items()}
        return large_tables.summary(rows, titles, lambda part: self.table(here, items_schema, part))

    def record_group(self, here: str, schema: dict[str, Any], record: Record) -> dict[str, Any]:
        props: dict[str, Any] = schema.get("properties", {})
        facts: list[Markup] = []
        tables: list[Markup] = []
        for key in _ordered_keys(props, record.data):
            if key in _HIDDEN:
                continue
            prop = self.columns.resolve(props.get(key, {}))
            value = record.data[key]
            items = prop.get("items", {})
            is_rows = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
            if is_rows:
                title = md_text(prop.get("title", key))
                tables.append(Markup(f"**{title}**\n\n") + self._rows(here, items, value))
            else:
                title = md_text(prop.get("title", key))
                facts.append(Markup(f"{title}：{self.value(here, prop, value)}"))
        heading = record.title if record.is_table else f"{record.id} {record.title}"
        if record.date_text:
            facts.insert(0, md_text(f"记录日期：{record.date_text}"))
        facts.append(md_text(f"文件：{record.path}"))
        origin = self.ctx.history.records.get(record.path)
        if origin is not None:  # who recorded it and when: from git, never typed by hand
            recorded = f"记录人（git）：{signer(self.ctx.model, origin.recorded)}"
            if origin.later_changes:
                recorded += (
                    f"；此后更正 {origin.later_changes} 次，最近 {minute_text(origin.last_changed)}"
                )
            facts.append(md_text(recorded))
        return {
            "title": heading,
            "anchor": _anchor(record),
            "facts": facts,
            "table": Markup("\n").join(tables),
            "empty": "",
        }

    def page(self, record_type: RecordType) -> Page:
        here = f"registers/{record_type.name}.md"
        schema = self.schemas.records.get(record_type.name, {})
        records = self.ctx.model.records_of(record_type.name)
        download = register_download(self.ctx, record_type.name, record_type.title)
        markdown = self.ctx.render(
            "section.md.j2",
            title=record_type.title,
            banner=None,
            intro=record_type.description,
            facts=[md_text(f"对应标准条款：{'、'.join(record_type.clauses) or '—'}")],
            download=link(here, download) if download else "",
            groups=[self.record_group(here, schema, r) for r in records]
            or [{"title": "", "facts": [], "table": "", "empty": "暂无记录。"}],
            body="",
        )
        return Page(here, record_type.title, markdown)


def register_download(ctx: SiteContext, name: str, title: str) -> str:
    """The .xlsx of a register, keyed `xlsx:<name>` (or by its Chinese title, as the Excel
    renderer names its files), or "" when there is none."""
    plain = re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", title)
    for key in (f"xlsx:{name}", name, f"xlsx:{title}", f"xlsx:{plain}"):
        if key in ctx.downloads:
            return ctx.downloads[key]
    return ""


def _anchor(record: Record) -> str:
    """The heading id MkDocs' toc gives a record heading is unpredictable for Chinese: use our own."""
    return "record-" + record.id.lower().replace("/", "-")


def _ordered_keys(props: dict[str, Any], value: dict[str, Any]) -> list[str]:
    keys = [k for k in props if k in value]
    return keys + sorted(k for k in value if k not in props)


def master_list_page(ctx: SiteContext, paths: dict[str, str]) -> Page:
    """受控文件清单: every current document with revision, status and review dates."""
    here = "registers/master-list.md"
    rows = [_doc_row(ctx, d, here, paths[d.id]) for d in ctx.model.documents if d.id in paths]
    download = register_download(ctx, "master-list", "受控文件清单")
    markdown = ctx.render(
        "section.md.j2",
        title="受控文件清单",
        banner=None,
        intro="由文件库自动生成的受控文件清单（文件和记录控制，7.2）。",
        facts=[],
        download=link(here, download) if download else "",
        groups=[{"title": "", "facts": [], "table": md_table(DOC_HEADERS, rows), "empty": "无。"}],
        body="",
    )
    return Page(here, "受控文件清单", markdown)


def issue_register_page(ctx: SiteContext, paths: dict[str, str]) -> Page:
    """文件发放回收登记表: controlled copies issued per release and when they were recalled."""
    here = "registers/document-issue.md"
    rows = []
    for doc_id in sorted(ctx.history.documents):
        for copy in ctx.history.control(doc_id).copies:
            target = paths.get(doc_id)
            rows.append(
                [
                    copy.distribution_number,
                    md_link(doc_id, link(here, target)) if target else doc_id,
                    copy.revision,
                    ctx.model.department_name(copy.department),
                    copy.issued,
                    copy.recalled_by or "在用",
                ]
            )
    download = register_download(ctx, "document-issue", "文件发放回收登记表")
    headers = ["分发号", "文件编号", "版次/修改状态", "发放部门", "发放（发布）", "回收（发布）"]
    table = md_table(headers, rows) if not large_tables.is_large(rows) else Markup("")
    if large_tables.is_large(rows):  # every copy of every release: summarised per release
        named = [dict(zip(headers, row, strict=True)) for row in rows]
        table = large_tables.summary(
            named,
            {h: h for h in headers},
            lambda part: md_table(headers, [list(r.values()) for r in part]),
            key="发放（发布）",
        )
    markdown = ctx.render(
        "section.md.j2",
        title="文件发放回收登记表",
        banner=None,
        intro="每次发布按发放范围发放受控副本，换版或作废时回收旧版，由文件库发布记录自动生成。",
        facts=[],
        download=link(here, download) if download else "",
        groups=[
            {
                "title": "",
                "facts": [],
                "table": table,
                "empty": f"尚无发放记录（{UNRELEASED}）。",
            }
        ],
        body="",
    )
    return Page(here, "文件发放回收登记表", markdown)


def register_pages(ctx: SiteContext, schemas: SchemaSet, paths: dict[str, str]) -> list[Page]:
    """Registers section: system registers first, then every record type by name."""
    renderer = RegisterRenderer(ctx, schemas)
    pages = [master_list_page(ctx, paths), issue_register_page(ctx, paths)]
    pages += [renderer.page(t) for t in ctx.model.record_types]
    return pages


def registers_index(ctx: SiteContext, pages: list[Page]) -> Page:
    here = "registers/index.md"
    counts = {
        f"registers/{t.name}.md": len(ctx.model.records_of(t.name)) for t in ctx.model.record_types
    }
    clauses = {f"registers/{t.name}.md": "、".join(t.clauses) for t in ctx.model.record_types}
    rows = [
        [
            md_link(p.title, link(here, p.path)),
            counts.get(p.path, "系统生成"),
            clauses.get(p.path, "7.2"),
        ]
        for p in pages
    ]
    markdown = ctx.render(
        "section.md.j2",
        title="记录和台账",
        banner=None,
        intro="体系运行形成的记录和台账。表格可点击表头排序。",
        facts=[],
        download="",
        groups=[
            {
                "title": "",
                "facts": [],
                "table": md_table(["登记表", "记录数", "对应条款"], rows),
                "empty": "",
            }
        ],
        body="",
    )
    return Page(here, "记录和台账", markdown)
