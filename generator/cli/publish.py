"""`cems publish`: one site per release tag plus the draft, under <out>/versions (mike layout)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from generator.cli.options import (
    config_for,
    format_option,
    out_option,
    progress,
    root_option,
    today_option,
)
from generator.core.issues import ExitCode, has_errors
from generator.core.output import issues_to_json, issues_to_text


@click.command("publish")
@root_option
@format_option
@out_option
@click.option("--no-word", is_flag=True, help="不生成 Word/Excel 下载文件 (site only, faster).")
@click.option(
    "--copies",
    is_flag=True,
    help="在各版本的正本摘要登记表中也记录发给各部门的受控副本（较慢） "
    "(also record the department copies' digests; slower).",
)
@today_option
def command(
    root: Path, fmt: str, out: Path | None, no_word: bool, copies: bool, today: date | None
) -> None:
    """为每个发布版本和草稿生成网站 (build a site for every release and the draft)."""
    from generator.ops.publish import publish_versions  # lazy: the renderers are heavy imports

    config = config_for(root, out, today)
    issues = publish_versions(
        config, config.out_dir, word=not no_word, copies=copies, progress=progress
    )
    if fmt == "json":
        click.echo(issues_to_json(issues))
    elif issues:
        click.echo(issues_to_text(issues), err=True)
    versions = config.out_dir / "versions"
    if fmt != "json":
        click.echo(f"版本站点 (versions): {versions}")
        click.echo(f"预览 (preview): cems serve --versions --out {config.out_dir}")
    raise click.exceptions.Exit(int(ExitCode.CONTENT if has_errors(issues) else ExitCode.OK))
