"""`cems review-input`: the management review input pack (10 a), prefilled from the records."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from generator.carbon.calc.rounding import dumps_exact
from generator.cli.options import config_for, format_option, root_option
from generator.core.issues import ExitCode
from generator.ops.review_input import default_period, review_pack_at, write_review_input


@click.command("review-input")
@root_option
@format_option
@click.option(
    "--period", type=int, default=None, help="评审的年度，默认上一个核算年度 (year reviewed)."
)
@click.option(
    "--as-of",
    "--today",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="数据截止日期 YYYY-MM-DD，默认今天 (data up to this date, default today).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="输出目录，默认 build/。",
)
def command(
    root: Path, fmt: str, period: int | None, as_of: datetime | None, out_dir: Path | None
) -> None:
    """生成管理评审输入材料：以往措施、方针、绩效、合规、目标、交流、审核、纠正措施、规划、改进建议。"""
    config = config_for(root)
    if out_dir is not None:
        from generator.core.config import Config

        config = Config.for_root(config.root, out_dir)
    when = as_of.date() if as_of is not None else date.today()  # the CLI's one conversion
    if period is None:
        model, _history, _pack = review_pack_at(config, when.year - 1, when)
        period = default_period(model, when)
    pack, files = write_review_input(config, period, when)
    if fmt == "json":
        data = {
            "id": pack.id,
            "period": pack.period,
            "as_of": pack.as_of,
            "files": [config.rel(f) if f.is_relative_to(config.root) else str(f) for f in files],
            "sections": [
                {"key": s.key, "title": s.title, "lines": list(s.lines), "sources": list(s.sources)}
                for s in pack.sections
            ],
        }
        click.echo(dumps_exact(data))
    else:
        click.echo(pack.to_markdown())
        for path in files:
            click.echo(f"已写入 (written): {path}")
    raise click.exceptions.Exit(int(ExitCode.OK))
