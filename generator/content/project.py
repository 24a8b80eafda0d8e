"""The load -> validate -> model pipeline as one call, for the CLI and for library users."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from generator.content.attachments import check_attachments
from generator.content.discover import Sources, discover
from generator.content.migrations import version_issues
from generator.content.model import Model, build_model
from generator.content.placeholders import merge_placeholders, placeholder_issues
from generator.content.schemas import SchemaSet, load_schemas
from generator.content.validate import validate_sources
from generator.core.config import Config
from generator.core.issues import CemsError, Issue, has_errors, sort_issues
from generator.core.versions import tree_digest


@dataclass
class Project:
    config: Config
    schemas: SchemaSet
    sources: Sources
    issues: list[Issue]
    model: Model | None  # None when the content has errors


def load_project(config: Config, today: date | None = None) -> Project:
    """Read and validate everything; build the model only from valid content. `today` bounds
    recorded dates (default: the real date)."""
    if not config.root.is_dir():
        raise CemsError(f"目录不存在 (no such folder): {config.root}")
    schemas = load_schemas(config.schemas_dir, config.root)
    sources = discover(config, schemas)
    placeholders = placeholder_issues(sources.all_files())
    found = merge_placeholders(placeholders, validate_sources(sources, schemas, today, config.root))
    if not has_errors(found):  # only well-formed attachment entries are checked
        found += check_attachments(config.root, sources.records)
    versions = version_issues(sources.organisation)
    issues = sort_issues([*schemas.notes, *versions, *found])
    model = None if has_errors(issues) else build_model(sources, schemas)
    if model is not None:
        object.__setattr__(model, "sources_digest", _sources_digest(config, sources))
    return Project(config, schemas, sources, issues, model)


def _sources_digest(config: Config, sources: Sources) -> str:
    digest = hashlib.sha256()
    for source in sources.all_files():
        digest.update(source.rel.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(source.text.encode("utf-8", "surrogatepass")).digest())
    schemas = config.schemas_dir
    digest.update(tree_digest(schemas.parent, (schemas.name,)).encode("ascii"))
    return digest.hexdigest()


def require_model(project: Project) -> Model:
    """The model, or a CemsError carrying the validation issues."""
    if project.model is None:
        raise CemsError("内容校验未通过 (content is invalid)", project.issues)
    return project.model
