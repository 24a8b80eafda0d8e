"""Discover stage: find the organisation, documents and records of a content repository."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.content.limits import nesting_issue
from generator.content.load import (
    SourceFile,
    iter_files,
    load_markdown_file,
    load_yaml_file,
)
from generator.content.load_csv import load_csv_file
from generator.content.paths import (
    allowed_roots,
    image_issues,
    is_inside,
    linked_folders_outside,
    outside_issue,
)
from generator.content.schemas import SchemaSet
from generator.content.source_cache import SourceCache
from generator.core.config import Config
from generator.core.issues import Issue


@dataclass
class Sources:
    organisation: SourceFile | None
    documents: list[SourceFile] = field(default_factory=list)
    records: dict[str, list[SourceFile]] = field(default_factory=dict)  # record type -> files
    issues: list[Issue] = field(default_factory=list)

    def all_files(self) -> list[SourceFile]:
        files = [self.organisation] if self.organisation else []
        files += self.documents
        for group in self.records.values():
            files += group
        return files


def discover(config: Config, schemas: SchemaSet) -> Sources:
    """Read every content file; parse problems become issues on the file, never exceptions."""
    roots = allowed_roots(config)
    memo = SourceCache(config.root)  # files parsed in an earlier run, by their exact text
    org_file = config.organisation_file
    outside: list[Issue] = []
    if org_file.is_symlink() and not is_inside(org_file, roots):
        outside.append(outside_issue(config, org_file))
    organisation = (
        load_yaml_file(org_file, config.rel(org_file), memo)
        if org_file.is_file() and not outside
        else None
    )
    sources = Sources(organisation=organisation, issues=outside)
    if organisation is None and not outside:
        sources.issues.append(
            Issue(
                "content/organisation.yaml",
                None,
                "",
                "缺少单位信息文件 (organisation file missing)",
                code="FILE-MISSING",
            )
        )
    for folder in (config.documents_dir, config.records_dir):
        sources.issues += linked_folders_outside(config, folder, roots)
    for path in iter_files(config.documents_dir, (".md",)):
        if not is_inside(path, roots):
            sources.issues.append(outside_issue(config, path))
            continue
        doc = load_markdown_file(path, config.rel(path), memo)
        sources.documents.append(doc)
        if not doc.issues:
            sources.issues += image_issues(config, path, doc.rel, doc.body, doc.body_line)
            deep = nesting_issue(doc.rel, doc.body, doc.body_line)
            sources.issues += [deep] if deep else []
    for path in iter_files(config.records_dir, (".yaml", ".yml", ".csv")):
        if not is_inside(path, roots):
            sources.issues.append(outside_issue(config, path))
            continue
        rel = config.rel(path)
        parts = path.relative_to(config.records_dir).parts
        record_type = parts[0] if len(parts) > 1 else ""
        schema = schemas.record_schema(record_type)
        if schema is None:
            sources.issues.append(
                Issue(
                    rel,
                    None,
                    "",
                    f"未知的记录类型 '{record_type}'：schemas/records/ 中没有对应的 schema "
                    "(unknown record type: records/<type>/ must match a schema)",
                    code="RECORD-TYPE-UNKNOWN",
                    hint="可用类型：" + "、".join(schemas.record_types()),
                )
            )
            continue
        if path.suffix.lower() == ".csv":
            if schema.get("x-format") != "csv":
                sources.issues.append(
                    Issue(
                        rel,
                        None,
                        "",
                        f"记录类型 '{record_type}' 不接受 CSV 文件 "
                        "(this record type is YAML, not CSV)",
                        code="RECORD-FORMAT",
                    )
                )
                continue
            row_schema = schema["properties"]["rows"]["items"]
            source = load_csv_file(path, rel, row_schema, memo)
        else:
            if schema.get("x-format") == "csv":
                sources.issues.append(
                    Issue(
                        rel,
                        None,
                        "",
                        f"记录类型 '{record_type}' 必须是 CSV 文件 (this record type is CSV)",
                        code="RECORD-FORMAT",
                    )
                )
                continue
            source = load_yaml_file(path, rel, memo)
        sources.records.setdefault(record_type, []).append(source)
    memo.save()
    return sources
