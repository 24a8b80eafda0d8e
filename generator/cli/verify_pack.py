"""`cems verify-pack PACK.zip`: exit 0 when every file matches the manifest, 6 when not."""

from __future__ import annotations

from pathlib import Path

import click

from generator.core.output import issues_to_text

EXIT_ALTERED = 6  # the pack differs from its manifest (distinct from content errors, 1)


@click.command("verify-pack")
@click.argument("pack", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def command(pack: Path) -> None:
    """校验证据包：每个文件都与清单中的 SHA-256 一致 (verify an evidence pack)."""
    from generator.ops.verify_pack import verify_pack  # lazy: it loads the export stage

    result = verify_pack(pack)
    if not result.ok:
        click.echo(issues_to_text(result.issues), err=True)
        click.echo(f"cems: 证据包已被改动 (pack altered): {pack}", err=True)
        raise click.exceptions.Exit(EXIT_ALTERED)
    manifest = result.manifest
    click.echo(
        f"证据包完好 (pack intact)：{result.checked} 个文件与清单一致；{manifest.get('organisation', '')} "
        f"{manifest.get('year')} 年度，提交 {str(manifest.get('commit', ''))[:12]}，"
        f"发布 {manifest.get('release') or '无'}，有效日期 {manifest.get('as_of')}"
    )
