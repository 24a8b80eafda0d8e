"""Options every verb shares, so `--root` and `--format` mean the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from generator.core.config import Config

F = Callable[..., Any]


def root_option(func: F) -> F:
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        show_default=True,
        help="内容仓库根目录 (content repository root).",
    )(func)


def out_option(func: F) -> F:
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="输出目录，默认 <root>/build (output folder).",
    )(func)


def format_option(func: F) -> F:
    def remember(ctx: click.Context, _param: click.Parameter, value: str) -> str:
        ctx.meta["cems.format"] = value
        return value

    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        callback=remember,
        is_eager=True,
        help="输出格式 (output format).",
    )(func)


def today_option(func: F) -> F:
    """--today/--as-of YYYY-MM-DD: the reference date for what is in force (default: today)."""

    def check(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
        except ValueError:
            raise click.BadParameter(f"'{value}' 不是 YYYY-MM-DD 日期") from None

    return click.option(
        "--today",
        "--as-of",
        "today",
        default=None,
        callback=check,
        help="参照日期 YYYY-MM-DD：生效日期晚于它的发布尚未生效 (reference date).",
    )(func)


def config_for(root: Path, out: Path | None = None, today: str | None = None) -> Config:
    config = Config.for_root(root, out)
    return replace(config, today=today) if today else config


def progress(message: str) -> None:
    """Progress for long work goes to stderr so --format json stays clean on stdout."""
    click.echo(f"» {message}", err=True)
