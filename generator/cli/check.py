"""`cems check`: does the management system run? Findings by rule, clause, file and line."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import click

from generator.cli.options import DATE, config_for, format_option, root_option
from generator.core.issues import ExitCode
from generator.ops.check import CheckResult, run_check


def _text(result: CheckResult) -> str:
    findings = result.all_findings()
    lines = [f.format() for f in findings]
    counts = Counter(f.severity.value for f in findings)
    if result.drafts:
        lines.append(f"未发布的修改 (drafts, {len(result.drafts)}):")
        for control in result.drafts:
            commits = "；".join(c.summary for c in control.draft_changes) or "未提交的修改"
            lines.append(f"  {control.document_id}（现行 {control.revision_label}）：{commits}")
    lines.append(
        f"参照日期 {result.reference_date}：错误 {counts['error']} 项，警告 {counts['warning']} 项"
        f"（逾期评审 {len(result.overdue)} 份，草稿 {len(result.drafts)} 份）"
        " (reference date; errors; warnings)"
    )
    return "\n".join(lines)


@click.command("check")
@root_option
@format_option
@click.option(
    "--as-of",
    "--today",
    "as_of",
    type=DATE,
    default=None,
    help="参照日期 YYYY-MM-DD，默认今天 (reference date, default today).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="哪一级的发现使退出码为 1 (which findings fail).",
)
@click.option("--strict", is_flag=True, help="同 --fail-on warning (same as --fail-on warning).")
def command(root: Path, fmt: str, as_of: date | None, fail_on: str, strict: bool) -> None:
    """检查体系是否在运行：合规性评价、校准、异常分析、审核、纠正措施、管理评审等 (check)."""
    result = run_check(config_for(root), as_of)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(_text(result))
    failing = result.failing("warning" if strict else fail_on)
    raise click.exceptions.Exit(int(ExitCode.CONTENT if failing else ExitCode.OK))
