"""`cems init DIR`: start a new organisation's content repository."""

from __future__ import annotations

from pathlib import Path

import click

from generator.ops.init import SECTORS, init_repository


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", required=True, help="单位名称 (organisation name).")
@click.option("--prefix", required=True, help="文件编号前缀，如 YJH (document ID prefix).")
@click.option(
    "--sector",
    type=click.Choice(SECTORS),
    default="manufacturing",
    show_default=True,
    help="行业类型，决定强度指标和部门的初始内容 (sector: intensity indicator, departments).",
)
def command(directory: Path, name: str, prefix: str, sector: str) -> None:
    """新建单位的内容仓库：单位信息（待填写）、文件夹、CI、编辑器设置，并完成首次提交。

    Start a new organisation's content repository (git init and a first commit).
    """
    result = init_repository(directory, name, prefix, sector)
    click.echo(f"已创建内容仓库 (created): {result.root}（{len(result.files)} 个文件）")
    if not result.committed:
        click.echo(
            "注意：git 未设置 user.name/user.email，首次提交使用了临时身份 "
            "(no git identity: the first commit used a stand-in)",
            err=True,
        )
    click.echo(
        "下一步 (next):\n"
        f"  cd {directory}\n"
        "  cems validate        # 列出 content/organisation.yaml 中尚未填写的【待填写】\n"
        "  cems new procedure --title 文件和记录控制程序"
    )
