"""`cems in-force --at DATE|RELEASE`: which revision of each document was in force (read-only)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from generator.cli.options import DATE_OR_RELEASE, config_for, format_option, root_option
from generator.content.model import Model
from generator.content.project import load_project, require_model
from generator.control.queries import in_force_at
from generator.control.revisions import read_history
from generator.core.issues import CemsError, Severity


def _title(model: Model, doc_id: str) -> str:
    """The current title; a document deleted since that date has none."""
    document = model.document(doc_id)
    return document.title if document is not None else ""


@click.command("in-force")
@root_option
@format_option
@click.option(
    "--at",
    "when",
    type=DATE_OR_RELEASE,
    default=None,
    help="日期 YYYY-MM-DD 或发布版本/标签，默认今天 (a date or a release; default: today).",
)
def command(root: Path, fmt: str, when: date | str | None) -> None:
    """查询某日或某次发布时有效的文件版次 (revisions in force on a date or at a release)."""
    when = when or date.today()
    config = config_for(root)
    model = require_model(load_project(config))
    history, issues = read_history(config, model)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        raise CemsError("无法从 git 得到文件历史 (cannot read document history)", errors)
    if isinstance(when, str) and not any(when in (r.tag, r.version) for r in history.releases):
        known = "、".join(r.version for r in history.releases) or "无"
        raise click.BadParameter(
            f"'{when}' 既不是日期 YYYY-MM-DD，也不是已有的发布（已有：{known}） "
            "(neither a date nor a release)",
            param_hint="'--at'",
        )
    revisions = in_force_at(history, when)
    rows = [
        {
            "document_id": doc_id,
            "title": _title(model, doc_id),
            "revision": revision.label,
            "effective_date": revision.effective_date.isoformat(),
            "release": revision.release.tag,
            "content_sha256": revision.content_sha256,
        }
        for doc_id, revision in sorted(revisions.items())
    ]
    if fmt == "json":
        click.echo(json.dumps({"at": str(when), "documents": rows}, ensure_ascii=False, indent=2))
        return
    click.echo(f"{when} 有效的文件 (in force): {len(rows)} 份")
    for row in rows:
        click.echo(
            f"  {row['document_id']:<12} {row['revision']:<5} 生效 {row['effective_date']}  "
            f"{row['release']:<16} {row['title']}"
        )
