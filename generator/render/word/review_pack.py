"""Render stage (Word): the management review input pack (管理评审输入材料) as a controlled copy.

The pack is generated from records at build time, so it is never "released" by a tag of its
own: the copy carries the commit it was built from and the management representative as its
compiler; the management-reviews record names the pack (`pack`) it was held on.
"""

from __future__ import annotations

from pathlib import Path

from generator.content.model import Document, Model
from generator.control.types import DocumentControl, History
from generator.core.config import Config
from generator.core.findings import ReviewPack
from generator.manifest import GeneratedFile
from generator.render.word.context import CopyContext
from generator.render.word.copy import reference_bytes, write_copy


def review_pack_file(pack: ReviewPack) -> str:
    return f"word/review/{pack.id}-管理评审输入材料.docx"


def _document(model: Model, pack: ReviewPack, body: str) -> Document:
    org = model.organisation
    representative = model.person(org.management_representative)
    return Document(
        id=pack.id,
        title=pack.title,
        kind="review-input",
        edition="A",
        clauses=("10",),
        owner=representative.department if representative else org.departments[0].id,
        author=org.management_representative,
        reviewer=org.management_representative,
        approver=org.top_management,
        status="effective",
        review_interval_months=12,
        distribution=(),
        path=f"review/{pack.id}",
        body=body,
    )


def render_review_pack(
    model: Model, history: History, config: Config, pack: ReviewPack, out_dir: Path
) -> GeneratedFile:
    """`word/review/<pack id>-管理评审输入材料.docx` from the pack."""
    body = pack.to_markdown(heading=False)
    document = _document(model, pack, body)
    control = DocumentControl(pack.id)
    ctx = CopyContext(
        document=document,
        control=control,
        organisation=model.organisation.name,
        people=tuple(sorted((p.id, p.name) for p in model.organisation.people)),
        departments=tuple(sorted((d.id, d.name) for d in model.organisation.departments)),
        commit=history.head_commit,
        base_dir=str(out_dir),
    )
    path = out_dir / review_pack_file(pack)
    digest = write_copy(ctx, reference_bytes(config), path)
    return GeneratedFile(
        path.relative_to(out_dir).as_posix(),
        digest,
        f"review:{pack.id}",
        control.revision_label,
        "draft",
    )
