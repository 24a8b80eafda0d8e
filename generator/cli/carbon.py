"""`cems carbon`: emissions, intensity, uncertainty, monitoring analysis; read-only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import click

from generator.cli.options import config_for, format_option, root_option
from generator.content.project import load_project, require_model
from generator.core.issues import ExitCode


@click.command("carbon")
@root_option
@format_option
@click.option(
    "--year", type=int, default=None, help="评估年度，默认最近一年 (year; default: latest)."
)
@click.option(
    "--threshold-mom",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="环比变化异常阈值 % (month-on-month anomaly threshold).",
)
@click.option(
    "--threshold-yoy",
    type=click.FloatRange(min=0),
    default=25.0,
    show_default=True,
    help="同比变化异常阈值 % (year-on-year anomaly threshold).",
)
def command(
    root: Path, fmt: str, year: int | None, threshold_mom: float, threshold_yoy: float
) -> None:
    """碳排放核算与分析 (emissions, intensity, uncertainty, anomalies, baseline, objectives)."""
    project = load_project(config_for(root))
    model = require_model(project)
    files = {f.rel: f for f in project.sources.all_files()}

    def locate(file: str, path: tuple[str | int, ...]) -> int | None:
        source = files.get(file)
        return source.line_of(path) if source else None

    # lazy: the analysis imports openpyxl and numpy, which no other verb needs at start-up
    from generator.carbon.calc.analysis import Thresholds, assess
    from generator.carbon.calc.rounding import dumps_exact
    from generator.carbon.report.summary import to_json, to_text

    thresholds = Thresholds(Decimal(str(threshold_mom)), Decimal(str(threshold_yoy)))
    assessment = assess(model, year, thresholds, locate)
    name = model.organisation.name
    if fmt == "json":
        click.echo(dumps_exact(to_json(assessment, name)))
    else:
        click.echo(to_text(assessment, name))
    raise click.exceptions.Exit(int(ExitCode.OK))
