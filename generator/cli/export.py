"""`cems export --year Y --out PACK.zip`: the verifier's evidence pack of a reporting year."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from generator.cli.options import DATE, config_for, progress, root_option


@click.command("export")
@root_option
@click.option("--year", type=int, required=True, help="报告年度 (reporting year).")
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    default=None,
    help="文件有效日期 YYYY-MM-DD，默认最新提交的日期 (documents in force on).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="输出 zip，默认 <root>/build/evidence-<year>.zip (output zip).",
)
@click.option("--pdf", is_flag=True, help="同时附 PDF（需要 LibreOffice） (add PDF copies).")
def command(root: Path, year: int, as_of: date | None, out: Path | None, pdf: bool) -> None:
    """导出核查证据包：有效文件、排放报告、记录及其来源、附件和清单 (evidence pack)."""
    config = config_for(root)
    target = out if out is not None else config.out_dir / f"evidence-{year}.zip"
    progress(f"导出 {year} 年度证据包 (exporting the evidence pack)")
    from generator.ops.export import export_pack  # lazy: every other verb starts faster

    result = export_pack(config, year, target, as_of, pdf)
    click.echo(
        f"已写入 {result.path}：{len(result.files)} 个文件，提交 {result.commit[:12]}，"
        f"发布 {result.release or '无'}，有效日期 {result.as_of}\n"
        f"证据包 SHA-256 {result.sha256}（请记录，用于日后证明证据包未被替换）"
    )
