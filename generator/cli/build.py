"""`cems build`: Word copies, registers and the site under build/ (or --out)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from generator.cli.options import config_for, out_option, progress, root_option, today_option
from generator.core.output import issues_to_text


@click.command("build")
@root_option
@out_option
@today_option
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF (also write PDF copies).")
@click.option(
    "--copies", is_flag=True, help="按发放部门生成带分发号的受控副本 (one copy per department)."
)
@click.option(
    "--jobs", type=click.IntRange(1, 64), default=2, show_default=True, help="并行进程数 (workers)."
)
def command(
    root: Path, out: Path | None, today: date | None, pdf: bool, copies: bool, jobs: int
) -> None:
    """生成 Word 受控副本、登记表和审核网站 (build Word copies, registers and the site)."""
    from generator.ops.build import build_all  # lazy: the renderers are heavy imports

    result = build_all(
        config_for(root, out, today), pdf=pdf, copies=copies, jobs=jobs, progress=progress
    )
    if result.issues:
        click.echo(issues_to_text(result.issues), err=True)
    click.echo(f"网站 (site): {result.site_index}")
    click.echo(f"Word 受控副本 (Word copies): {result.word_dir}")
    click.echo(f"清单 (manifest): {result.out_dir / 'manifest.json'}")
