"""`cems release VERSION`: approve and issue the committed documents as an annotated tag."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from generator.cli.options import DATE, config_for, root_option
from generator.ops.release import ReleaseResult, create_release


def show_plan(result: ReleaseResult) -> None:
    """Everything the release would change, before the tag is made."""
    release = result.release
    approver = release.approver.name if release.approver else ""
    click.echo(
        f"{release.tag} 将发布（批准人 {approver}，生效日期 {release.effective_date}）"
        " (planned release):"
    )
    for revision in result.revised:
        reviewers = (
            "、".join(sorted({r.name for c in revision.changes for r in c.reviewers})) or "—"
        )
        click.echo(f"  修订 {revision.document_id} {revision.label}（审核 {reviewers}）")
    for doc_id, reason in result.withdrawn:
        click.echo(f"  作废 {doc_id}：{reason}")
    for copy in result.recalled:
        click.echo(f"  回收 {copy.distribution_number} {copy.document_id} {copy.revision}")
    for doc_id in result.drafts:
        click.echo(f"  草稿，不发布 {doc_id} (draft, not released)")


@click.command("release")
@root_option
@click.argument("version")
@click.option(
    "--effective-date", type=DATE, default=None, help="生效日期 YYYY-MM-DD，默认发布当天。"
)
@click.option("--message", "-m", default=None, help="发布说明 (release note).")
@click.option("--sign", is_flag=True, help="用 gpg 签名标签 (git tag -s).")
@click.option("--require-signed", is_flag=True, help="签名无法验证时拒绝发布 (refuse unsigned).")
@click.option("--dry-run", is_flag=True, help="只列出将发布的内容，不打标签 (list, do not tag).")
def command(
    root: Path,
    version: str,
    effective_date: date | None,
    message: str | None,
    sign: bool,
    require_signed: bool,
    dry_run: bool,
) -> None:
    """发布文件：创建 release/VERSION 标签，发布人即批准人 (approve and issue a release)."""
    result = create_release(
        config_for(root),
        version,
        effective_date=effective_date,
        message=message,
        sign=sign,
        require_signed=require_signed,
        dry_run=dry_run,
        show=show_plan,
    )
    if dry_run:
        click.echo("试运行，未创建标签 (dry run: no tag made)")
        return
    release = result.release
    approver = release.approver.name if release.approver else ""
    click.echo(
        f"已发布 {release.tag}（批准人 {approver}，生效日期 {release.effective_date}，"
        f"{release.signature_zh}） (released)"
    )
    for revision in result.revised:
        click.echo(f"  修订 {revision.document_id} {revision.label}")
    for doc_id, reason in result.withdrawn:
        click.echo(f"  作废 {doc_id}：{reason}")
    for copy in result.recalled:
        click.echo(f"  回收 {copy.distribution_number} {copy.document_id} {copy.revision}")
    click.echo("推送标签：git push origin " + release.tag)
