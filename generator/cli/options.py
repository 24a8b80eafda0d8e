"""Options every verb shares, so `--root` and `--format` mean the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
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


def config_for(root: Path, out: Path | None = None) -> Config:
    return Config.for_root(root, out)


def progress(message: str) -> None:
    """Progress for long work goes to stderr so --format json stays clean on stdout."""
    click.echo(f"» {message}", err=True)
