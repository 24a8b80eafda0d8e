"""`cems migrate --check | --apply`: bring a repository to this cems's data format."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.options import config_for, root_option
from generator.core.issues import ExitCode


@click.command("migrate")
@root_option
@click.option("--check", "mode", flag_value="check", default=True, help="只列出变化 (list only).")
@click.option("--apply", "mode", flag_value="apply", help="完成可自动完成的迁移 (apply).")
def command(root: Path, mode: str) -> None:
    """列出（--check）或完成（--apply）数据格式迁移 (list or apply data format migrations).

    --check 在有待迁移项时退出码为 1 (exit 1 when something is left to migrate).
    """
    from generator.content.project import load_project
    from generator.core.output import issues_to_text
    from generator.ops.migrate import apply_migrations, check_migrations

    config = config_for(root)
    if mode == "apply":
        for line in apply_migrations(config):
            click.echo(f"已迁移 (done): {line}")
        issues = load_project(config).issues
        if issues:
            click.echo(issues_to_text(issues))
    report = check_migrations(config)
    click.echo(
        f"数据格式版本 (format): 本仓库 {report.version}，本 cems {report.current} "
        f"(repository {report.version}, cems {report.current})"
    )
    for change in report.changes:
        click.echo(f"  {change.describe()}")
    if report.stale_editor_schemas:
        click.echo(
            "  .cems/schemas/ 与已安装的 cems 不一致，cems migrate --apply 可刷新 "
            "(editor schema copy is older than the installed cems)"
        )
    if report.up_to_date:
        click.echo("无需迁移 (up to date)")
    raise click.exceptions.Exit(int(ExitCode.OK if report.up_to_date else ExitCode.CONTENT))
