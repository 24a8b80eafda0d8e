"""`cems new KIND`: scaffold a valid new document or record."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from generator.cli.options import DATE, config_for, root_option
from generator.ops.new import document_kinds, new_document
from generator.ops.new_record import new_prefilled_record


@click.command("new")
@root_option
@click.argument("kind")
@click.option("--title", help="文件名称（新建文件时必填） (document title).")
@click.option("--author", help="编制人 id (author person id).")
@click.option("--id", "record_id", help="记录编号 (record id).")
@click.option(
    "--date",
    "--today",
    "when",
    type=DATE,
    help="记录日期 YYYY-MM-DD，默认今天 (record date; freezes today).",
)
@click.option(
    "--answers",
    help="新记录回应的事项：审核发现或法规要求编号（不符合记录）、MRI-年度（管理评审）"
    " (what the record answers).",
)
def command(
    root: Path,
    kind: str,
    title: str | None,
    author: str | None,
    record_id: str | None,
    when: date | None,
    answers: str | None,
) -> None:
    """新建文件或记录：KIND 为文件类别（manual、procedure、rule、instruction、form）或记录类型。

    Scaffold a new document (KIND = a document kind) or record (KIND = a record type folder).
    """
    config = config_for(root)
    if kind in document_kinds():
        if not title:
            raise click.UsageError("新建文件需要 --title (a document needs --title)")
        path = new_document(config, kind, title, author, when or date.today())
    else:
        path = new_prefilled_record(config, kind, record_id, when or date.today(), answers)
    click.echo(f"已创建 (created): {config.rel(path)}")
