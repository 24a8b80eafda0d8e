"""Options every verb shares, so `--root` and `--format` mean the same everywhere."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import click

from generator.core.config import Config, require_root

F = Callable[..., Any]


def _discover_root(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path:
    """The repository root at or above --root (default: the working directory)."""
    return require_root(value if value is not None else Path.cwd())


def root_option(func: F) -> F:
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        callback=_discover_root,
        help="内容仓库根目录，默认从当前目录向上查找 (content repository root; default: found "
        "upward from the working directory).",
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

    return click.option(
        "--today",
        "--as-of",
        "today",
        type=DATE,
        default=None,
        help="参照日期 YYYY-MM-DD：生效日期晚于它的发布尚未生效 (reference date).",
    )(func)


def config_for(root: Path, out: Path | None = None, today: date | None = None) -> Config:
    config = Config.for_root(root, out)
    return replace(config, today=today) if today else config


def progress(message: str) -> None:
    """Progress for long work goes to stderr so --format json stays clean on stdout."""
    click.echo(f"» {message}", err=True)


class DateType(click.ParamType):  # type: ignore[type-arg]  # generic in newer click stubs
    """A calendar date written strictly as YYYY-MM-DD (2025-02-30 and 2026-9-1 are refused);
    the value becomes a `date`. A bad date is a usage error (exit 2)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                self.fail(
                    f"'{text}' 不是真实存在的日期（YYYY-MM-DD） (not a calendar date)", param, ctx
                )
        self.fail(
            f"'{text}' 不是 YYYY-MM-DD 格式的日期，如 2025-03-01 (not YYYY-MM-DD)", param, ctx
        )


class DateOrReleaseType(click.ParamType):  # type: ignore[type-arg]  # generic in newer click stubs
    """A date (checked as `DateType`) or a release version/tag, told apart by their look:
    anything starting with digits and a dash is meant as a date."""

    name = "YYYY-MM-DD|RELEASE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> date | str:
        text = str(value).strip()
        if re.match(r"\d+-", text) or re.fullmatch(r"\d{8}", text):
            return DATE.convert(text, param, ctx)
        if not text:
            self.fail("不能为空 (must not be empty)", param, ctx)
        return text


DATE = DateType()
DATE_OR_RELEASE = DateOrReleaseType()
