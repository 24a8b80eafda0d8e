"""`cems check`: validation, history problems, open drafts and overdue periodic reviews."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click

from generator.cli.options import config_for, format_option, root_option
from generator.core.issues import ExitCode, Severity
from generator.core.output import issues_to_text
from generator.ops.check import CheckResult, run_check


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
    except ValueError:
        raise click.BadParameter(f"'{value}' 不是 YYYY-MM-DD 日期") from None


def _text(result: CheckResult) -> str:
    lines = []
    if result.issues:
        lines.append(issues_to_text(result.issues))
    if result.drafts:
        lines.append(f"未发布的修改 (drafts, {len(result.drafts)}):")
        for control in result.drafts:
            commits = "；".join(c.summary for c in control.draft_changes) or "未提交的修改"
            lines.append(f"  {control.document_id}（现行 {control.revision_label}）：{commits}")
    lines.append(
        f"参照日期 {result.reference_date or '无'}：逾期评审 {len(result.overdue)} 份，"
        f"草稿 {len(result.drafts)} 份 (reference date; overdue reviews; drafts)"
    )
    return "\n".join(lines)


@click.command("check")
@root_option
@format_option
@click.option(
    "--today",
    callback=_date,
    default=None,
    help="参照日期 YYYY-MM-DD，默认今天 (reference date; default: today).",
)
@click.option("--strict", is_flag=True, help="警告（如评审逾期）也算失败 (warnings fail too).")
def command(root: Path, fmt: str, today: str | None, strict: bool) -> None:
    """检查文件评审是否逾期、有无未发布的修改和校验错误 (check reviews, drafts, validity)."""
    result = run_check(config_for(root), today or date.today().isoformat())
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(_text(result))
    failing = [i for i in result.issues if i.severity is Severity.ERROR or strict]
    raise click.exceptions.Exit(int(ExitCode.CONTENT if failing else ExitCode.OK))
