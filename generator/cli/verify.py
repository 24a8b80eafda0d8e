"""`cems verify FILE.docx`: is a controlled copy in force, superseded, withdrawn or altered?"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from generator.cli.options import config_for, format_option, root_option, today_option

HELP = """核对受控副本是否现行有效 (check a controlled copy against the git history).

\b
退出码 (exit codes):
  0  现行有效 (in force)
  4  已被新版本替代 (superseded; the output names the revision in force)
  5  已作废 (withdrawn)
  6  已被修改、伪造或无法识别 (altered or forged: differs from the genuine copy
     of its revision, a distribution number never issued, another organisation's
     copy, not a cems copy, or an unsafe file)
  1  内容库校验失败 (the content repository is invalid)

\b
--published DIR：发布站点（cems publish 的输出）的正本摘要登记表；cems 升级后
重新生成的副本与旧副本不同时，与登记表记录一致的旧副本仍判为真实副本。
未指定时使用 releases.published_record 所在的发布站点。
"""


@click.command("verify", help=HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@root_option
@format_option
@today_option
@click.option(
    "--published",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="发布站点文件夹，其正本摘要登记表可证明旧副本 (a published site whose digest register "
    "vouches for copies rendered by an older cems).",
)
def command(file: Path, root: Path, fmt: str, today: date | None, published: Path | None) -> None:
    from generator.content.project import load_project, require_model
    from generator.control.revisions import read_history
    from generator.core.issues import has_errors
    from generator.core.output import issues_to_text
    from generator.ops.verify import published_digests, verify_copy

    config = config_for(root, today=today)
    model = require_model(load_project(config))
    history, issues = read_history(config, model)
    if has_errors(issues):
        click.echo(issues_to_text(issues), err=True)
    verdict = verify_copy(file, config, model, history, published_digests(config, model, published))
    if fmt == "json":
        click.echo(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        revision = verdict.revision or "—"
        click.echo(f"{verdict.file}: {verdict.document_id or '—'} {revision}: {verdict.message}")
        if verdict.record:
            click.echo(f"  {verdict.record}")
        if verdict.genuine_digest:
            click.echo(f"  真实副本摘要 (genuine digest): {verdict.genuine_digest}")
        if verdict.digest and verdict.digest != verdict.genuine_digest:
            click.echo(f"  本文件摘要 (this file's digest): {verdict.digest}")
    raise click.exceptions.Exit(int(verdict.exit_code))
