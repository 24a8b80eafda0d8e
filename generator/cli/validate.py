"""`cems validate`: schema and cross-reference checks; read-only."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.options import config_for, format_option, root_option
from generator.content.project import load_project
from generator.core.issues import ExitCode, Severity
from generator.core.output import issues_to_json, issues_to_text


@click.command("validate")
@root_option
@format_option
@click.option("--strict", is_flag=True, help="警告也算失败 (warnings fail too).")
def command(root: Path, fmt: str, strict: bool) -> None:
    """校验全部文件、记录和发布历史 (validate content, references and the release history)."""
    config = config_for(root)
    project = load_project(config)
    issues = list(project.issues)
    if project.model is not None:
        from generator.ops.check import history_problems

        issues += history_problems(config, project.model)
    if fmt == "json":
        click.echo(issues_to_json(issues))
    elif issues:
        click.echo(issues_to_text(issues))
    else:
        n_docs = len(project.sources.documents)
        n_recs = sum(len(v) for v in project.sources.records.values())
        click.echo(
            f"校验通过：{n_docs} 份文件、{n_recs} 份记录 (valid: {n_docs} documents, {n_recs} records)"
        )
    failing = [i for i in issues if i.severity is Severity.ERROR or strict]
    raise click.exceptions.Exit(int(ExitCode.CONTENT if failing else ExitCode.OK))
