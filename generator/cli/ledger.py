"""`cems ledger --year Y`: allowance balance, cost, offsets, forecast, verification, calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from generator.carbon.calc.cycle import cycle_years, year_compliance
from generator.carbon.calc.rounding import dumps_exact
from generator.carbon.report.compliance import year_json, year_markdown
from generator.cli.options import DATE, config_for, format_option, root_option
from generator.content.project import load_project, require_model
from generator.core.issues import CemsError


@click.command("ledger")
@root_option
@format_option
@click.option("--year", type=int, default=None, help="履约年度，默认最近一年 (compliance year).")
@click.option("--today", type=DATE, default=None, help="日历参照日期 YYYY-MM-DD (calendar date).")
def command(root: Path, fmt: str, year: int | None, today: date | None) -> None:
    """配额和抵消台账：余额、履约成本、抵消比例、季度盈缺预测、核查比对和履约日历。"""
    model = require_model(load_project(config_for(root)))
    years = cycle_years(model)
    if not years:
        raise CemsError("没有排放源清单或配额台账记录 (no inventory or ledger records)")
    chosen = year if year is not None else years[-1]
    if chosen not in years:
        raise CemsError(
            f"{chosen} 年没有排放源清单或配额台账 (no records for {chosen})；可选："
            + "、".join(map(str, years))
        )
    found = year_compliance(model, chosen, today)
    if fmt == "json":
        click.echo(dumps_exact(year_json(found)))
    else:
        click.echo(year_markdown(found, today))
