"""`cems demo DIR`: the sample organisation as a git repository with a realistic history."""

from __future__ import annotations

from pathlib import Path

import click

from ..demo import create_demo
from ..report import issues_to_text
from ._options import config_for, progress


@click.command("demo")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--no-build", is_flag=True, help="只生成仓库，不生成网站和 Word (skip the build).")
def command(directory: Path, no_build: bool) -> None:
    """生成示例单位的 git 仓库（含发布、修订、作废和草稿） (write the demo repository)."""
    progress(f"写入示例仓库 (writing the demo repository) {directory}")
    result = create_demo(directory)
    click.echo(
        f"示例仓库 (demo repository): {result.target}\n"
        f"  {result.commits} 次提交，发布 (releases): {'、'.join(result.releases)}"
    )
    if result.draft_documents:
        click.echo(f"  未发布的修改 (open drafts): {'、'.join(result.draft_documents)}")
    if no_build:
        return
    try:
        from ..build import build_all
    except ImportError as error:
        click.echo(f"跳过生成：生成模块不可用 (build skipped: {error})", err=True)
        return
    built = build_all(config_for(result.target), progress=progress)
    if built.issues:
        click.echo(issues_to_text(built.issues), err=True)
    click.echo(f"网站 (site): {built.site_index}")
    click.echo(f"Word 受控副本 (Word copies): {built.word_dir}")
