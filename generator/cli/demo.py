"""`cems demo DIR`: the sample organisation as a git repository with a realistic history,
built (Word copies, registers, site) and published as one site version per release."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.options import config_for, progress
from generator.core.issues import CemsError, has_errors
from generator.core.output import issues_to_text
from generator.ops.demo import create_demo


@click.command("demo")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--no-build", is_flag=True, help="只生成仓库，不生成网站和 Word (skip the build).")
def command(directory: Path, no_build: bool) -> None:
    """生成示例单位的 git 仓库（含发布、修订、作废和草稿）并构建 (write and build the demo repository)."""
    from generator.ops.demo_build import build_and_publish  # lazy: heavy imports

    progress(f"写入示例仓库 (writing the demo repository) {directory}")
    result = create_demo(directory)
    click.echo(
        f"示例仓库 (demo repository): {result.target}\n"
        f"  {result.commits} 次提交，发布 (releases): {'、'.join(result.releases)}"
    )
    if result.draft_documents:
        click.echo(f"  未发布的修改 (open drafts): {'、'.join(result.draft_documents)}")
    if result.overdue_reviews:
        click.echo(
            f"  逾期评审（演示） (overdue reviews, a demonstration): {'、'.join(result.overdue_reviews)}"
        )
    if no_build:
        return
    config = config_for(result.target)
    progress("构建，同时为每个发布生成网站版本 (build, and one site version per release)")
    built, issues = build_and_publish(config, progress)
    if built.issues:
        click.echo(issues_to_text(built.issues), err=True)
    if has_errors(issues):
        raise CemsError("版本网站生成失败 (publishing versions failed)", issues)
    click.echo(f"网站 (site): {built.site_index}")
    click.echo(f"各版本网站 (site versions): {config.out_dir / 'versions'}")
    click.echo(f"Word 受控副本 (Word copies): {built.word_dir}")
    click.echo(f"预览 (preview): cems serve --root {result.target} --versions")
